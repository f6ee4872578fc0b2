// ParseHtmlLibxml2: libxml2's HTML parser in SAX mode (no tree); the
// parser's start/end/text callbacks drive the shared DocumentBuilder
// (document_builder.h holds the page rules; ParseHtml and ParseHtmlGumbo feed
// the same builder). trawl parsed pages this way until its own parser
// (html_parser.h) replaced it; it stays for the benchmark and the
// differential test.
//
// libxml2 2.9.14 specifics, each checked by a test in document_test.cpp:
// * Encoding: the input is UTF-8 already (the fetcher converted it). libxml2
//   is told so, and HTML_PARSE_IGNORE_ENC stops a <meta charset> from
//   switching it; invalid bytes are repaired first (SanitizeUtf8ForParser),
//   because after the first one libxml2 reads the rest of the page as Latin-1.
// * Depth: in SAX mode libxml2 has no nesting limit (its 256 limit guards
//   tree building only), but a mismatched end tag searches its whole stack of
//   open names, so the same linear pre-pass as for gumbo (FlattenDeepNesting)
//   bounds that stack at 256 (libxml2's own limit for trees).
// * Errors: HTML_PARSE_NOERROR|NOWARNING plus a structured handler on the
//   context, so nothing reaches stderr or a process-wide handler. The handler
//   also repairs libxml2's HTML 4 end-tag rule (OnError).
// * Script and style bodies arrive raw through cdataBlock; entities are
//   decoded in text and attribute values; a valueless attribute has a NULL
//   value; element and attribute names arrive lower-cased; implied
//   <html>/<head>/<body> (and a <p> for text outside any element) are
//   reported as ordinary elements. HTML_PARSE_NOIMPLIED is left off so the
//   builder sees the same html/body frame as in gumbo's tree.
// * Where libxml2 (HTML 4) departs from HTML in ways the Document would
//   show, the callbacks repair it: end tags closing through unclosed blocks
//   (OnError), HTML5 elements after <title> staying in <head>
//   (LeaveHeadIfNeeded), legacy entities without ';' and &#128;..&#159;
//   (OnCharacters). docs/parser-choice.md lists them with what remains.
#include "parsers/document_libxml2.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/text.h"
#include "extract/document_builder.h"
#include "extract/document_input.h"
#include "parsers/depth_flattener.h"

namespace trawl {
namespace {

// libxml2's stack of open elements, mirrored: `open` is false once the
// builder has closed the element early (see OnError) while libxml2 keeps it.
// A `synthetic` entry is a <body> the builder opened that libxml2 never
// reported (see OnStartElement).
struct OpenName {
  std::string_view name;
  bool open;
  bool synthetic = false;
};

struct SaxState {
  DocumentBuilder* builder = nullptr;
  std::vector<HtmlAttribute> attrs;  // reused for every element
  std::vector<OpenName> names;
  // A character reference libxml2 did not decode, held until the next event
  // shows whether a ';' followed it (see OnCharacters).
  enum { kNone, kAmp, kAmpName } ref = kNone;
  std::string ref_name;
};

std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view() : reinterpret_cast<const char*>(s);
}

// ---------------------------------------------------------------- text

// Code point of a named reference that HTML decodes even without its ';'
// (the "legacy" ones: HTML 4's Latin-1 set, amp, lt, gt, quot and six
// upper-case aliases), or 0.
unsigned LegacyEntity(std::string_view name) {
  static constexpr std::string_view kUpper[] = {"AMP", "COPY", "GT", "LT", "QUOT", "REG"};
  std::string key(name);
  for (std::string_view u : kUpper) {
    if (name == u) {
      for (char& c : key) c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (key == "apos") return 0;
  const htmlEntityDesc* e = htmlEntityLookup(reinterpret_cast<const xmlChar*>(key.c_str()));
  return e != nullptr && e->value <= 0xFF ? e->value : 0;
}

// libxml2 reports `&name` it could not decode as "&" then "name" and leaves
// the rest to the following text; a ';' there means an unknown entity (kept
// as text, as HTML does). Without one, HTML still decodes the longest legacy
// entity the name starts with: "&copy 2024" is "© 2024", "&amp" is "&".
void FlushReference(SaxState& state, bool semicolon_follows) {
  std::string text = "&";
  if (state.ref == SaxState::kAmpName) {
    std::string_view name = state.ref_name;
    size_t len = semicolon_follows ? 0 : std::min<size_t>(name.size(), 6);
    for (; len >= 2; --len) {
      if (unsigned cp = LegacyEntity(name.substr(0, len))) {
        text.clear();
        AppendUtf8(text, cp);
        break;
      }
    }
    text.append(name.substr(len < 2 ? 0 : len));
  }
  state.ref = SaxState::kNone;
  state.builder->Text(text);
}

// Windows-1252 meanings of &#128;..&#159;, which HTML applies and libxml2
// does not (it yields C1 control characters); 0 where 1252 has none.
constexpr unsigned short kCp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

void OnCharacters(void* ctx, const xmlChar* chars, int len) {
  auto* state = static_cast<SaxState*>(ctx);
  std::string_view text(reinterpret_cast<const char*>(chars), static_cast<size_t>(len));
  if (state->ref == SaxState::kAmp && !text.empty() &&
      std::all_of(text.begin(), text.end(), IsNameChar) &&
      std::isalpha(static_cast<unsigned char>(text[0]))) {
    state->ref = SaxState::kAmpName;
    state->ref_name.assign(text);
    return;
  }
  if (state->ref != SaxState::kNone) FlushReference(*state, !text.empty() && text[0] == ';');
  if (text == "&") {
    state->ref = SaxState::kAmp;
    return;
  }
  // A lone C1 character is what libxml2 makes of a reference like &#146;.
  if (text.size() == 2 && static_cast<unsigned char>(text[0]) == 0xC2 &&
      static_cast<unsigned char>(text[1]) >= 0x80 && static_cast<unsigned char>(text[1]) <= 0x9F) {
    if (unsigned cp = kCp1252[static_cast<unsigned char>(text[1]) - 0x80]) {
      std::string mapped;
      AppendUtf8(mapped, cp);
      state->builder->Text(mapped);
      return;
    }
  }
  state->builder->Text(text);
}

void OnRawText(void* ctx, const xmlChar* chars, int len) {
  auto* state = static_cast<SaxState*>(ctx);
  if (state->ref != SaxState::kNone) FlushReference(*state, false);
  state->builder->Text(
      std::string_view(reinterpret_cast<const char*>(chars), static_cast<size_t>(len)));
}

// ---------------------------------------------------------------- elements

bool AllowedInHead(std::string_view name) {
  for (std::string_view h : {"title", "meta", "link", "base", "script", "style", "noscript",
                             "template", "noframes", "basefont", "bgsound", "object"}) {
    if (name == h) return true;
  }
  return false;
}

// libxml2 only knows HTML 4's elements, so `<title>x</title><header>` puts
// the <header> (and the page after it) inside <head>, where nothing is
// visible. HTML (and gumbo) closes the head and opens the body instead; so
// does the builder, while libxml2's stack goes on as it is.
void LeaveHeadIfNeeded(SaxState& state, std::string_view name) {
  auto& names = state.names;
  if (names.empty() || names.back().name != "head" || !names.back().open || AllowedInHead(name))
    return;
  state.builder->CloseElement();
  names.back().open = false;
  state.builder->OpenElement("body", {});
  names.push_back({std::string_view(), true, true});
}

void OnStartElement(void* ctx, const xmlChar* name, const xmlChar** atts) {
  auto* state = static_cast<SaxState*>(ctx);
  if (state->ref != SaxState::kNone) FlushReference(*state, false);
  LeaveHeadIfNeeded(*state, View(name));
  state->attrs.clear();
  for (; atts != nullptr && atts[0] != nullptr; atts += 2) {
    state->attrs.push_back(
        {View(atts[0]), atts[1] == nullptr ? std::string_view() : View(atts[1])});
  }
  state->builder->OpenElement(View(name), state->attrs);
  state->names.push_back({View(name), true, false});
}

void OnEndElement(void* ctx, const xmlChar*) {
  auto* state = static_cast<SaxState*>(ctx);
  if (state->ref != SaxState::kNone) FlushReference(*state, false);
  auto& names = state->names;
  while (!names.empty() && names.back().synthetic) {
    if (names.back().open) state->builder->CloseElement();
    names.pop_back();
  }
  if (names.empty()) return;
  if (names.back().open) state->builder->CloseElement();
  names.pop_back();
}

// Elements an end tag does not close through, as in HTML's "has an element
// in scope" (tables and object-like containers).
bool ScopeBoundary(std::string_view name) {
  for (std::string_view b :
       {"html", "table", "td", "th", "caption", "object", "template", "marquee", "applet"}) {
    if (name == b) return true;
  }
  return false;
}

// libxml2 (an HTML 4 parser) refuses an end tag when a "higher priority"
// element such as a <div> is still open inside it: `<header><div>...
// </header>` leaves the header open to the end of the page, which would put
// every later link "in_nav". HTML (and gumbo) closes the div and the header.
// libxml2 reports the refusal as a tag-name-mismatch error naming the end
// tag, which is where the builder closes the elements down to it; libxml2's
// own end events for them come later and are then ignored (OnEndElement).
// Every other error is dropped: nothing reaches stderr.
void OnError(void* ctx, xmlErrorPtr error) {
  if (error == nullptr || error->code != XML_ERR_TAG_NAME_MISMATCH || error->str1 == nullptr)
    return;
  auto* state = static_cast<SaxState*>(ctx);
  std::string_view end_tag = error->str1;
  auto& names = state->names;
  // The top element naming itself is a script or style body holding "</x" (libxml2 reads on).
  if (names.empty() || names.back().name == end_tag) return;
  // Bounded: after FlattenDeepNesting the stack is rarely deeper than a few hundred.
  constexpr size_t kMaxSearch = 1024;
  size_t i = names.size();
  while (i > 0 && names[i - 1].name != end_tag) {
    if (ScopeBoundary(names[i - 1].name) || names.size() - i >= kMaxSearch) return;
    --i;
  }
  if (i == 0 || !names[i - 1].open) return;
  if (state->ref != SaxState::kNone) FlushReference(*state, false);
  for (size_t k = names.size(); k >= i; --k) {
    if (names[k - 1].open) {
      state->builder->CloseElement();
      names[k - 1].open = false;
    }
  }
}

htmlSAXHandler MakeHandler() {
  htmlSAXHandler h;
  std::memset(&h, 0, sizeof h);
  h.startElement = OnStartElement;
  h.endElement = OnEndElement;
  h.characters = OnCharacters;
  h.ignorableWhitespace = OnCharacters;  // whitespace between inline elements separates words
  h.cdataBlock = OnRawText;              // <script>/<style> bodies
  h.serror = OnError;
  h.initialized = XML_SAX2_MAGIC;  // makes libxml2 use serror
  return h;
}

constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                         HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC;

void RunParser(std::string_view html, SaxState& state) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });  // not thread-safe on its own in 2.9
  static const htmlSAXHandler kHandler = MakeHandler();
  // libxml2 takes an int length; a page that large was refused by the fetcher long before.
  int size = static_cast<int>(std::min<size_t>(html.size(), INT_MAX));
  htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(html.data(), size);
  if (ctxt == nullptr) return;
  std::memcpy(ctxt->sax, &kHandler, sizeof kHandler);
  ctxt->userData = &state;
  htmlCtxtUseOptions(ctxt, kOptions);
  xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);  // also skips a byte-order mark
  htmlParseDocument(ctxt);
  htmlFreeParserCtxt(ctxt);
  if (state.ref != SaxState::kNone) FlushReference(state, false);
}

}  // namespace

Document ParseHtmlLibxml2(std::string_view html, std::string_view url) {
  Document doc;
  doc.url = std::string(url);
  doc.base_url = doc.url;
  std::string repaired = SanitizeUtf8ForParser(html);
  if (!repaired.empty()) html = repaired;
  std::string flattened = FlattenDeepNesting(html);
  if (!flattened.empty()) html = flattened;
  DocumentBuilder builder(doc);
  SaxState state;
  state.builder = &builder;
  if (!html.empty()) RunParser(html, state);
  builder.Finish();
  return doc;
}

}  // namespace trawl
