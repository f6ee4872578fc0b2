// The element names trawl's HTML parser knows, with the categories HTML's
// tree construction sorts them into (special, scope boundaries, formatting,
// void, ...). Internal to the parser (html_*.cpp). Constant tables; thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "extract/document_builder.h"

namespace trawl::html_detail {

enum class Tag : uint8_t {
  kUnknown,
  kA,
  kAddress,
  kAnnotationXml,
  kApplet,
  kArea,
  kArticle,
  kAside,
  kB,
  kBase,
  kBasefont,
  kBgsound,
  kBig,
  kBlockquote,
  kBody,
  kBr,
  kButton,
  kCanvas,
  kCaption,
  kCenter,
  kCode,
  kCol,
  kColgroup,
  kDd,
  kDesc,
  kDetails,
  kDialog,
  kDir,
  kDiv,
  kDl,
  kDt,
  kEm,
  kEmbed,
  kFieldset,
  kFigcaption,
  kFigure,
  kFont,
  kFooter,
  kForeignObject,
  kForm,
  kFrame,
  kFrameset,
  kH1,
  kH2,
  kH3,
  kH4,
  kH5,
  kH6,
  kHead,
  kHeader,
  kHgroup,
  kHr,
  kHtml,
  kI,
  kIframe,
  kImage,
  kImg,
  kInput,
  kKeygen,
  kLabel,
  kLegend,
  kLi,
  kLink,
  kListing,
  kMain,
  kMarquee,
  kMath,
  kMenu,
  kMeta,
  kMi,
  kMn,
  kMo,
  kMs,
  kMtext,
  kNav,
  kNobr,
  kNoembed,
  kNoframes,
  kNoscript,
  kObject,
  kOl,
  kOptgroup,
  kOption,
  kP,
  kParam,
  kPlaintext,
  kPre,
  kRb,
  kRp,
  kRt,
  kRtc,
  kRuby,
  kS,
  kScript,
  kSearch,
  kSection,
  kSelect,
  kSmall,
  kSource,
  kSpan,
  kStrike,
  kStrong,
  kStyle,
  kSub,
  kSummary,
  kSup,
  kSvg,
  kTable,
  kTbody,
  kTd,
  kTemplate,
  kTextarea,
  kTfoot,
  kTh,
  kThead,
  kTime,
  kTitle,
  kTr,
  kTrack,
  kTt,
  kU,
  kUl,
  kVar,
  kWbr,
  kXmp,
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

inline constexpr uint32_t kSp = kSpecial;
inline constexpr uint32_t kBlockGroup = kSpecial | kClosesP | kBlockEnd;

// Alphabetical and in Tag order (after kUnknown), as the asserts below check.
inline constexpr TagInfo kTags[] = {
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

inline const TagInfo& Info(Tag t) { return kTags[static_cast<size_t>(t) - 1]; }
inline uint32_t Flags(Tag t) { return t == Tag::kUnknown ? 0 : Info(t).flags; }

// Tag lookup is on every start and end tag: an open-addressing hash table
// over kTags, built at compile time, instead of a binary search of string
// compares; inline, as it was when the parser was one file.
inline constexpr size_t kTagTableSize = 512;  // power of two, > 3x the number of tags
inline constexpr size_t kMaxTagName = 14;     // "annotation-xml"

inline constexpr uint32_t HashName(std::string_view s) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

inline constexpr std::array<uint8_t, kTagTableSize> kTagTable = [] {
  std::array<uint8_t, kTagTableSize> t{};
  for (size_t i = 0; i < std::size(kTags); ++i) {
    size_t at = HashName(kTags[i].name) & (kTagTableSize - 1);
    while (t[at] != 0) at = (at + 1) & (kTagTableSize - 1);
    t[at] = static_cast<uint8_t>(i + 1);
  }
  return t;
}();

// The Tag of a lower-case element name; Tag::kUnknown for any other name.
// Pure; thread-safe.
inline Tag TagOf(std::string_view lower_name) {
  if (lower_name.empty() || lower_name.size() > kMaxTagName) return Tag::kUnknown;
  for (size_t at = HashName(lower_name) & (kTagTableSize - 1);;
       at = (at + 1) & (kTagTableSize - 1)) {
    uint8_t i = kTagTable[at];
    if (i == 0) return Tag::kUnknown;
    if (kTags[i - 1].name == lower_name) return static_cast<Tag>(i);
  }
}

// The builder's own tag for each Tag, indexed by the Tag's value (its rules
// know a subset of these names). Built once; thread-safe.
const std::array<HtmlTag, std::size(kTags) + 1>& BuilderTags();

}  // namespace trawl::html_detail
