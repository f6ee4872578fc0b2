// ParseHtmlInto: tokenizer and tree-construction subset (see html_parser.h
// for why it exists). It follows the HTML Living Standard's tokenizer and
// "in body" rules where they decide what the DocumentBuilder sees, and keeps
// its own stack of open elements in step with the builder's: every element
// inserted here is one OpenElement, every element popped one CloseElement.
//
// Departures from the standard, each invisible on the corpora (the
// differential test compares this parser with gumbo's HTML5 tree on every
// page of both corpora) and each chosen because a streaming builder cannot
// move content it has already seen:
// * foster parenting: text or elements misplaced inside <table> (outside a
//   cell) stay where they are instead of moving before the table;
// * the adoption agency's "furthest block" case (`<a><div>x</a>y</div>`):
//   the formatting element is closed when the block above it closes, rather
//   than being split into clones;
// * script data's escape states (`<!--<script>` inside a script) are not
//   modelled: a script ends at the first `</script`;
// * named character references: libxml2's table (HTML 4 + &apos;) rather
//   than HTML's full list of 2,231 names.
// Nothing here recurses; scope searches stop at the scope's boundary or after
// kMaxSearch entries, and the stack holds at most kMaxDepth elements (deeper
// start tags are dropped), so work stays linear on hostile input.
#include "extract/html_parser.h"

#include <libxml/HTMLparser.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "extract/document_builder.h"

namespace trawl {
namespace {

// ---------------------------------------------------------------- tags

enum class Tag : uint8_t {
  kUnknown,
  kA, kAddress, kAnnotationXml, kApplet, kArea, kArticle, kAside, kB, kBase, kBasefont, kBgsound, kBig,
  kBlockquote, kBody, kBr, kButton, kCanvas, kCaption, kCenter, kCode, kCol, kColgroup, kDd, kDesc, kDetails, kDialog,
  kDir, kDiv, kDl, kDt, kEm, kEmbed, kFieldset, kFigcaption, kFigure, kFont, kFooter, kForeignObject, kForm,
  kFrame, kFrameset, kH1, kH2, kH3, kH4, kH5, kH6, kHead, kHeader, kHgroup, kHr, kHtml, kI, kIframe, kImage,
  kImg, kInput, kKeygen, kLabel, kLegend, kLi, kLink, kListing, kMain, kMarquee, kMath, kMenu, kMeta, kMi, kMn, kMo, kMs,
  kMtext, kNav, kNobr, kNoembed, kNoframes, kNoscript, kObject, kOl, kOptgroup, kOption, kP, kParam,
  kPlaintext, kPre, kRb, kRp, kRt, kRtc, kRuby, kS, kScript, kSearch, kSection, kSelect, kSmall, kSource,
  kSpan, kStrike, kStrong, kStyle, kSub, kSummary, kSup, kSvg, kTable, kTbody, kTd, kTemplate, kTextarea,
  kTfoot, kTh, kThead, kTime, kTitle, kTr, kTrack, kTt, kU, kUl, kVar, kWbr, kXmp,
};

enum TagFlag : uint32_t {
  kSpecial = 1u << 0,      // HTML's "special" category: stops "any other end tag"
  kScope = 1u << 1,        // boundary of "has an element in scope"
  kVoid = 1u << 2,         // no content, no end tag
  kClosesP = 1u << 3,      // start tag closes an open <p> (the address..ul group)
  kBlockEnd = 1u << 4,     // end tag: in scope? then close through it
  kFormatting = 1u << 5,   // kept in the list of active formatting elements
  kImpliedEnd = 1u << 6,   // closed by "generate implied end tags"
  kHeadContent = 1u << 7,  // processed by the "in head" rules wherever it appears
  kBreakout = 1u << 8,     // leaves svg/math content
  kMarker = 1u << 9,       // pushes a marker on the formatting list
  kHeading = 1u << 10,
  kTableInner = 1u << 11,  // caption col colgroup tbody td tfoot th thead tr
};

struct TagInfo {
  std::string_view name;
  uint32_t flags;
};

constexpr uint32_t kSp = kSpecial;
constexpr uint32_t kBlockGroup = kSpecial | kClosesP | kBlockEnd;

// Alphabetical, in Tag order (after kUnknown): binary search.
constexpr TagInfo kTags[] = {
    {"a", kFormatting},
    {"address", kBlockGroup},
    {"annotation-xml", 0},
    {"applet", kSp | kScope | kMarker},
    {"area", kSp | kVoid},
    {"article", kBlockGroup},
    {"aside", kBlockGroup},
    {"b", kFormatting | kBreakout},
    {"base", kSp | kVoid | kHeadContent},
    {"basefont", kSp | kVoid | kHeadContent},
    {"bgsound", kSp | kVoid | kHeadContent},
    {"big", kFormatting | kBreakout},
    {"blockquote", kBlockGroup | kBreakout},
    {"body", kSp | kBreakout},
    {"br", kSp | kVoid | kBreakout},
    {"button", kSp | kBlockEnd},
    {"canvas", 0},
    {"caption", kSp | kScope | kMarker | kTableInner},
    {"center", kBlockGroup | kBreakout},
    {"code", kFormatting | kBreakout},
    {"col", kSp | kVoid | kTableInner},
    {"colgroup", kSp | kTableInner},
    {"dd", kSp | kImpliedEnd | kBreakout},
    {"desc", 0},
    {"details", kBlockGroup},
    {"dialog", kClosesP | kBlockEnd},
    {"dir", kBlockGroup},
    {"div", kBlockGroup | kBreakout},
    {"dl", kBlockGroup | kBreakout},
    {"dt", kSp | kImpliedEnd | kBreakout},
    {"em", kFormatting | kBreakout},
    {"embed", kSp | kVoid | kBreakout},
    {"fieldset", kBlockGroup},
    {"figcaption", kBlockGroup},
    {"figure", kBlockGroup},
    {"font", kFormatting},
    {"footer", kBlockGroup},
    {"foreignobject", 0},
    {"form", kSp},
    {"frame", kSp | kVoid},
    {"frameset", kSp},
    {"h1", kSp | kHeading | kBreakout},
    {"h2", kSp | kHeading | kBreakout},
    {"h3", kSp | kHeading | kBreakout},
    {"h4", kSp | kHeading | kBreakout},
    {"h5", kSp | kHeading | kBreakout},
    {"h6", kSp | kHeading | kBreakout},
    {"head", kSp | kBreakout},
    {"header", kBlockGroup},
    {"hgroup", kBlockGroup},
    {"hr", kSp | kVoid | kBreakout},
    {"html", kSp | kScope},
    {"i", kFormatting | kBreakout},
    {"iframe", kSp},
    {"image", 0},
    {"img", kSp | kVoid | kBreakout},
    {"input", kSp | kVoid},
    {"keygen", kSp | kVoid},
    {"label", 0},
    {"legend", 0},
    {"li", kSp | kImpliedEnd | kBreakout},
    {"link", kSp | kVoid | kHeadContent},
    {"listing", kSp | kBlockEnd | kBreakout},
    {"main", kBlockGroup},
    {"marquee", kSp | kScope | kMarker},
    {"math", 0},
    {"menu", kBlockGroup | kBreakout},
    {"meta", kSp | kVoid | kHeadContent | kBreakout},
    {"mi", 0},
    {"mn", 0},
    {"mo", 0},
    {"ms", 0},
    {"mtext", 0},
    {"nav", kBlockGroup},
    {"nobr", kFormatting | kBreakout},
    {"noembed", kSp},
    {"noframes", kSp | kHeadContent},
    {"noscript", kSp},
    {"object", kSp | kScope | kMarker},
    {"ol", kBlockGroup | kBreakout},
    {"optgroup", kImpliedEnd},
    {"option", kImpliedEnd},
    {"p", kSp | kClosesP | kImpliedEnd | kBreakout},
    {"param", kSp | kVoid},
    {"plaintext", kSp},
    {"pre", kSp | kBlockEnd | kBreakout},
    {"rb", kImpliedEnd},
    {"rp", kImpliedEnd},
    {"rt", kImpliedEnd},
    {"rtc", kImpliedEnd},
    {"ruby", kBreakout},
    {"s", kFormatting | kBreakout},
    {"script", kSp | kHeadContent},
    {"search", kBlockGroup},
    {"section", kBlockGroup},
    {"select", kSp},
    {"small", kFormatting | kBreakout},
    {"source", kSp | kVoid},
    {"span", kBreakout},
    {"strike", kFormatting | kBreakout},
    {"strong", kFormatting | kBreakout},
    {"style", kSp | kHeadContent},
    {"sub", kBreakout},
    {"summary", kBlockGroup},
    {"sup", kBreakout},
    {"svg", 0},
    {"table", kSp | kScope | kBreakout},
    {"tbody", kSp | kTableInner},
    {"td", kSp | kScope | kMarker | kTableInner},
    {"template", kSp | kScope | kMarker | kHeadContent},
    {"textarea", kSp},
    {"tfoot", kSp | kTableInner},
    {"th", kSp | kScope | kMarker | kTableInner},
    {"thead", kSp | kTableInner},
    {"time", 0},
    {"title", kSp | kHeadContent},
    {"tr", kSp | kTableInner},
    {"track", kSp | kVoid},
    {"tt", kFormatting | kBreakout},
    {"u", kFormatting | kBreakout},
    {"ul", kBlockGroup | kBreakout},
    {"var", kBreakout},
    {"wbr", kSp | kVoid},
    {"xmp", kSp},
};
static_assert(std::size(kTags) == static_cast<size_t>(Tag::kXmp));
static_assert(std::size(kTags) < 255);
static_assert(std::is_sorted(std::begin(kTags), std::end(kTags),
                             [](const TagInfo& a, const TagInfo& b) { return a.name < b.name; }));

const TagInfo& Info(Tag t) { return kTags[static_cast<size_t>(t) - 1]; }
uint32_t Flags(Tag t) { return t == Tag::kUnknown ? 0 : Info(t).flags; }

// Tag lookup is on every start and end tag: an open-addressing hash table
// over kTags, built once, instead of a binary search of string compares.
constexpr size_t kTagTableSize = 512;  // power of two, > 3x the number of tags
constexpr size_t kMaxTagName = 14;     // "annotation-xml"

constexpr uint32_t HashName(std::string_view s) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

constexpr std::array<uint8_t, kTagTableSize> kTagTable = [] {
  std::array<uint8_t, kTagTableSize> t{};
  for (size_t i = 0; i < std::size(kTags); ++i) {
    size_t at = HashName(kTags[i].name) & (kTagTableSize - 1);
    while (t[at] != 0) at = (at + 1) & (kTagTableSize - 1);
    t[at] = static_cast<uint8_t>(i + 1);
  }
  return t;
}();

Tag TagOf(std::string_view lower_name) {
  if (lower_name.empty() || lower_name.size() > kMaxTagName) return Tag::kUnknown;
  for (size_t at = HashName(lower_name) & (kTagTableSize - 1);; at = (at + 1) & (kTagTableSize - 1)) {
    uint8_t i = kTagTable[at];
    if (i == 0) return Tag::kUnknown;
    if (kTags[i - 1].name == lower_name) return static_cast<Tag>(i);
  }
}

// The builder's own tag for each Tag (its rules know a subset of these names).
const std::array<HtmlTag, std::size(kTags) + 1>& BuilderTags() {
  static const auto table = [] {
    std::array<HtmlTag, std::size(kTags) + 1> t{};
    t[0] = HtmlTagOf("");
    for (size_t i = 0; i < std::size(kTags); ++i) t[i + 1] = HtmlTagOf(kTags[i].name);
    return t;
  }();
  return table;
}

// ---------------------------------------------------------------- bytes

constexpr std::array<bool, 256> kSpaceTable = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f'}) t[c] = true;
  return t;
}();
bool IsSpace(char c) { return kSpaceTable[static_cast<unsigned char>(c)]; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}
bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (Lower(s[i]) != lower[i]) return false;
  }
  return true;
}

// ---------------------------------------------------------------- character references

struct Entity {
  std::string name;
  uint32_t value;
  bool legacy;  // decoded even without ';' (HTML's Latin-1 set, amp, lt, gt, quot, and six upper-case aliases)
};

// libxml2's named references (HTML 4's list plus apos), sorted by name; read
// once through its public lookup by value, which covers every entry.
const std::vector<Entity>& Entities() {
  static const std::vector<Entity> table = [] {
    std::vector<Entity> t;
    for (unsigned v = 1; v < 10000; ++v) {
      const htmlEntityDesc* e = htmlEntityValueLookup(v);
      if (e == nullptr || e->value != v) continue;
      std::string name = reinterpret_cast<const char*>(e->name);
      t.push_back({name, v, v <= 0xFF && name != "apos"});
    }
    for (auto [name, v] : {std::pair<const char*, uint32_t>{"AMP", '&'}, {"COPY", 0xA9}, {"GT", '>'},
                           {"LT", '<'}, {"QUOT", '"'}, {"REG", 0xAE}}) {
      t.push_back({name, v, true});
    }
    std::sort(t.begin(), t.end(), [](const Entity& a, const Entity& b) { return a.name < b.name; });
    return t;
  }();
  return table;
}

const Entity* FindEntity(std::string_view name) {
  const auto& t = Entities();
  auto it = std::lower_bound(t.begin(), t.end(), name, [](const Entity& e, std::string_view n) { return e.name < n; });
  return it != t.end() && it->name == name ? &*it : nullptr;
}

// Windows-1252 meanings of &#128;..&#159;, which HTML applies; 0 where 1252 has none.
constexpr uint16_t kCp1252[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

// Decodes the character reference at s[p] == '&' (s ends where the text or
// attribute value ends) into `out`; returns the position after it. When
// there is none, appends "&" and returns p + 1, so the caller reads on.
size_t DecodeReference(std::string_view s, size_t p, bool in_attribute, std::string& out) {
  size_t n = s.size();
  size_t q = p + 1;
  if (q < n && s[q] == '#') {
    ++q;
    bool hex = q < n && (s[q] == 'x' || s[q] == 'X');
    if (hex) ++q;
    size_t digits = q;
    uint32_t v = 0;
    for (; q < n; ++q) {
      char c = s[q];
      uint32_t d;
      if (IsDigit(c)) {
        d = static_cast<uint32_t>(c - '0');
      } else if (hex && Lower(c) >= 'a' && Lower(c) <= 'f') {
        d = static_cast<uint32_t>(Lower(c) - 'a' + 10);
      } else {
        break;
      }
      v = std::min<uint32_t>(v * (hex ? 16 : 10) + d, 0x110000);
    }
    if (q == digits) {
      out.push_back('&');
      return p + 1;
    }
    if (q < n && s[q] == ';') ++q;
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
      v = 0xFFFD;
    } else if (v >= 0x80 && v <= 0x9F && kCp1252[v - 0x80] != 0) {
      v = kCp1252[v - 0x80];
    }
    AppendUtf8(out, v);
    return q;
  }
  constexpr size_t kMaxName = 32;
  while (q < n && q - p - 1 < kMaxName && IsAlnum(s[q])) ++q;
  std::string_view name = s.substr(p + 1, q - p - 1);
  if (name.empty()) {
    out.push_back('&');
    return p + 1;
  }
  if (q < n && s[q] == ';') {
    if (const Entity* e = FindEntity(name)) {
      AppendUtf8(out, e->value);
      return q + 1;
    }
  }
  // The longest legacy name the reference starts with ("&copy2024", "&amp x").
  for (size_t len = std::min<size_t>(name.size(), 6); len >= 2; --len) {
    const Entity* e = FindEntity(name.substr(0, len));
    if (e == nullptr || !e->legacy) continue;
    if (in_attribute) {
      char next = len < name.size() ? name[len] : (q < n ? s[q] : '\0');
      if (IsAlnum(next) || next == '=') break;  // "?a=1&copy=2" stays as written
    }
    AppendUtf8(out, e->value);
    return p + 1 + len;
  }
  out.push_back('&');
  return p + 1;
}

// ---------------------------------------------------------------- quirks

// Public identifiers that put a page in quirks mode (HTML §13.2.6.4.1), lower case.
constexpr std::string_view kQuirkyPublicPrefixes[] = {
    "+//silmaril//dtd html pro v0r11 19970101//",
    "-//as//dtd html 3.0 aswedit + extensions//",
    "-//advasoft ltd//dtd html 3.0 aswedit + extensions//",
    "-//ietf//dtd html 2.0 level 1//",
    "-//ietf//dtd html 2.0 level 2//",
    "-//ietf//dtd html 2.0 strict level 1//",
    "-//ietf//dtd html 2.0 strict level 2//",
    "-//ietf//dtd html 2.0 strict//",
    "-//ietf//dtd html 2.0//",
    "-//ietf//dtd html 2.1e//",
    "-//ietf//dtd html 3.0//",
    "-//ietf//dtd html 3.2 final//",
    "-//ietf//dtd html 3.2//",
    "-//ietf//dtd html 3//",
    "-//ietf//dtd html level 0//",
    "-//ietf//dtd html level 1//",
    "-//ietf//dtd html level 2//",
    "-//ietf//dtd html level 3//",
    "-//ietf//dtd html strict level 0//",
    "-//ietf//dtd html strict level 1//",
    "-//ietf//dtd html strict level 2//",
    "-//ietf//dtd html strict level 3//",
    "-//ietf//dtd html strict//",
    "-//ietf//dtd html//",
    "-//metrius//dtd metrius presentational//",
    "-//microsoft//dtd internet explorer 2.0 html strict//",
    "-//microsoft//dtd internet explorer 2.0 html//",
    "-//microsoft//dtd internet explorer 2.0 tables//",
    "-//microsoft//dtd internet explorer 3.0 html strict//",
    "-//microsoft//dtd internet explorer 3.0 html//",
    "-//microsoft//dtd internet explorer 3.0 tables//",
    "-//netscape comm. corp.//dtd html//",
    "-//netscape comm. corp.//dtd strict html//",
    "-//o'reilly and associates//dtd html 2.0//",
    "-//o'reilly and associates//dtd html extended 1.0//",
    "-//o'reilly and associates//dtd html extended relaxed 1.0//",
    "-//sq//dtd html 2.0 hotmetal + extensions//",
    "-//softquad software//dtd hotmetal pro 6.0::19990601::extensions to html 4.0//",
    "-//softquad//dtd hotmetal pro 4.0::19971010::extensions to html 4.0//",
    "-//spyglass//dtd html 2.0 extended//",
    "-//sun microsystems corp.//dtd hotjava html//",
    "-//sun microsystems corp.//dtd hotjava strict html//",
    "-//w3c//dtd html 3 1995-03-24//",
    "-//w3c//dtd html 3.2 draft//",
    "-//w3c//dtd html 3.2 final//",
    "-//w3c//dtd html 3.2//",
    "-//w3c//dtd html 3.2s draft//",
    "-//w3c//dtd html 4.0 frameset//",
    "-//w3c//dtd html 4.0 transitional//",
    "-//w3c//dtd html experimental 19960712//",
    "-//w3c//dtd html experimental 970421//",
    "-//w3c//dtd w3 html//",
    "-//w3o//dtd w3 html 3.0//",
    "-//webtechs//dtd mozilla html 2.0//",
    "-//webtechs//dtd mozilla html//",
};

// The quoted identifier after `keyword` in a lower-cased DOCTYPE body, if any.
bool QuotedAfter(std::string_view body, std::string_view keyword, size_t from, std::string_view& id, size_t& end) {
  size_t at = body.find(keyword, from);
  if (at == std::string_view::npos) return false;
  size_t q = body.find_first_of("\"'", at + keyword.size());
  if (q == std::string_view::npos) return false;
  size_t close = body.find(body[q], q + 1);
  if (close == std::string_view::npos) close = body.size();
  id = body.substr(q + 1, close - q - 1);
  end = close + 1;
  return true;
}

// Whether `<!DOCTYPE body>` puts the page in quirks mode, which only changes
// whether <table> closes an open <p>.
bool QuirksDoctype(std::string_view raw) {
  std::string body(raw);
  for (char& c : body) c = Lower(c);
  size_t b = 0;
  while (b < body.size() && IsSpace(body[b])) ++b;
  size_t e = b;
  while (e < body.size() && !IsSpace(body[e])) ++e;
  if (std::string_view(body).substr(b, e - b) != "html") return true;
  std::string_view pub, sys;
  size_t end = e;
  bool has_public = QuotedAfter(body, "public", e, pub, end);
  bool has_system = false;
  if (has_public) {
    size_t q = std::string_view(body).find_first_of("\"'", end);
    if (q != std::string_view::npos) {
      size_t close = body.find(body[q], q + 1);
      sys = std::string_view(body).substr(q + 1, (close == std::string::npos ? body.size() : close) - q - 1);
      has_system = true;
    }
  } else {
    has_system = QuotedAfter(body, "system", e, sys, end);
  }
  if (has_system && sys == "http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd") return true;
  if (!has_public) return false;
  if (pub == "-//w3o//dtd w3 html strict 3.0//en//" || pub == "-/w3c/dtd html 4.0 transitional/en" || pub == "html") {
    return true;
  }
  for (std::string_view p : kQuirkyPublicPrefixes) {
    if (pub.starts_with(p)) return true;
  }
  return !has_system && (pub.starts_with("-//w3c//dtd html 4.01 frameset//") ||
                         pub.starts_with("-//w3c//dtd html 4.01 transitional//"));
}

// ---------------------------------------------------------------- parser

class Parser {
 public:
  Parser(std::string_view html, DocumentBuilder& builder) : s_(html), b_(builder) {}
  void Run();

 private:
  enum class Mode : uint8_t { kInitial, kBeforeHead, kInHead, kInHeadNoscript, kAfterHead, kInBody };
  enum class Raw : uint8_t { kNone, kRawText, kRcdata, kPlaintext };
  enum class ScopeKind : uint8_t { kDefault, kListItem, kButton, kTable };

  struct Open {
    Tag tag;
    bool foreign;
    bool zombie;  // removed from the tree's stack while the builder still has it open (see Pop)
    uint32_t serial;
    std::string name;  // lower-case name, kept for unknown and foreign elements
  };

  struct Formatting {
    uint32_t serial;  // 0: a marker
    Tag tag;
    std::vector<std::pair<std::string, std::string>> attrs;
  };

  struct Token {
    Tag tag;
    std::string_view name;
    std::span<const HtmlAttribute> attrs;
    bool self_closing;
  };

  // Tokenizer.
  size_t Markup(size_t p);
  size_t StartTagAt(size_t p);
  size_t EndTagAt(size_t p, bool from_raw);
  size_t BangAt(size_t p);
  size_t RawTextAt(size_t p);
  size_t ParseAttributes(size_t p, bool keep, bool& self_closing);
  void EmitText(size_t from, size_t to, bool direct);
  std::string_view TagName(size_t from, size_t to);

  // Tree construction.
  void Characters(std::string_view text);
  void StartTag(const Token& t);
  void EndTag(Tag tag, std::string_view name);
  bool InHeadStart(const Token& t);
  void InBodyStart(const Token& t);
  void InBodyEnd(Tag tag, std::string_view name);
  void TableStart(const Token& t);
  void SelectStart(const Token& t);
  void SelectEnd(Tag tag);
  void ForeignStart(const Token& t);
  void ForeignEnd(Tag tag, std::string_view name);
  void AnyOtherEnd(Tag tag, std::string_view name);
  bool Adopt(Tag tag, bool for_start_tag);
  void EnsureBody();
  bool InsertExplicitOrImplied(Tag tag, const Token& t);

  // Stack of open elements.
  bool Insert(Tag tag, std::string_view name, std::span<const HtmlAttribute> attrs, bool foreign = false);
  void InsertVoid(Tag tag, std::span<const HtmlAttribute> attrs);
  void InsertRaw(const Token& t, Raw kind);
  void Pop();
  void PopTo(size_t index);  // pops stack_[index] and everything above it
  void MakeZombie(size_t index);
  bool PopUntil(Tag tag);    // pops through the nearest open `tag`; false if none (nothing popped)
  const Open* Current() const { return stack_.empty() ? nullptr : &stack_.back(); }
  bool CurrentIs(Tag tag) const { return !stack_.empty() && !stack_.back().foreign && stack_.back().tag == tag; }
  bool CurrentIsForeignContent() const;
  bool CurrentIsTableish() const;
  bool IsBoundary(const Open& e, ScopeKind kind) const;
  bool IsSpecial(const Open& e) const;
  size_t FindInScope(Tag tag, ScopeKind kind) const;  // index, or npos
  bool InScope(Tag tag, ScopeKind kind = ScopeKind::kDefault) const { return FindInScope(tag, kind) != npos; }
  size_t FindInStack(Tag tag) const;
  size_t IndexOfSerial(uint32_t serial) const;
  void GenerateImpliedEnd(Tag except = Tag::kUnknown);
  void ClosePIfInButtonScope();
  void CloseCellOrCaption();

  // Active formatting elements.
  void PushFormatting(Tag tag, std::span<const HtmlAttribute> attrs);
  void PushMarker() { fmt_.push_back({0, Tag::kUnknown, {}}); }
  void ClearFormattingToMarker();
  void Reconstruct();
  size_t LastFormatting(Tag tag) const;  // index in fmt_ after the last marker, or npos

  static constexpr size_t npos = static_cast<size_t>(-1);
  static constexpr size_t kMaxDepth = 512;  // Chromium caps its DOM depth at 512 too
  static constexpr size_t kMaxSearch = 1024;
  static constexpr size_t kMaxFormatting = 24;

  std::string_view s_;
  DocumentBuilder& b_;
  const std::array<HtmlTag, std::size(kTags) + 1>& builder_tags_ = BuilderTags();
  Mode mode_ = Mode::kInitial;
  Raw raw_ = Raw::kNone;
  Tag raw_tag_ = Tag::kUnknown;  // the element whose raw text is being read
  uint32_t raw_serial_ = 0;      // and its serial (0: it was not inserted)
  bool quirks_ = true;           // no DOCTYPE: quirks mode
  std::vector<Open> stack_;
  // Open elements per tag (HTML ones, zombies excluded): most scope searches
  // are for an element that is not open at all, and end here.
  std::array<uint16_t, std::size(kTags) + 1> open_count_{};
  std::vector<Formatting> fmt_;
  uint32_t serial_ = 0;
  uint32_t form_serial_ = 0;  // HTML's form element pointer
  int select_depth_ = 0;
  // Scratch for one tag: lower-cased names and decoded values live in
  // attr_buf_; attrs_ views are built once the tag is complete.
  struct RawAttr {
    size_t name_at, name_len, value_at, value_len;
    bool name_in_buf, value_in_buf;
  };
  std::string attr_buf_;
  std::vector<RawAttr> raw_attrs_;
  std::vector<HtmlAttribute> attrs_;
  std::string tag_name_;
  std::string ref_;  // one decoded character reference
  std::vector<HtmlAttribute> fmt_attrs_;  // views for a reconstructed element
};

// ---------------------------------------------------------------- tokenizer

void Parser::Run() {
  size_t n = s_.size();
  size_t p = s_.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (p < n) {
    if (raw_ != Raw::kNone) {
      p = RawTextAt(p);
      continue;
    }
    const void* lt = std::memchr(s_.data() + p, '<', n - p);
    size_t q = lt == nullptr ? n : static_cast<size_t>(static_cast<const char*>(lt) - s_.data());
    if (q > p) EmitText(p, q, false);
    if (q >= n) break;
    p = Markup(q);
  }
  b_.Finish();
}

void Parser::EmitText(size_t from, size_t to, bool direct) {
  std::string_view run = s_.substr(0, to);
  while (from < to) {
    const void* amp = std::memchr(s_.data() + from, '&', to - from);
    size_t a = amp == nullptr ? to : static_cast<size_t>(static_cast<const char*>(amp) - s_.data());
    if (a > from) {
      std::string_view text = s_.substr(from, a - from);
      direct ? b_.Text(text) : Characters(text);
    }
    if (a >= to) return;
    ref_.clear();
    from = DecodeReference(run, a, false, ref_);
    direct ? b_.Text(ref_) : Characters(ref_);
  }
}

size_t Parser::Markup(size_t p) {
  size_t n = s_.size();
  if (p + 1 >= n) {
    Characters("<");
    return n;
  }
  char c = s_[p + 1];
  if (IsAlpha(c)) return StartTagAt(p);
  if (c == '/') return EndTagAt(p, false);
  if (c == '!') return BangAt(p);
  if (c == '?') {  // bogus comment
    size_t gt = s_.find('>', p + 2);
    return gt == std::string_view::npos ? n : gt + 1;
  }
  Characters("<");
  return p + 1;
}

std::string_view Parser::TagName(size_t from, size_t to) {
  std::string_view name = s_.substr(from, to - from);
  if (!HasUpper(name)) return name;
  tag_name_.assign(name);
  for (char& c : tag_name_) c = Lower(c);
  return tag_name_;
}

// Attributes after a tag name, up to and including '>'. Returns the position
// after the tag, or npos at the end of input (HTML drops such a tag). With
// `keep`, fills attrs_ (lower-case names, decoded values, first of a name wins).
size_t Parser::ParseAttributes(size_t p, bool keep, bool& self_closing) {
  size_t n = s_.size();
  self_closing = false;
  if (keep) {
    attr_buf_.clear();
    raw_attrs_.clear();
  }
  while (true) {
    while (p < n && IsSpace(s_[p])) ++p;
    if (p >= n) return npos;
    char c = s_[p];
    if (c == '>') {
      ++p;
      break;
    }
    if (c == '/') {
      ++p;
      if (p < n && s_[p] == '>') {
        self_closing = true;
        ++p;
        break;
      }
      continue;
    }
    size_t name_at = p++;  // the first character may be '=' (HTML keeps it in the name)
    while (p < n && !IsSpace(s_[p]) && s_[p] != '/' && s_[p] != '>' && s_[p] != '=') ++p;
    size_t name_len = p - name_at;
    while (p < n && IsSpace(s_[p])) ++p;
    size_t value_at = 0, value_len = 0;
    bool has_value = false;
    if (p < n && s_[p] == '=') {
      ++p;
      while (p < n && IsSpace(s_[p])) ++p;
      if (p >= n) return npos;
      if (s_[p] == '"' || s_[p] == '\'') {
        const void* close = std::memchr(s_.data() + p + 1, s_[p], n - p - 1);
        if (close == nullptr) return npos;
        size_t e = static_cast<size_t>(static_cast<const char*>(close) - s_.data());
        value_at = p + 1;
        value_len = e - p - 1;
        p = e + 1;
      } else {
        value_at = p;
        while (p < n && !IsSpace(s_[p]) && s_[p] != '>') ++p;
        value_len = p - value_at;
      }
      has_value = true;
    }
    if (!keep) continue;
    RawAttr a{name_at, name_len, value_at, value_len, false, false};
    std::string_view name = s_.substr(name_at, name_len);
    if (HasUpper(name)) {
      a.name_at = attr_buf_.size();
      a.name_in_buf = true;
      for (char ch : name) attr_buf_.push_back(Lower(ch));
    }
    if (has_value) {
      std::string_view value = s_.substr(value_at, value_len);
      if (value.find('&') != std::string_view::npos) {
        a.value_at = attr_buf_.size();
        a.value_in_buf = true;
        for (size_t i = 0; i < value.size();) {
          size_t amp = value.find('&', i);
          if (amp == std::string_view::npos) amp = value.size();
          attr_buf_.append(value.substr(i, amp - i));
          if (amp >= value.size()) break;
          ref_.clear();
          i = DecodeReference(value, amp, true, ref_);
          attr_buf_.append(ref_);
        }
        a.value_len = attr_buf_.size() - a.value_at;
      }
    }
    raw_attrs_.push_back(a);
  }
  if (keep) {
    attrs_.clear();
    for (const RawAttr& a : raw_attrs_) {
      std::string_view name = a.name_in_buf ? std::string_view(attr_buf_).substr(a.name_at, a.name_len)
                                            : s_.substr(a.name_at, a.name_len);
      bool duplicate = false;
      for (const HtmlAttribute& prev : attrs_) duplicate = duplicate || prev.name == name;
      if (duplicate) continue;
      std::string_view value = a.value_in_buf ? std::string_view(attr_buf_).substr(a.value_at, a.value_len)
                                              : s_.substr(a.value_at, a.value_len);
      attrs_.push_back({name, value});
    }
  }
  return p;
}

size_t Parser::StartTagAt(size_t p) {
  size_t n = s_.size();
  size_t name_at = p + 1;
  size_t q = name_at;
  while (q < n && !IsSpace(s_[q]) && s_[q] != '/' && s_[q] != '>') ++q;
  if (q >= n) return n;
  std::string_view name = TagName(name_at, q);
  bool self_closing = false;
  size_t end = ParseAttributes(q, true, self_closing);
  if (end == npos) return n;
  Token t{TagOf(name), name, attrs_, self_closing};
  if (t.tag == Tag::kImage && !CurrentIsForeignContent()) {
    t.tag = Tag::kImg;
    t.name = "img";
  }
  StartTag(t);
  return end;
}

size_t Parser::EndTagAt(size_t p, bool from_raw) {
  size_t n = s_.size();
  size_t q = p + 2;
  if (q >= n) {
    Characters("</");
    return n;
  }
  if (s_[q] == '>') return q + 1;  // "</>" is dropped
  if (!IsAlpha(s_[q])) {           // bogus comment
    size_t gt = s_.find('>', q);
    return gt == std::string_view::npos ? n : gt + 1;
  }
  size_t name_at = q;
  while (q < n && !IsSpace(s_[q]) && s_[q] != '/' && s_[q] != '>') ++q;
  if (q >= n) return n;
  std::string_view name = TagName(name_at, q);
  bool self_closing = false;
  size_t end = ParseAttributes(q, false, self_closing);
  if (end == npos) return n;
  if (from_raw) {
    // The "text" insertion mode: the end tag closes the raw-text element.
    if (raw_serial_ != 0 && !stack_.empty() && stack_.back().serial == raw_serial_) Pop();
    raw_serial_ = 0;
  } else {
    EndTag(TagOf(name), name);
  }
  return end;
}

size_t Parser::BangAt(size_t p) {
  size_t n = s_.size();
  std::string_view rest = s_.substr(p + 2);
  if (rest.starts_with("--")) {
    size_t q = p + 4;
    if (q < n && s_[q] == '>') return q + 1;                          // <!-->
    if (q + 1 < n && s_[q] == '-' && s_[q + 1] == '>') return q + 2;  // <!--->
    while (true) {
      size_t d = s_.find("--", q);
      if (d == std::string_view::npos) return n;
      if (d + 2 < n && s_[d + 2] == '>') return d + 3;
      if (d + 3 < n && s_[d + 2] == '!' && s_[d + 3] == '>') return d + 4;
      q = d + 1;
    }
  }
  if (rest.size() >= 7 && EqualsIgnoreCase(rest.substr(0, 7), "doctype")) {
    size_t gt = s_.find('>', p);
    size_t end = gt == std::string_view::npos ? n : gt;
    if (mode_ == Mode::kInitial) quirks_ = QuirksDoctype(s_.substr(p + 9, end - p - 9));
    return gt == std::string_view::npos ? n : gt + 1;
  }
  if (rest.starts_with("[CDATA[") && CurrentIsForeignContent()) {
    size_t end = s_.find("]]>", p + 9);
    size_t text_end = end == std::string_view::npos ? n : end;
    if (text_end > p + 9) b_.Text(s_.substr(p + 9, text_end - p - 9));
    return end == std::string_view::npos ? n : end + 3;
  }
  size_t gt = s_.find('>', p + 2);
  return gt == std::string_view::npos ? n : gt + 1;
}

// Text of script/style/title/textarea/... up to its end tag, which closes it.
size_t Parser::RawTextAt(size_t p) {
  size_t n = s_.size();
  Raw kind = raw_;
  raw_ = Raw::kNone;
  bool keep = raw_serial_ != 0;
  if (kind == Raw::kPlaintext) {
    if (keep) b_.Text(s_.substr(p));
    return n;
  }
  std::string_view name = Info(raw_tag_).name;
  size_t end = n;
  for (size_t i = p; i < n;) {
    const void* lt = std::memchr(s_.data() + i, '<', n - i);
    if (lt == nullptr) break;
    size_t at = static_cast<size_t>(static_cast<const char*>(lt) - s_.data());
    size_t after = at + 2 + name.size();
    if (after < n && s_[at + 1] == '/' && EqualsIgnoreCase(s_.substr(at + 2, name.size()), name) &&
        (IsSpace(s_[after]) || s_[after] == '/' || s_[after] == '>')) {
      end = at;
      break;
    }
    i = at + 1;
  }
  if (!keep) {
    // beyond the depth cap: read past, show nothing
  } else if (kind == Raw::kRcdata) {
    EmitText(p, end, true);
  } else if (end > p) {
    b_.Text(s_.substr(p, end - p));
  }
  if (end >= n) return n;
  return EndTagAt(end, true);
}

// ---------------------------------------------------------------- stack

bool Parser::Insert(Tag tag, std::string_view name, std::span<const HtmlAttribute> attrs, bool foreign) {
  // At the cap only a link may still open (an <a> closes any open <a>, so
  // links never nest): a page of 100,000 nested divs keeps its links.
  if (stack_.size() >= kMaxDepth && (tag != Tag::kA || foreign || stack_.size() >= kMaxDepth + 4)) return false;
  b_.OpenElement(builder_tags_[static_cast<size_t>(tag)], attrs);
  Open e{tag, foreign, false, ++serial_, {}};
  if (!foreign) ++open_count_[static_cast<size_t>(tag)];
  if (tag == Tag::kUnknown || foreign) e.name.assign(name);
  stack_.push_back(std::move(e));
  if (tag == Tag::kSelect && !foreign) ++select_depth_;
  return true;
}

// An element whose content is text up to its end tag. Beyond kMaxDepth it is
// not inserted, and its text is read past and dropped rather than parsed.
void Parser::InsertRaw(const Token& t, Raw kind) {
  bool inserted = Insert(t.tag, t.name, t.attrs);
  raw_ = kind;
  raw_tag_ = t.tag;
  raw_serial_ = inserted ? stack_.back().serial : 0;
}

void Parser::InsertVoid(Tag tag, std::span<const HtmlAttribute> attrs) {
  if (Insert(tag, Info(tag).name, attrs)) Pop();
}

// Pops the current element, then any zombies it uncovers: elements HTML has
// already taken off its stack (a </form> or misnested formatting end tag
// with open blocks above it) but that the builder must close in order.
void Parser::Pop() {
  do {
    Open& e = stack_.back();
    if (!e.foreign && !e.zombie) --open_count_[static_cast<size_t>(e.tag)];
    if (!e.foreign) {
      if (e.tag == Tag::kSelect) --select_depth_;
      if (Flags(e.tag) & kMarker) ClearFormattingToMarker();
    }
    stack_.pop_back();
    b_.CloseElement();
  } while (!stack_.empty() && stack_.back().zombie);
}

void Parser::MakeZombie(size_t index) {
  Open& e = stack_[index];
  if (!e.foreign && !e.zombie) --open_count_[static_cast<size_t>(e.tag)];
  e.zombie = true;
}

void Parser::PopTo(size_t index) {
  while (stack_.size() > index) Pop();
}

bool Parser::PopUntil(Tag tag) {
  size_t i = FindInStack(tag);
  if (i == npos) return false;
  PopTo(i);
  return true;
}

bool Parser::CurrentIsForeignContent() const {
  if (stack_.empty() || !stack_.back().foreign) return false;
  switch (stack_.back().tag) {
    case Tag::kForeignObject: case Tag::kDesc: case Tag::kTitle: case Tag::kMi: case Tag::kMo: case Tag::kMn:
    case Tag::kMs: case Tag::kMtext: case Tag::kAnnotationXml:
      return false;  // integration points: HTML rules apply inside
    default:
      return true;
  }
}

bool Parser::CurrentIsTableish() const {
  if (stack_.empty() || stack_.back().foreign) return false;
  Tag t = stack_.back().tag;
  return t == Tag::kTable || t == Tag::kTbody || t == Tag::kThead || t == Tag::kTfoot || t == Tag::kTr;
}

bool Parser::IsSpecial(const Open& e) const {
  if (!e.foreign) return (Flags(e.tag) & kSpecial) != 0;
  switch (e.tag) {
    case Tag::kForeignObject: case Tag::kDesc: case Tag::kTitle: case Tag::kMi: case Tag::kMo: case Tag::kMn:
    case Tag::kMs: case Tag::kMtext: case Tag::kAnnotationXml:
      return true;
    default:
      return false;
  }
}

bool Parser::IsBoundary(const Open& e, ScopeKind kind) const {
  if (e.foreign) return IsSpecial(e);
  switch (kind) {
    case ScopeKind::kDefault:
      return (Flags(e.tag) & kScope) != 0;
    case ScopeKind::kListItem:
      return (Flags(e.tag) & kScope) != 0 || e.tag == Tag::kOl || e.tag == Tag::kUl;
    case ScopeKind::kButton:
      return (Flags(e.tag) & kScope) != 0 || e.tag == Tag::kButton;
    case ScopeKind::kTable:
      return e.tag == Tag::kHtml || e.tag == Tag::kTable || e.tag == Tag::kTemplate;
  }
  return false;
}

size_t Parser::FindInScope(Tag tag, ScopeKind kind) const {
  if (open_count_[static_cast<size_t>(tag)] == 0) return npos;
  for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
    const Open& e = stack_[i - 1];
    if (e.zombie) continue;
    if (!e.foreign && e.tag == tag) return i - 1;
    if (IsBoundary(e, kind)) return npos;
  }
  return npos;
}

size_t Parser::FindInStack(Tag tag) const {
  if (open_count_[static_cast<size_t>(tag)] == 0) return npos;
  for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
    const Open& e = stack_[i - 1];
    if (!e.zombie && !e.foreign && e.tag == tag) return i - 1;
  }
  return npos;
}

// Serials grow up the stack, so it is sorted by them: binary search.
size_t Parser::IndexOfSerial(uint32_t serial) const {
  auto it = std::lower_bound(stack_.begin(), stack_.end(), serial,
                             [](const Open& e, uint32_t s) { return e.serial < s; });
  if (it == stack_.end() || it->serial != serial || it->zombie) return npos;
  return static_cast<size_t>(it - stack_.begin());
}

void Parser::GenerateImpliedEnd(Tag except) {
  while (!stack_.empty() && !stack_.back().foreign && stack_.back().tag != except &&
         (Flags(stack_.back().tag) & kImpliedEnd)) {
    Pop();
  }
}

void Parser::ClosePIfInButtonScope() {
  size_t i = FindInScope(Tag::kP, ScopeKind::kButton);
  if (i == npos) return;
  GenerateImpliedEnd(Tag::kP);
  PopTo(i);
}

void Parser::CloseCellOrCaption() {
  for (Tag t : {Tag::kTd, Tag::kTh, Tag::kCaption}) {
    size_t i = FindInScope(t, ScopeKind::kTable);
    if (i != npos) {
      GenerateImpliedEnd();
      PopTo(i);
      return;
    }
  }
}

// ---------------------------------------------------------------- formatting list

size_t Parser::LastFormatting(Tag tag) const {
  for (size_t i = fmt_.size(); i > 0; --i) {
    if (fmt_[i - 1].serial == 0) return npos;
    if (fmt_[i - 1].tag == tag) return i - 1;
  }
  return npos;
}

void Parser::PushFormatting(Tag tag, std::span<const HtmlAttribute> attrs) {
  // "Noah's Ark": at most three identical entries after the last marker.
  auto same = [&](const Formatting& f) {
    if (f.tag != tag || f.attrs.size() != attrs.size()) return false;
    for (const HtmlAttribute& a : attrs) {
      bool found = false;
      for (const auto& [k, v] : f.attrs) found = found || (k == a.name && v == a.value);
      if (!found) return false;
    }
    return true;
  };
  size_t count = 0, earliest = npos;
  for (size_t i = fmt_.size(); i > 0 && fmt_[i - 1].serial != 0; --i) {
    if (same(fmt_[i - 1])) {
      ++count;
      earliest = i - 1;
    }
  }
  if (count >= 3) fmt_.erase(fmt_.begin() + static_cast<std::ptrdiff_t>(earliest));
  // Beyond HTML: at most kMaxFormatting entries after the last marker, so
  // reopening them (Reconstruct, before every text) stays cheap on hostile
  // pages that close and reopen hundreds of distinct formatting elements.
  size_t after_marker = 0, first = fmt_.size();
  for (size_t i = fmt_.size(); i > 0 && fmt_[i - 1].serial != 0; --i, ++after_marker) first = i - 1;
  if (after_marker >= kMaxFormatting) fmt_.erase(fmt_.begin() + static_cast<std::ptrdiff_t>(first));
  Formatting f{stack_.back().serial, tag, {}};
  f.attrs.reserve(attrs.size());
  for (const HtmlAttribute& a : attrs) f.attrs.emplace_back(a.name, a.value);
  fmt_.push_back(std::move(f));
}

void Parser::ClearFormattingToMarker() {
  while (!fmt_.empty()) {
    bool marker = fmt_.back().serial == 0;
    fmt_.pop_back();
    if (marker) return;
  }
}

// Reopens formatting elements closed implicitly (`<p><a href=x>t</p>more`:
// "more" is in a second <a href=x>, as in every browser).
void Parser::Reconstruct() {
  if (fmt_.empty()) return;
  auto open = [&](const Formatting& f) { return f.serial == 0 || IndexOfSerial(f.serial) != npos; };
  if (open(fmt_.back())) return;
  size_t i = fmt_.size() - 1;
  while (i > 0 && !open(fmt_[i - 1])) --i;
  for (; i < fmt_.size(); ++i) {
    fmt_attrs_.clear();
    for (const auto& [k, v] : fmt_[i].attrs) fmt_attrs_.push_back({k, v});
    if (!Insert(fmt_[i].tag, Info(fmt_[i].tag).name, fmt_attrs_)) return;
    fmt_[i].serial = stack_.back().serial;
  }
}

// The adoption agency algorithm, reduced to what a streaming builder can do
// (see the top of this file). Returns false when `tag` has no entry in the
// formatting list: the caller then treats it as an ordinary end tag.
bool Parser::Adopt(Tag tag, bool for_start_tag) {
  if (!for_start_tag && CurrentIs(tag)) {
    uint32_t serial = stack_.back().serial;
    bool listed = false;
    for (const Formatting& f : fmt_) listed = listed || f.serial == serial;
    if (!listed) {
      Pop();
      return true;
    }
  }
  size_t f = LastFormatting(tag);
  if (f == npos) return false;
  size_t at = IndexOfSerial(fmt_[f].serial);
  bool in_scope = false;
  for (size_t i = stack_.size(), steps = 0; at != npos && i > 0 && steps < kMaxSearch; --i, ++steps) {
    if (i - 1 == at) {
      in_scope = true;
      break;
    }
    if (!stack_[i - 1].zombie && IsBoundary(stack_[i - 1], ScopeKind::kDefault)) break;
  }
  // In the stack but not in scope: HTML ignores the end tag and keeps the element listed.
  if (at != npos && !in_scope && !for_start_tag) return true;
  fmt_.erase(fmt_.begin() + static_cast<std::ptrdiff_t>(f));
  if (at == npos) return true;
  bool furthest_block = false;
  for (size_t i = at + 1; i < stack_.size() && !furthest_block; ++i) {
    furthest_block = !stack_[i].zombie && IsSpecial(stack_[i]);
  }
  if (!in_scope || furthest_block) {
    MakeZombie(at);
  } else {
    PopTo(at);
  }
  return true;
}

// ---------------------------------------------------------------- tree construction

void Parser::EnsureBody() {
  if (mode_ == Mode::kInitial) {
    Insert(Tag::kHtml, "html", {});
    mode_ = Mode::kBeforeHead;
  }
  if (mode_ == Mode::kBeforeHead) {
    Insert(Tag::kHead, "head", {});
    mode_ = Mode::kInHead;
  }
  if (mode_ == Mode::kInHeadNoscript) {
    PopUntil(Tag::kNoscript);
    mode_ = Mode::kInHead;
  }
  if (mode_ == Mode::kInHead) {
    PopUntil(Tag::kHead);
    mode_ = Mode::kAfterHead;
  }
  if (mode_ == Mode::kAfterHead) {
    Insert(Tag::kBody, "body", {});
    mode_ = Mode::kInBody;
  }
}

void Parser::Characters(std::string_view text) {
  if (mode_ != Mode::kInBody) {
    size_t i = 0;
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size()) return;  // whitespace before <body> shows nowhere
    text.remove_prefix(i);
    EnsureBody();
  }
  if (select_depth_ > 0 || CurrentIsTableish() || CurrentIsForeignContent()) {
    b_.Text(text);
    return;
  }
  Reconstruct();
  b_.Text(text);
}

// Inserts `tag` with the token's attributes when the token is that start
// tag (true: the token is used up), else as HTML implies it, without any.
bool Parser::InsertExplicitOrImplied(Tag tag, const Token& t) {
  bool explicit_tag = t.tag == tag;
  Insert(tag, Info(tag).name, explicit_tag ? t.attrs : std::span<const HtmlAttribute>());
  return explicit_tag;
}

void Parser::StartTag(const Token& t) {
  switch (mode_) {
    case Mode::kInitial:
      mode_ = Mode::kBeforeHead;
      if (InsertExplicitOrImplied(Tag::kHtml, t)) return;
      [[fallthrough]];
    case Mode::kBeforeHead:
      if (t.tag == Tag::kHtml) {
        b_.MergeHtmlAttributes(t.attrs);
        return;
      }
      mode_ = Mode::kInHead;
      if (InsertExplicitOrImplied(Tag::kHead, t)) return;
      [[fallthrough]];
    case Mode::kInHead:
    case Mode::kInHeadNoscript:
      if (mode_ == Mode::kInHeadNoscript) {
        switch (t.tag) {
          case Tag::kHtml: case Tag::kBasefont: case Tag::kBgsound: case Tag::kLink: case Tag::kMeta:
          case Tag::kNoframes: case Tag::kStyle:
            InHeadStart(t);
            return;
          case Tag::kHead: case Tag::kNoscript:
            return;
          default:
            PopUntil(Tag::kNoscript);
            mode_ = Mode::kInHead;
        }
      }
      if (InHeadStart(t)) return;
      PopUntil(Tag::kHead);
      mode_ = Mode::kAfterHead;
      [[fallthrough]];
    case Mode::kAfterHead:
      if (t.tag == Tag::kHtml) {
        b_.MergeHtmlAttributes(t.attrs);
        return;
      }
      if (t.tag == Tag::kHead) return;
      if (t.tag == Tag::kBody) {
        Insert(Tag::kBody, "body", t.attrs);
        mode_ = Mode::kInBody;
        return;
      }
      if ((Flags(t.tag) & kHeadContent) && mode_ == Mode::kAfterHead) {
        // HTML puts it back into the head; for the builder that is a head
        // opened again around it (nothing of the body has been seen yet).
        if (!Insert(Tag::kHead, "head", {})) return;
        size_t head = stack_.size() - 1;
        InHeadStart(t);
        if (head < stack_.size()) {
          if (head + 1 == stack_.size()) {
            Pop();
          } else {
            MakeZombie(head);  // closed when its raw-text child closes
          }
        }
        return;
      }
      Insert(Tag::kBody, "body", {});
      mode_ = Mode::kInBody;
      [[fallthrough]];
    case Mode::kInBody:
      InBodyStart(t);
      return;
  }
}

// The "in head" rules for a start tag; false when they say "anything else".
bool Parser::InHeadStart(const Token& t) {
  switch (t.tag) {
    case Tag::kHtml:
      b_.MergeHtmlAttributes(t.attrs);
      return true;
    case Tag::kBase: case Tag::kBasefont: case Tag::kBgsound: case Tag::kLink: case Tag::kMeta:
      InsertVoid(t.tag, t.attrs);
      return true;
    case Tag::kTitle:
    case Tag::kNoframes:
    case Tag::kStyle:
    case Tag::kScript:
      InsertRaw(t, t.tag == Tag::kTitle ? Raw::kRcdata : Raw::kRawText);
      return true;
    case Tag::kNoscript:
      if (mode_ != Mode::kInHead) return false;
      if (Insert(t.tag, t.name, t.attrs)) mode_ = Mode::kInHeadNoscript;
      return true;
    case Tag::kTemplate:
      if (Insert(t.tag, t.name, t.attrs)) PushMarker();
      return true;
    case Tag::kHead:
      return true;
    default:
      return false;
  }
}

void Parser::InBodyStart(const Token& t) {
  if (select_depth_ > 0) {
    SelectStart(t);
    return;
  }
  if (CurrentIsForeignContent()) {
    ForeignStart(t);
    return;
  }
  uint32_t flags = Flags(t.tag);
  if (CurrentIsTableish()) {
    if (flags & kTableInner) {
      TableStart(t);
      return;
    }
    if (t.tag == Tag::kTable) {
      if (PopUntil(Tag::kTable)) InBodyStart(t);
      return;
    }
    if (t.tag == Tag::kForm) {
      if (form_serial_ == 0 && FindInStack(Tag::kTemplate) == npos && Insert(t.tag, t.name, t.attrs)) {
        form_serial_ = stack_.back().serial;
        Pop();
      }
      return;
    }
    // Anything else would be moved before the table (foster parenting); it stays here.
  }
  if (flags & kHeadContent) {
    InHeadStart(t);
    return;
  }
  if (flags & kClosesP) {
    ClosePIfInButtonScope();
    Insert(t.tag, t.name, t.attrs);
    return;
  }
  if (flags & kFormatting) {
    if (t.tag == Tag::kA && LastFormatting(Tag::kA) != npos) Adopt(Tag::kA, true);
    Reconstruct();
    if (t.tag == Tag::kNobr && InScope(Tag::kNobr)) {
      Adopt(Tag::kNobr, true);
      Reconstruct();
    }
    if (Insert(t.tag, t.name, t.attrs)) PushFormatting(t.tag, t.attrs);
    return;
  }
  if (flags & kTableInner) {
    if (InScope(Tag::kTable, ScopeKind::kTable)) TableStart(t);
    return;  // outside a table HTML ignores these
  }
  switch (t.tag) {
    case Tag::kHtml:
      b_.MergeHtmlAttributes(t.attrs);
      return;
    case Tag::kBody: case Tag::kFrameset: case Tag::kFrame: case Tag::kHead:
      return;
    case Tag::kH1: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5: case Tag::kH6:
      ClosePIfInButtonScope();
      if (!stack_.empty() && !stack_.back().foreign && (Flags(stack_.back().tag) & kHeading)) Pop();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kPre: case Tag::kListing:
      ClosePIfInButtonScope();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kForm:
      if (form_serial_ != 0 && FindInStack(Tag::kTemplate) == npos) return;
      ClosePIfInButtonScope();
      if (Insert(t.tag, t.name, t.attrs) && FindInStack(Tag::kTemplate) == npos) form_serial_ = stack_.back().serial;
      return;
    case Tag::kLi: case Tag::kDd: case Tag::kDt: {
      for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
        const Open& e = stack_[i - 1];
        if (e.zombie) continue;
        bool match = !e.foreign && (t.tag == Tag::kLi ? e.tag == Tag::kLi : (e.tag == Tag::kDd || e.tag == Tag::kDt));
        if (match) {
          GenerateImpliedEnd(e.tag);
          PopTo(i - 1);
          break;
        }
        if (IsSpecial(e) && !(!e.foreign && (e.tag == Tag::kAddress || e.tag == Tag::kDiv || e.tag == Tag::kP))) {
          break;
        }
      }
      ClosePIfInButtonScope();
      Insert(t.tag, t.name, t.attrs);
      return;
    }
    case Tag::kPlaintext:
      ClosePIfInButtonScope();
      InsertRaw(t, Raw::kPlaintext);
      return;
    case Tag::kButton:
      if (size_t i = FindInScope(Tag::kButton, ScopeKind::kDefault); i != npos) {
        GenerateImpliedEnd();
        PopTo(i);
      }
      Reconstruct();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kApplet: case Tag::kMarquee: case Tag::kObject:
      Reconstruct();
      if (Insert(t.tag, t.name, t.attrs)) PushMarker();
      return;
    case Tag::kTable:
      if (!quirks_) ClosePIfInButtonScope();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kArea: case Tag::kBr: case Tag::kEmbed: case Tag::kImg: case Tag::kKeygen: case Tag::kWbr:
    case Tag::kInput:
      Reconstruct();
      InsertVoid(t.tag, t.attrs);
      return;
    case Tag::kParam: case Tag::kSource: case Tag::kTrack:
      InsertVoid(t.tag, t.attrs);
      return;
    case Tag::kHr:
      ClosePIfInButtonScope();
      InsertVoid(t.tag, t.attrs);
      return;
    case Tag::kTextarea:
      InsertRaw(t, Raw::kRcdata);
      return;
    case Tag::kXmp:
      ClosePIfInButtonScope();
      Reconstruct();
      [[fallthrough]];
    case Tag::kIframe: case Tag::kNoembed:
      InsertRaw(t, Raw::kRawText);
      return;
    case Tag::kSelect:
      Reconstruct();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kOptgroup: case Tag::kOption:
      if (CurrentIs(Tag::kOption)) Pop();
      Reconstruct();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kRb: case Tag::kRtc:
      if (InScope(Tag::kRuby)) GenerateImpliedEnd();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kRp: case Tag::kRt:
      if (InScope(Tag::kRuby)) GenerateImpliedEnd(Tag::kRtc);
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kMath: case Tag::kSvg:
      Reconstruct();
      if (Insert(t.tag, t.name, t.attrs, true) && t.self_closing) Pop();
      return;
    default:
      Reconstruct();
      Insert(t.tag, t.name, t.attrs);
      return;
  }
}

// Table structure tags with a <table> in table scope; inserts the tbody/tr
// HTML implies and closes the cell, caption, row or section they end.
void Parser::TableStart(const Token& t) {
  if (!InScope(Tag::kTable, ScopeKind::kTable)) return;
  CloseCellOrCaption();
  // The nearest table-structure element decides where the tag goes.
  auto nearest = [&]() -> size_t {
    for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
      const Open& e = stack_[i - 1];
      if (e.zombie || e.foreign) continue;
      switch (e.tag) {
        case Tag::kTr: case Tag::kTbody: case Tag::kThead: case Tag::kTfoot: case Tag::kTable: case Tag::kColgroup:
        case Tag::kTemplate: case Tag::kHtml:
          return i - 1;
        default:
          break;
      }
    }
    return npos;
  };
  size_t at = nearest();
  if (at == npos) return;
  if (stack_[at].tag == Tag::kColgroup && t.tag != Tag::kCol) {
    PopTo(at);
    at = nearest();
    if (at == npos) return;
  }
  Tag near = stack_[at].tag;
  switch (t.tag) {
    case Tag::kTd: case Tag::kTh:
      PopTo(at + 1);
      if (near == Tag::kTable && Insert(Tag::kTbody, "tbody", {})) near = Tag::kTbody;
      if (near == Tag::kTbody || near == Tag::kThead || near == Tag::kTfoot) Insert(Tag::kTr, "tr", {});
      if (Insert(t.tag, t.name, t.attrs)) PushMarker();
      return;
    case Tag::kTr:
      if (near == Tag::kTr) {
        PopTo(at);
        at = nearest();
        if (at == npos) return;
        near = stack_[at].tag;
      }
      PopTo(at + 1);
      if (near == Tag::kTable) Insert(Tag::kTbody, "tbody", {});
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kCol:
      if (near == Tag::kColgroup) {
        PopTo(at + 1);
        InsertVoid(Tag::kCol, t.attrs);
        return;
      }
      [[fallthrough]];
    default: {
      // caption, colgroup, tbody, thead, tfoot (and a col without colgroup): directly in the table.
      size_t table = FindInScope(Tag::kTable, ScopeKind::kTable);
      if (table == npos) return;
      PopTo(table + 1);
      if (t.tag == Tag::kCol) {
        if (Insert(Tag::kColgroup, "colgroup", {})) InsertVoid(Tag::kCol, t.attrs);
        return;
      }
      if (Insert(t.tag, t.name, t.attrs) && t.tag == Tag::kCaption) PushMarker();
      return;
    }
  }
}

void Parser::SelectStart(const Token& t) {
  switch (t.tag) {
    case Tag::kHtml:
      b_.MergeHtmlAttributes(t.attrs);
      return;
    case Tag::kOption:
      if (CurrentIs(Tag::kOption)) Pop();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kOptgroup: case Tag::kHr:
      if (CurrentIs(Tag::kOption)) Pop();
      if (CurrentIs(Tag::kOptgroup)) Pop();
      if (t.tag == Tag::kHr) {
        InsertVoid(t.tag, t.attrs);
      } else {
        Insert(t.tag, t.name, t.attrs);
      }
      return;
    case Tag::kSelect:
      PopUntil(Tag::kSelect);
      return;
    case Tag::kInput: case Tag::kKeygen: case Tag::kTextarea:
      if (PopUntil(Tag::kSelect)) InBodyStart(t);
      return;
    case Tag::kScript: case Tag::kTemplate:
      InHeadStart(t);
      return;
    default:
      return;  // ignored inside <select>
  }
}

void Parser::SelectEnd(Tag tag) {
  switch (tag) {
    case Tag::kOptgroup:
      if (CurrentIs(Tag::kOption) && stack_.size() >= 2 && !stack_[stack_.size() - 2].foreign &&
          stack_[stack_.size() - 2].tag == Tag::kOptgroup) {
        Pop();
      }
      if (CurrentIs(Tag::kOptgroup)) Pop();
      return;
    case Tag::kOption:
      if (CurrentIs(Tag::kOption)) Pop();
      return;
    case Tag::kSelect:
      PopUntil(Tag::kSelect);
      return;
    case Tag::kTemplate:
      if (FindInStack(Tag::kTemplate) != npos) {
        GenerateImpliedEnd();
        PopUntil(Tag::kTemplate);
      }
      return;
    default:
      return;
  }
}

void Parser::ForeignStart(const Token& t) {
  bool breakout = (Flags(t.tag) & kBreakout) != 0;
  if (t.tag == Tag::kFont) {
    for (const HtmlAttribute& a : t.attrs) breakout = breakout || a.name == "color" || a.name == "face" || a.name == "size";
  }
  if (breakout) {
    while (CurrentIsForeignContent()) Pop();
    InBodyStart(t);
    return;
  }
  Tag tag = TagOf(t.name);  // "title" and friends are svg's own here, not HTML's
  if (Insert(tag, t.name, t.attrs, true) && t.self_closing) Pop();
}

void Parser::ForeignEnd(Tag tag, std::string_view name) {
  if (tag == Tag::kBr || tag == Tag::kP) {
    while (CurrentIsForeignContent()) Pop();
    InBodyEnd(tag, name);
    return;
  }
  for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
    const Open& e = stack_[i - 1];
    if (e.zombie) continue;
    if (!e.foreign) {
      InBodyEnd(tag, name);
      return;
    }
    if (EqualsIgnoreCase(e.name, name)) {
      PopTo(i - 1);
      return;
    }
  }
}

void Parser::EndTag(Tag tag, std::string_view name) {
  bool implies = tag == Tag::kBody || tag == Tag::kHtml || tag == Tag::kBr;
  switch (mode_) {
    case Mode::kInitial:
      if (!implies && tag != Tag::kHead) return;
      Insert(Tag::kHtml, "html", {});
      mode_ = Mode::kBeforeHead;
      [[fallthrough]];
    case Mode::kBeforeHead:
      if (!implies && tag != Tag::kHead) return;
      Insert(Tag::kHead, "head", {});
      mode_ = Mode::kInHead;
      [[fallthrough]];
    case Mode::kInHeadNoscript:
      if (mode_ == Mode::kInHeadNoscript) {
        if (tag == Tag::kNoscript) {
          PopUntil(Tag::kNoscript);
          mode_ = Mode::kInHead;
          return;
        }
        if (tag != Tag::kBr) return;
        PopUntil(Tag::kNoscript);
        mode_ = Mode::kInHead;
      }
      [[fallthrough]];
    case Mode::kInHead:
      if (tag == Tag::kTemplate) {
        if (FindInStack(Tag::kTemplate) != npos) {
          GenerateImpliedEnd();
          PopUntil(Tag::kTemplate);
        }
        return;
      }
      if (tag == Tag::kHead) {
        PopUntil(Tag::kHead);
        mode_ = Mode::kAfterHead;
        return;
      }
      if (!implies) return;
      PopUntil(Tag::kHead);
      mode_ = Mode::kAfterHead;
      [[fallthrough]];
    case Mode::kAfterHead:
      if (mode_ == Mode::kAfterHead) {
        if (!implies) return;
        Insert(Tag::kBody, "body", {});
        mode_ = Mode::kInBody;
      }
      [[fallthrough]];
    case Mode::kInBody:
      if (select_depth_ > 0) {
        SelectEnd(tag);
        return;
      }
      if (!stack_.empty() && stack_.back().foreign) {
        ForeignEnd(tag, name);
        return;
      }
      InBodyEnd(tag, name);
      return;
  }
}

void Parser::InBodyEnd(Tag tag, std::string_view name) {
  uint32_t flags = Flags(tag);
  if (flags & kBlockEnd) {
    size_t i = FindInScope(tag, ScopeKind::kDefault);
    if (i == npos) return;
    GenerateImpliedEnd();
    PopTo(i);
    return;
  }
  if (flags & kFormatting) {
    if (!Adopt(tag, false)) AnyOtherEnd(tag, name);
    return;
  }
  switch (tag) {
    case Tag::kBody: case Tag::kHtml:
      return;  // content after </body> still goes into the body
    case Tag::kForm: {
      uint32_t serial = form_serial_;
      form_serial_ = 0;
      size_t i = serial == 0 ? npos : IndexOfSerial(serial);
      if (i == npos || FindInScope(Tag::kForm, ScopeKind::kDefault) == npos) return;
      GenerateImpliedEnd();
      if (i + 1 == stack_.size()) {
        Pop();
      } else {
        MakeZombie(i);
      }
      return;
    }
    case Tag::kP: {
      size_t i = FindInScope(Tag::kP, ScopeKind::kButton);
      if (i == npos) {
        // "</p>" with no open <p> is an empty paragraph.
        if (Insert(Tag::kP, "p", {})) Pop();
        return;
      }
      GenerateImpliedEnd(Tag::kP);
      PopTo(i);
      return;
    }
    case Tag::kLi: case Tag::kDd: case Tag::kDt: {
      size_t i = FindInScope(tag, tag == Tag::kLi ? ScopeKind::kListItem : ScopeKind::kDefault);
      if (i == npos) return;
      GenerateImpliedEnd(tag);
      PopTo(i);
      return;
    }
    case Tag::kH1: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5: case Tag::kH6: {
      size_t found = npos;
      for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
        const Open& e = stack_[i - 1];
        if (e.zombie) continue;
        if (!e.foreign && (Flags(e.tag) & kHeading)) {
          found = i - 1;
          break;
        }
        if (IsBoundary(e, ScopeKind::kDefault)) break;
      }
      if (found == npos) return;
      GenerateImpliedEnd();
      PopTo(found);
      return;
    }
    case Tag::kApplet: case Tag::kMarquee: case Tag::kObject: {
      size_t i = FindInScope(tag, ScopeKind::kDefault);
      if (i == npos) return;
      GenerateImpliedEnd();
      PopTo(i);
      return;
    }
    case Tag::kBr:
      Reconstruct();
      InsertVoid(Tag::kBr, {});
      return;
    case Tag::kTd: case Tag::kTh: case Tag::kTr: case Tag::kTbody: case Tag::kThead: case Tag::kTfoot:
    case Tag::kTable: case Tag::kCaption: {
      size_t i = FindInScope(tag, ScopeKind::kTable);
      if (i == npos) return;
      GenerateImpliedEnd();
      PopTo(i);
      return;
    }
    case Tag::kColgroup:
      if (CurrentIs(Tag::kColgroup)) Pop();
      return;
    case Tag::kTemplate:
      if (FindInStack(Tag::kTemplate) != npos) {
        GenerateImpliedEnd();
        PopUntil(Tag::kTemplate);
      }
      return;
    default:
      AnyOtherEnd(tag, name);
      return;
  }
}

void Parser::AnyOtherEnd(Tag tag, std::string_view name) {
  for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
    const Open& e = stack_[i - 1];
    if (e.zombie) continue;
    bool match = !e.foreign && e.tag == tag && (tag != Tag::kUnknown || e.name == name);
    if (match) {
      GenerateImpliedEnd(tag);
      PopTo(i - 1);
      return;
    }
    if (IsSpecial(e)) return;
  }
}

}  // namespace

void ParseHtmlInto(std::string_view html, DocumentBuilder& builder) {
  Parser parser(html, builder);
  parser.Run();
}

}  // namespace trawl
