// Decoding fetched pages to UTF-8: choose the charset (byte order mark, HTTP
// header, <meta>, detection) and convert with iconv. Pure functions, safe to
// call from any thread (each call opens its own iconv and uchardet handles).
//
// How the charset is chosen, in order (WHATWG "encoding sniffing", simplified):
//  1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) — always wins;
//  2. `charset=` in the Content-Type header;
//  3. <meta charset> or <meta http-equiv="Content-Type" content="…charset=…">
//     in the first kCharsetPrescanBytes (the WHATWG prescan reads 1024 bytes;
//     real pages put scripts and styles first, so we read further);
//  4. undeclared: UTF-8 if the bytes are valid UTF-8, else uchardet's guess,
//     else windows-1252.
// Labels are mapped as WHATWG does: iso-8859-1, latin1 and us-ascii mean
// windows-1252, shift_jis means windows-31j (CP932), euc-kr means CP949, gbk
// and gb2312 mean GB18030, a <meta> claiming UTF-16 means UTF-8.
// Departure: a page *declared* in a legacy charset whose bytes are valid UTF-8
// and contain non-ASCII sequences is read as UTF-8. Legacy text is almost
// never valid UTF-8 by accident, while "iso-8859-1" headers left over from
// server defaults on UTF-8 pages are common.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace trawl {

inline constexpr size_t kCharsetPrescanBytes = 4096;

// Decodes `body` to UTF-8 given the response's Content-Type header (may be
// empty). Invalid byte sequences become U+FFFD; a charset iconv does not know
// falls back to windows-1252. A byte order mark is dropped. In practice it
// never fails; the Result is there so callers treat decoding as fallible.
// Cost: one validation pass when the page is UTF-8, else one iconv pass.
Result<std::string> ToUtf8(std::string_view body, std::string_view content_type_header);

// ToUtf8 without the copy in the common case: nullopt when `body` is already
// exactly what ToUtf8 would return (well-formed UTF-8 without a byte order
// mark; the caller uses it as it is), else ToUtf8's result. Never fails
// (should ToUtf8 fail, nullopt: use the bytes as they are).
std::optional<std::string> ToUtf8IfNeeded(std::string_view body,
                                          std::string_view content_type_header);

// The iconv name of the charset ToUtf8 would decode `body` with, e.g.
// "UTF-8", "WINDOWS-1252", "CP932". For logs and tests. Cannot fail.
std::string SniffCharset(std::string_view body, std::string_view content_type_header);

// The charset label in a Content-Type value ("text/html; charset=UTF-8" →
// "UTF-8"), as written; empty when there is none. Cannot fail.
std::string_view CharsetFromContentType(std::string_view content_type);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// past U+10FFFF). Cannot fail.
bool IsValidUtf8(std::string_view s);

// Copies `s`, replacing each maximal ill-formed subsequence with U+FFFD (the
// Unicode and WHATWG practice). Written by hand because glibc's iconv has no
// replacement mode: "//IGNORE" silently drops bytes (and still reports an
// error), so a reader could not tell where text went missing. Cannot fail.
std::string RepairUtf8(std::string_view s);

}  // namespace trawl
