// trawl's own HTML parser: a single pass over the bytes that tokenizes as
// HTML does (tags, attributes, character references, comments, raw text of
// script/style/title/textarea) and applies the part of HTML's tree
// construction that decides which element text and links belong to (implied
// html/head/body, auto-closed p/li/dd/dt/option/td/tr, end tags closing
// through in scope, formatting elements reopened after a misnested close,
// foreign svg/math content), feeding the shared DocumentBuilder as it goes.
//
// Why by hand: issue 2's speed target leaves about 0.3 ms of CPU per 40 KB
// page for parsing, and Debian 12's HTML parsers cost more before a single
// callback runs (libxml2's SAX parser ~50 MB/s, gumbo ~15 MB/s; see
// docs/parser-choice.md). This one reads at several hundred MB/s and keeps
// no tree. Named character references are libxml2's list (HTML 4's names
// and &apos;, copied into html_char_refs.cpp), so a page decodes as it did
// when libxml2 parsed it; trawl does not link libxml2.
// The implementation: html_tokenizer.cpp, html_tree_rules.cpp,
// html_tree_table_select_foreign.cpp, html_open_elements.cpp (see
// html_parser_internal.h for what they share and where they depart from HTML).
//
// Pure function of its input; each call has its own state; thread-safe.
#pragma once

#include <string_view>

namespace trawl {

class DocumentBuilder;

// Feeds `html` (valid UTF-8 without NUL: SanitizeUtf8ForParser) to `builder`
// as element/text events, then calls builder.Finish(). Never fails; work is
// linear in the input. At most 512 elements are open at once; deeper start
// tags are dropped.
void ParseHtmlInto(std::string_view html, DocumentBuilder& builder);

}  // namespace trawl
