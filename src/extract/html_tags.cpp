// Tag lookup for trawl's HTML parser (html_tags.h).
#include "extract/html_tags.h"

#include <cstddef>

namespace trawl::html_detail {
namespace {

// Tag lookup is on every start and end tag: an open-addressing hash table
// over kTags, built once, instead of a binary search of string compares.
// (Kept out of line: one call per tag costs nothing measurable.), built once, instead of a binary search of string compares.
constexpr size_t kTagTableSize = 512;  // power of two, > 3x the number of tags
constexpr size_t kMaxTagName = 14;     // "annotation-xml"

constexpr uint32_t HashName(std::string_view s) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

constexpr std::array<uint8_t, kTagTableSize> kTagTable = [] {
  std::array<uint8_t, kTagTableSize> t{};
  for (size_t i = 0; i < std::size(kTags); ++i) {
    size_t at = HashName(kTags[i].name) & (kTagTableSize - 1);
    while (t[at] != 0) at = (at + 1) & (kTagTableSize - 1);
    t[at] = static_cast<uint8_t>(i + 1);
  }
  return t;
}();

}  // namespace

Tag TagOf(std::string_view lower_name) {
  if (lower_name.empty() || lower_name.size() > kMaxTagName) return Tag::kUnknown;
  for (size_t at = HashName(lower_name) & (kTagTableSize - 1);; at = (at + 1) & (kTagTableSize - 1)) {
    uint8_t i = kTagTable[at];
    if (i == 0) return Tag::kUnknown;
    if (kTags[i - 1].name == lower_name) return static_cast<Tag>(i);
  }
}

const std::array<HtmlTag, std::size(kTags) + 1>& BuilderTags() {
  static const auto table = [] {
    std::array<HtmlTag, std::size(kTags) + 1> t{};
    t[0] = HtmlTagOf("");
    for (size_t i = 0; i < std::size(kTags); ++i) t[i + 1] = HtmlTagOf(kTags[i].name);
    return t;
  }();
  return table;
}

}  // namespace trawl::html_detail
