// ParseHtmlGumbo: the same Document as ParseHtml, built on gumbo's WHATWG tree
// builder instead of trawl's own parser. The reference for the differential
// test (tests/unit/document_parsers_test.cpp) and bench/parse_bench.cpp; the
// crawler never links it. Thread-safe: each call owns all its state.
#pragma once

#include <string_view>

#include "extract/document.h"

namespace trawl {

// Parses UTF-8 HTML with gumbo. Never fails; see ParseHtml for the contract.
// About 4x slower than ParseHtml (docs/parser-choice.md).
Document ParseHtmlGumbo(std::string_view html, std::string_view url);

}  // namespace trawl
