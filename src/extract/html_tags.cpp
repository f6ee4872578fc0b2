// The map from the parser's tags to the builder's (html_tags.h).
#include "extract/html_tags.h"

#include <cstddef>

namespace trawl::html_detail {

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
