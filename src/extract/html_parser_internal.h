// What the files of trawl's HTML parser share (html_tokenizer.cpp,
// html_open_elements.cpp, html_tree_rules.cpp, html_tree_table_select_foreign.cpp,
// html_doctype.cpp): the Parser, one per ParseHtmlInto call, not thread-safe,
// holding views into the caller's HTML and a reference to its builder.
// Internal to src/extract; html_parser.h is the entry point.
//
// The parser follows the HTML Living Standard's tokenizer and "in body"
// rules where they decide what the DocumentBuilder sees, and keeps its own
// stack of open elements in step with the builder's: every element inserted
// here is one OpenElement, every element popped one CloseElement.
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
// * named character references: HTML 4's list (html_char_refs.h) rather
//   than HTML's full list of 2,231 names.
// Nothing here recurses; scope searches stop at the scope's boundary or after
// kMaxSearch entries, and the stack holds at most kMaxDepth elements (deeper
// start tags are dropped), so work stays linear on hostile input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/document_builder.h"
#include "extract/html_tags.h"

namespace trawl::html_detail {

inline bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Most names in real pages are lower case already; they are then used in place.
inline bool HasAsciiUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// Whether `<!DOCTYPE body>` (the text between "<!DOCTYPE" and '>') puts the
// page in quirks mode (HTML §13.2.6.4.1), which here only changes whether
// <table> closes an open <p>. Pure (html_doctype.cpp).
bool QuirksDoctype(std::string_view body);

// One parse of one page: construct, Run() once, drop. Views `html` and feeds
// `builder`, both the caller's, which must outlive it; not thread-safe. Its
// members are defined by section: the tokenizer (html_tokenizer.cpp), the
// stack of open elements and the formatting list (html_open_elements.cpp),
// the tree rules (html_tree_rules.cpp, html_tree_table_select_foreign.cpp).
class Parser {
 public:
  Parser(std::string_view html, DocumentBuilder& builder) : s_(html), b_(builder) {}
  void Run();

 private:
  enum class Mode : uint8_t {
    kInitial,
    kBeforeHead,
    kInHead,
    kInHeadNoscript,
    kAfterHead,
    kInBody
  };
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
  bool Insert(Tag tag, std::string_view name, std::span<const HtmlAttribute> attrs,
              bool foreign = false);
  void InsertVoid(Tag tag, std::span<const HtmlAttribute> attrs);
  void InsertRaw(const Token& t, Raw kind);
  void Pop();
  void PopTo(size_t index);  // pops stack_[index] and everything above it
  void MakeZombie(size_t index);
  bool PopUntil(Tag tag);  // pops through the nearest open `tag`; false if none (nothing popped)
  const Open* Current() const { return stack_.empty() ? nullptr : &stack_.back(); }
  bool CurrentIs(Tag tag) const {
    return !stack_.empty() && !stack_.back().foreign && stack_.back().tag == tag;
  }
  bool CurrentIsForeignContent() const;
  bool CurrentIsTableish() const;
  bool IsBoundary(const Open& e, ScopeKind kind) const;
  bool IsSpecial(const Open& e) const;
  size_t FindInScope(Tag tag, ScopeKind kind) const;  // index, or npos
  bool InScope(Tag tag, ScopeKind kind = ScopeKind::kDefault) const {
    return FindInScope(tag, kind) != npos;
  }
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
  std::string ref_;                       // one decoded character reference
  std::vector<HtmlAttribute> fmt_attrs_;  // views for a reconstructed element
};

// Asked on every start tag and text run: inline, so the tokenizer and the
// tree rules in other files pay no call for them.
// An SVG or MathML element inside which HTML's rules apply again (HTML and
// MathML text integration points, as the tree rules use them).
inline bool IsIntegrationPoint(Tag t) {
  switch (t) {
    case Tag::kForeignObject:
    case Tag::kDesc:
    case Tag::kTitle:
    case Tag::kMi:
    case Tag::kMo:
    case Tag::kMn:
    case Tag::kMs:
    case Tag::kMtext:
    case Tag::kAnnotationXml:
      return true;
    default:
      return false;
  }
}

inline bool Parser::CurrentIsForeignContent() const {
  return !stack_.empty() && stack_.back().foreign && !IsIntegrationPoint(stack_.back().tag);
}

inline bool Parser::CurrentIsTableish() const {
  if (stack_.empty() || stack_.back().foreign) return false;
  Tag t = stack_.back().tag;
  return t == Tag::kTable || t == Tag::kTbody || t == Tag::kThead || t == Tag::kTfoot ||
         t == Tag::kTr;
}

inline bool Parser::IsSpecial(const Open& e) const {
  if (!e.foreign) return (Flags(e.tag) & kSpecial) != 0;
  return IsIntegrationPoint(e.tag);
}

}  // namespace trawl::html_detail
