// Input preparation for the HTML parser: the UTF-8 repair ParseHtml runs
// before trawl's parser (the reference parsers in tests/parsers/ also run
// it, and cap nesting depth with their own FlattenDeepNesting). Pure
// function, thread-safe; the result owns its memory.
#pragma once

#include <string>
#include <string_view>

namespace trawl {

// Returns the input with invalid UTF-8 sequences replaced by U+FFFD and NUL
// bytes dropped, or "" when it is already clean (the common case, no copy).
// The parser may then assume valid UTF-8 without NUL. libxml2 re-read the
// whole rest of a page as Latin-1 after its first invalid byte and gumbo
// replaces such bytes the same way as here, so all three parsers see the
// same text.
std::string SanitizeUtf8ForParser(std::string_view html);

}  // namespace trawl
