// Input preparation for the HTML parsers: cheap linear passes that protect
// them from inputs they handle badly (ParseHtml needs only the UTF-8 repair;
// the gumbo and libxml2 versions also the depth flattener). Pure functions,
// thread-safe; results own their memory.
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

// Returns the input with invalid UTF-8 sequences replaced by U+FFFD and NUL
// bytes dropped, or "" when it is already clean (the common case, no copy).
// libxml2 re-reads the whole rest of a page as Latin-1 after its first
// invalid byte; gumbo replaces such bytes the same way, so this keeps the two
// parsers' text identical.
std::string SanitizeUtf8ForParser(std::string_view html);

}  // namespace trawl
