// ParseHtmlLibxml2: the Document of a page through libxml2's HTML parser in
// SAX mode, trawl's parser before html_parser.h. Kept for comparison only
// (bench/parse_bench.cpp, tests/unit/document_parsers_test.cpp); the crawler
// never links it. Thread-safe: each call has its own parser context.
#pragma once

#include <string_view>

#include "extract/document.h"

namespace trawl {

// Never fails; invalid UTF-8 is repaired first (as for ParseHtml) and
// nesting beyond 256 flattened (depth_flattener.h).
Document ParseHtmlLibxml2(std::string_view html, std::string_view url);

}  // namespace trawl
