// Tree construction of trawl's HTML parser, the insertion modes a page goes
// through (HTML §13.2.6.4: initial, before head, in head, in head noscript,
// after head, in body) for text, start tags and end tags. Tables, select and
// svg/math content have their own rules (html_tree_table_select_foreign.cpp).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/text.h"
#include "extract/html_parser_internal.h"

namespace trawl::html_detail {

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
    while (i < text.size() && IsHtmlSpace(text[i])) ++i;
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
          case Tag::kHtml:
          case Tag::kBasefont:
          case Tag::kBgsound:
          case Tag::kLink:
          case Tag::kMeta:
          case Tag::kNoframes:
          case Tag::kStyle:
            InHeadStart(t);
            return;
          case Tag::kHead:
          case Tag::kNoscript:
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
    case Tag::kBase:
    case Tag::kBasefont:
    case Tag::kBgsound:
    case Tag::kLink:
    case Tag::kMeta:
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
      if (form_serial_ == 0 && FindInStack(Tag::kTemplate) == npos &&
          Insert(t.tag, t.name, t.attrs)) {
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
    case Tag::kBody:
    case Tag::kFrameset:
    case Tag::kFrame:
    case Tag::kHead:
      return;
    case Tag::kH1:
    case Tag::kH2:
    case Tag::kH3:
    case Tag::kH4:
    case Tag::kH5:
    case Tag::kH6:
      ClosePIfInButtonScope();
      if (!stack_.empty() && !stack_.back().foreign && (Flags(stack_.back().tag) & kHeading)) Pop();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kPre:
    case Tag::kListing:
      ClosePIfInButtonScope();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kForm:
      if (form_serial_ != 0 && FindInStack(Tag::kTemplate) == npos) return;
      ClosePIfInButtonScope();
      if (Insert(t.tag, t.name, t.attrs) && FindInStack(Tag::kTemplate) == npos)
        form_serial_ = stack_.back().serial;
      return;
    case Tag::kLi:
    case Tag::kDd:
    case Tag::kDt: {
      for (size_t i = stack_.size(), steps = 0; i > 0 && steps < kMaxSearch; --i, ++steps) {
        const Open& e = stack_[i - 1];
        if (e.zombie) continue;
        bool match = !e.foreign && (t.tag == Tag::kLi ? e.tag == Tag::kLi
                                                      : (e.tag == Tag::kDd || e.tag == Tag::kDt));
        if (match) {
          GenerateImpliedEnd(e.tag);
          PopTo(i - 1);
          break;
        }
        if (IsSpecial(e) &&
            !(!e.foreign && (e.tag == Tag::kAddress || e.tag == Tag::kDiv || e.tag == Tag::kP))) {
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
    case Tag::kApplet:
    case Tag::kMarquee:
    case Tag::kObject:
      Reconstruct();
      if (Insert(t.tag, t.name, t.attrs)) PushMarker();
      return;
    case Tag::kTable:
      if (!quirks_) ClosePIfInButtonScope();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kArea:
    case Tag::kBr:
    case Tag::kEmbed:
    case Tag::kImg:
    case Tag::kKeygen:
    case Tag::kWbr:
    case Tag::kInput:
      Reconstruct();
      InsertVoid(t.tag, t.attrs);
      return;
    case Tag::kParam:
    case Tag::kSource:
    case Tag::kTrack:
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
    case Tag::kIframe:
    case Tag::kNoembed:
      InsertRaw(t, Raw::kRawText);
      return;
    case Tag::kSelect:
      Reconstruct();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kOptgroup:
    case Tag::kOption:
      if (CurrentIs(Tag::kOption)) Pop();
      Reconstruct();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kRb:
    case Tag::kRtc:
      if (InScope(Tag::kRuby)) GenerateImpliedEnd();
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kRp:
    case Tag::kRt:
      if (InScope(Tag::kRuby)) GenerateImpliedEnd(Tag::kRtc);
      Insert(t.tag, t.name, t.attrs);
      return;
    case Tag::kMath:
    case Tag::kSvg:
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
    case Tag::kBody:
    case Tag::kHtml:
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
    case Tag::kLi:
    case Tag::kDd:
    case Tag::kDt: {
      size_t i = FindInScope(tag, tag == Tag::kLi ? ScopeKind::kListItem : ScopeKind::kDefault);
      if (i == npos) return;
      GenerateImpliedEnd(tag);
      PopTo(i);
      return;
    }
    case Tag::kH1:
    case Tag::kH2:
    case Tag::kH3:
    case Tag::kH4:
    case Tag::kH5:
    case Tag::kH6: {
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
    case Tag::kApplet:
    case Tag::kMarquee:
    case Tag::kObject: {
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
    case Tag::kTd:
    case Tag::kTh:
    case Tag::kTr:
    case Tag::kTbody:
    case Tag::kThead:
    case Tag::kTfoot:
    case Tag::kTable:
    case Tag::kCaption: {
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

}  // namespace trawl::html_detail
