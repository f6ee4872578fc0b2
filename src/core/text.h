// Small ASCII text helpers shared across libraries: whitespace, case,
// trimming, hex and percent decoding, UTF-8 encoding. Pure; thread-safe;
// results own their memory or view the caller's.
// Only ASCII letters change case: scraped text is UTF-8, and folding the rest
// needs a locale-free Unicode table that callers bring when they need it.
// None of this depends on the C locale (std::isspace and std::tolower do).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trawl {

// Whitespace, two sets on purpose; they differ only in VT (\v, 0x0B).
//
// IsHtmlSpace: TAB LF FF CR SPACE, the WHATWG Infra standard's "ASCII
// whitespace". HTML's tokenizer, the Encoding Standard's label trimming and
// <meta> charset sniffing use exactly this set, and so does RE2's \s, so a
// byte scan that must agree with a \s pattern uses it too. A \v in a page is
// text, not a separator.
constexpr bool IsHtmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// IsAsciiSpace: IsHtmlSpace plus VT: C's isspace() in the "C" locale (and
// libcurl's ISSPACE). For text no web standard defines (a domain typed by a
// user, a mailto: address), where the code used std::isspace before.
constexpr bool IsAsciiSpace(char c) { return IsHtmlSpace(c) || c == '\v'; }

// `c` with A-Z turned to a-z; every other byte unchanged. Cannot fail.
constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` with A-Z turned to a-z; other bytes unchanged. Cannot fail.
std::string AsciiLower(std::string_view s);

// Whether `a` and `b` are equal when A-Z and a-z are not told apart.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// `s` without leading and trailing IsHtmlSpace bytes (a view into `s`).
std::string_view TrimHtmlSpace(std::string_view s);

// `s` without leading and trailing IsAsciiSpace bytes (a view into `s`).
std::string_view TrimAsciiSpace(std::string_view s);

// `s` without leading and trailing bytes that occur in `bytes` (a view into
// `s`), for the sets a format defines itself: RFC 9309's SP and HTAB, XML's
// S, separators around an address line. Bytes, not characters: a multi-byte
// UTF-8 character in `bytes` adds each of its bytes to the set.
std::string_view TrimBytes(std::string_view s, std::string_view bytes);

// The value of the hex digit `c` (0-9, a-f, A-F), or -1 for any other byte.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `s` with every %XX (two hex digits, either case) replaced by its byte. A
// '%' not followed by two hex digits stays as written, as browsers do with
// URLs; decoded bytes are not checked (%00 gives a NUL, %FF an invalid UTF-8
// byte): callers that need more validate the result. Cannot fail.
std::string PercentDecode(std::string_view s);

// Like PercentDecode, but nullopt when a '%' is not followed by two hex
// digits: for formats where a broken escape is an error (the user and
// password of a redis:// URL, the site farm's request paths).
std::optional<std::string> PercentDecodeStrict(std::string_view s);

// `s` with every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~)
// written as %XX (upper-case hex), for the user part of a URL. Cannot fail.
std::string PercentEncode(std::string_view s);

// Appends the UTF-8 encoding of `code_point` (at most U+10FFFF; callers map
// surrogates and larger values to U+FFFD first). Cannot fail.
void AppendUtf8(std::string& out, uint32_t code_point);

}  // namespace trawl
