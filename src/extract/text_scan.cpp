// Vectorizable byte scans; see text_scan.h.
#include "extract/text_scan.h"

#include <algorithm>
#include <cstring>

namespace trawl {

bool HasAsciiDigits(std::string_view s, int n) {
  if (n <= 0) return true;
  constexpr size_t kChunk = 32;
  auto digits = [](const unsigned char* p) {
    unsigned char in_chunk = 0;  // at most 32: no overflow
    for (size_t k = 0; k < kChunk; ++k) in_chunk += static_cast<unsigned char>(p[k] - '0') < 10;
    return static_cast<int>(in_chunk);
  };
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t size = s.size();
  size_t i = 0;
  int count = 0;
  for (; i + kChunk <= size; i += kChunk) {
    count += digits(p + i);
    if (count >= n) return true;
  }
  if (i < size) {
    unsigned char tail[kChunk] = {};  // zeros are no digits
    std::memcpy(tail, p + i, size - i);
    count += digits(tail);
  }
  return count >= n;
}

std::vector<DigitRun> DigitRuns(std::string_view text) {
  std::vector<DigitRun> runs;
  DigitRuns(text, runs);
  return runs;
}

void DigitRuns(std::string_view text, std::vector<DigitRun>& runs) {
  runs.clear();
  const char* data = text.data();
  size_t n = text.size();
  auto digit = [&](size_t i) { return data[i] >= '0' && data[i] <= '9'; };
  size_t i = FindAsciiDigit(text);
  while (i < n) {
    size_t begin = i;
    while (i < n && digit(i)) ++i;
    runs.push_back({begin, i - begin});
    // The next run is often a few bytes on ("0117 496 0000"): look there
    // before starting a chunked scan.
    size_t near = std::min(n, i + 8);
    while (i < near && !digit(i)) ++i;
    if (i == near) i = FindAsciiDigit(text, i);
  }
}

bool HasDigitRunIn(const std::vector<DigitRun>& runs, size_t begin, size_t end, size_t min_size) {
  // From the first run that ends after `begin`; runs are disjoint and ascending.
  auto it = std::partition_point(runs.begin(), runs.end(),
                                 [&](const DigitRun& r) { return r.begin + r.size <= begin; });
  for (; it != runs.end() && it->begin < end; ++it) {
    size_t from = std::max(it->begin, begin), to = std::min(it->begin + it->size, end);
    if (to >= from + std::max<size_t>(min_size, 1)) return true;
  }
  return false;
}

}  // namespace trawl
