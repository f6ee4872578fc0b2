// Byte scans the field extractors run over every text block of a page
// ("where is the next digit?", "does this block hold seven digits?"), written
// so that the compiler turns them into SIMD code: a fixed-size inner loop over
// 32 bytes with no early exit vectorizes at -O2, a byte-at-a-time loop with a
// branch per byte does not. Most blocks hold nothing of interest, so these
// scans decide most of what a page costs. Pure functions; thread-safe.
//
// Hand-written because nothing in Debian does this: memchr finds one byte
// value, not a class ("any digit") or a pair (" d"), and strpbrk/strcspn need
// NUL-terminated input.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

namespace trawl {

// Offset of the first byte at or after `from` for which pred(byte, next
// byte, the byte after) holds (bytes past the end read as 0), or npos.
// `pred` takes three unsigned chars and should use bitwise & | rather than
// && || so that it vectorizes.
template <typename Pred>
size_t FindByteTriple(std::string_view s, size_t from, Pred pred) {
  constexpr size_t kChunk = 32;
  // One chunk of positions [at, at + kChunk) of `p`, which holds two bytes
  // more: the first position where pred holds, or kChunk.
  auto in_chunk = [&](const unsigned char* p) -> size_t {
    unsigned char any = 0;  // not bool: GCC 12 does not vectorize a bool reduction
    for (size_t k = 0; k < kChunk; ++k)
      any |= static_cast<unsigned char>(pred(p[k], p[k + 1], p[k + 2]));
    if (any == 0) return kChunk;
    for (size_t k = 0; k < kChunk; ++k) {
      if (pred(p[k], p[k + 1], p[k + 2])) return k;
    }
    return kChunk;
  };
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t size = s.size();
  size_t i = from;
  for (; i + kChunk + 2 <= size; i += kChunk) {
    if (size_t k = in_chunk(p + i); k < kChunk) return i + k;
  }
  if (i >= size) return std::string_view::npos;
  // The last bytes, copied into a zeroed buffer so that they too are read a
  // chunk at a time (most blocks are shorter than a chunk).
  unsigned char tail[2 * kChunk + 2] = {};
  size_t n = size - i;  // at most kChunk + 1
  std::memcpy(tail, p + i, n);
  for (size_t at = 0; at < n; at += kChunk) {
    if (size_t k = in_chunk(tail + at); k < kChunk)
      return at + k < n ? i + at + k : std::string_view::npos;
  }
  return std::string_view::npos;
}

// Offset of the first ASCII digit at or after `from`, or npos.
inline size_t FindAsciiDigit(std::string_view s, size_t from = 0) {
  return FindByteTriple(s, from, [](unsigned char c, unsigned char, unsigned char) {
    return static_cast<unsigned char>(c - '0') < 10;
  });
}

// True when `s` holds at least `n` ASCII digits (n <= 0: always).
bool HasAsciiDigits(std::string_view s, int n);

// A maximal run of ASCII digits in a text.
struct DigitRun {
  size_t begin = 0;
  size_t size = 0;
};

// Every maximal digit run of `text`, in order. Postcodes, company and VAT
// numbers all hold one, so the runs (a few dozen on most pages) say where
// their patterns can match at all.
std::vector<DigitRun> DigitRuns(std::string_view text);
// The same into `runs` (cleared first), reusing its memory.
void DigitRuns(std::string_view text, std::vector<DigitRun>& runs);

// True when [begin, end) holds `min_size` (at least 1) consecutive digits of
// one of `runs` (from DigitRuns, ascending).
bool HasDigitRunIn(const std::vector<DigitRun>& runs, size_t begin, size_t end,
                   size_t min_size = 1);

}  // namespace trawl
