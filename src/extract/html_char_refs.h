// HTML character references (`&amp;`, `&#233;`, `&#x1F600;`): the part of
// HTML's tokenizer that turns them into UTF-8, shared by text and attribute
// values. Pure functions over constant tables; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace trawl {

// One named reference: `&name;` stands for the code point `value`.
struct NamedCharReference {
  std::string_view name;
  uint32_t value;
  bool legacy;  // decoded even without ';' (HTML's Latin-1 set, amp, lt, gt, quot, and six
                // upper-case aliases)
};

// Every name DecodeCharReference knows, sorted by name (byte order): the
// 253 of libxml2 2.9.14's table (HTML 4's list and &apos;) plus the six
// upper-case legacy aliases (AMP COPY GT LT QUOT REG). HTML's full list has
// 2,231 names; this one keeps every page decoding as it did when libxml2
// parsed them, and document_parsers_test checks it against libxml2's.
std::span<const NamedCharReference> NamedCharReferences();

// Decodes the character reference at s[p] == '&' (s ends where the text or
// attribute value ends) and appends it to `out` as UTF-8; returns the
// position after it. Where there is none (`&`, `& `, `&unknown;`), appends
// "&" and returns p + 1, so the caller reads on. Numeric references follow
// HTML: 0, surrogates and values past U+10FFFF become U+FFFD, &#128;-&#159;
// take their Windows-1252 meaning. A legacy name without ';' is decoded
// unless `in_attribute` and an ASCII letter, digit or '=' follows it
// (HTML's rule that keeps "?a=1&copy=2" as written). Cannot fail.
size_t DecodeCharReference(std::string_view s, size_t p, bool in_attribute, std::string& out);

}  // namespace trawl
