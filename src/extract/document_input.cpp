// The UTF-8 repair pass in front of ParseHtml: a single linear scan that
// copies only when it changes something.
#include "extract/document_input.h"

#include <cstdint>
#include <cstring>

namespace trawl {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is invalid (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF).
size_t ValidSequence(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  unsigned c = at(0);
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return at(k) >= lo && at(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Index of the first NUL or invalid byte at or after `from`, or s.size().
size_t FirstBad(std::string_view s, size_t from) {
  size_t i = from;
  while (i < s.size()) {
    // Eight ASCII bytes at a time: most of a page is markup.
    if (s.size() - i >= 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      bool has_zero = ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) != 0;
      if ((w & 0x8080808080808080ull) == 0 && !has_zero) {
        i += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = ValidSequence(s, i);
    if (n == 0) return i;
    i += n;
  }
  return s.size();
}

}  // namespace

std::string SanitizeUtf8ForParser(std::string_view html) {
  size_t bad = FirstBad(html, 0);
  if (bad == html.size()) return {};
  std::string out;
  out.reserve(html.size() + 16);
  size_t copied = 0;
  while (bad < html.size()) {
    out.append(html.substr(copied, bad - copied));
    if (html[bad] == '\0') {
      copied = bad + 1;
    } else {
      out.append("\xEF\xBF\xBD");
      // One replacement per maximal invalid run of continuation bytes, as decoders do.
      copied = bad + 1;
      while (copied < html.size() && (static_cast<unsigned char>(html[copied]) & 0xC0) == 0x80)
        ++copied;
    }
    bad = FirstBad(html, copied);
  }
  out.append(html.substr(copied));
  return out;
}

}  // namespace trawl
