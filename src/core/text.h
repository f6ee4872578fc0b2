// Small ASCII text helpers shared across libraries. Pure; thread-safe.
// Only ASCII letters change case: scraped text is UTF-8, and folding the rest
// needs a locale-free Unicode table that callers bring when they need it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace trawl {

// `s` with A-Z turned to a-z; other bytes unchanged. Cannot fail.
std::string AsciiLower(std::string_view s);

// `s` without leading and trailing ASCII whitespace (space, \t, \n, \r, \f, \v).
std::string_view TrimAsciiSpace(std::string_view s);

// `s` with every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~)
// written as %XX (upper-case hex), for the user part of a URL. Cannot fail.
std::string PercentEncode(std::string_view s);

// Appends the UTF-8 encoding of `code_point` (at most U+10FFFF; callers map
// surrogates and larger values to U+FFFD first). Cannot fail.
void AppendUtf8(std::string& out, uint32_t code_point);

}  // namespace trawl
