// The stack of open elements and the list of active formatting elements of
// trawl's HTML parser (HTML §13.2.4.3, §13.2.4.3's scopes, §13.2.6.1's
// reconstruction and the adoption agency of §13.2.6.4.7, reduced to what a
// streaming builder can do; see html_parser_internal.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "extract/html_parser_internal.h"

namespace trawl::html_detail {

// ---------------------------------------------------------------- stack

bool Parser::Insert(Tag tag, std::string_view name, std::span<const HtmlAttribute> attrs,
                    bool foreign) {
  // At the cap only a link may still open (an <a> closes any open <a>, so
  // links never nest): a page of 100,000 nested divs keeps its links.
  if (stack_.size() >= kMaxDepth && (tag != Tag::kA || foreign || stack_.size() >= kMaxDepth + 4))
    return false;
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
// (see html_parser_internal.h). Returns false when `tag` has no entry in the
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
  for (size_t i = stack_.size(), steps = 0; at != npos && i > 0 && steps < kMaxSearch;
       --i, ++steps) {
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

}  // namespace trawl::html_detail
