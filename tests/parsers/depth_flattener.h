// The depth cap the reference parsers need (gumbo's and libxml2's costs grow
// with nesting depth; trawl's own parser caps depth itself and never runs
// this). Pure function, thread-safe; the result owns its memory.
#pragma once

#include <string>
#include <string_view>

namespace trawl {

// Returns the input with element nesting beyond 256 flattened (the excess
// start and end tags dropped; text, links and void tags kept), or "" when the
// page is never that deep (the common case, no copy). Both parsers have costs
// that grow with depth on some shapes — gumbo's scope checks on start tags,
// libxml2's search of its name stack on every unmatched end tag — which are
// quadratic at 100,000 levels (minutes). 256 is libxml2's own tree-depth
// limit (Chromium caps its DOM at 512); worst case after the cap, measured:
// 100,000 nested tags followed by 100,000 stray </p> or </a>, ~1.4 s.
std::string FlattenDeepNesting(std::string_view html);

}  // namespace trawl
