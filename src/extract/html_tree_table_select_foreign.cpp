// Tree construction of trawl's HTML parser inside tables (HTML §13.2.6.4.9-15,
// reduced: no foster parenting), inside <select> (§13.2.6.4.16) and in svg
// and math content (§13.2.6.5: breakout tags, integration points).
#include <cstddef>
#include <string_view>

#include "core/text.h"
#include "extract/html_parser_internal.h"

namespace trawl::html_detail {

void Parser::TableStart(const Token& t) {
  if (!InScope(Tag::kTable, ScopeKind::kTable)) return;
  CloseCellOrCaption();
  // The nearest table-structure element decides where the tag goes.
  auto nearest = [&]() -> size_t {
    for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
      const Open& e = stack_[i - 1];
      if (e.zombie || e.foreign) continue;
      switch (e.tag) {
        case Tag::kTr:
        case Tag::kTbody:
        case Tag::kThead:
        case Tag::kTfoot:
        case Tag::kTable:
        case Tag::kColgroup:
        case Tag::kTemplate:
        case Tag::kHtml:
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
    case Tag::kTd:
    case Tag::kTh:
      PopTo(at + 1);
      if (near == Tag::kTable && Insert(Tag::kTbody, "tbody", {})) near = Tag::kTbody;
      if (near == Tag::kTbody || near == Tag::kThead || near == Tag::kTfoot)
        Insert(Tag::kTr, "tr", {});
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
    case Tag::kOptgroup:
    case Tag::kHr:
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
    case Tag::kInput:
    case Tag::kKeygen:
    case Tag::kTextarea:
      if (PopUntil(Tag::kSelect)) InBodyStart(t);
      return;
    case Tag::kScript:
    case Tag::kTemplate:
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
    for (const HtmlAttribute& a : t.attrs)
      breakout = breakout || a.name == "color" || a.name == "face" || a.name == "size";
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
    if (EqualsIgnoreAsciiCase(e.name, name)) {
      PopTo(i - 1);
      return;
    }
  }
}

}  // namespace trawl::html_detail
