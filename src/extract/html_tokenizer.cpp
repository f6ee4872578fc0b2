// The tokenizer of trawl's HTML parser (HTML §13.2.5): text, character
// references, tags and their attributes, comments, DOCTYPE, CDATA in foreign
// content and the raw text of script/style/title/textarea; each token goes to
// the tree rules (html_tree_rules.cpp) as it is read. Also ParseHtmlInto.
#include <cstring>
#include <string>
#include <string_view>

#include "core/text.h"
#include "extract/html_char_refs.h"
#include "extract/html_parser.h"
#include "extract/html_parser_internal.h"

namespace trawl {
namespace html_detail {

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
    from = DecodeCharReference(run, a, false, ref_);
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
  if (IsAsciiAlpha(c)) return StartTagAt(p);
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
  if (!HasAsciiUpper(name)) return name;
  tag_name_.assign(name);
  for (char& c : tag_name_) c = AsciiLower(c);
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
    while (p < n && IsHtmlSpace(s_[p])) ++p;
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
    while (p < n && !IsHtmlSpace(s_[p]) && s_[p] != '/' && s_[p] != '>' && s_[p] != '=') ++p;
    size_t name_len = p - name_at;
    while (p < n && IsHtmlSpace(s_[p])) ++p;
    size_t value_at = 0, value_len = 0;
    bool has_value = false;
    if (p < n && s_[p] == '=') {
      ++p;
      while (p < n && IsHtmlSpace(s_[p])) ++p;
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
        while (p < n && !IsHtmlSpace(s_[p]) && s_[p] != '>') ++p;
        value_len = p - value_at;
      }
      has_value = true;
    }
    if (!keep) continue;
    RawAttr a{name_at, name_len, value_at, value_len, false, false};
    std::string_view name = s_.substr(name_at, name_len);
    if (HasAsciiUpper(name)) {
      a.name_at = attr_buf_.size();
      a.name_in_buf = true;
      for (char ch : name) attr_buf_.push_back(AsciiLower(ch));
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
          i = DecodeCharReference(value, amp, true, ref_);
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
      std::string_view name = a.name_in_buf
                                  ? std::string_view(attr_buf_).substr(a.name_at, a.name_len)
                                  : s_.substr(a.name_at, a.name_len);
      bool duplicate = false;
      for (const HtmlAttribute& prev : attrs_) duplicate = duplicate || prev.name == name;
      if (duplicate) continue;
      std::string_view value = a.value_in_buf
                                   ? std::string_view(attr_buf_).substr(a.value_at, a.value_len)
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
  while (q < n && !IsHtmlSpace(s_[q]) && s_[q] != '/' && s_[q] != '>') ++q;
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
  if (!IsAsciiAlpha(s_[q])) {      // bogus comment
    size_t gt = s_.find('>', q);
    return gt == std::string_view::npos ? n : gt + 1;
  }
  size_t name_at = q;
  while (q < n && !IsHtmlSpace(s_[q]) && s_[q] != '/' && s_[q] != '>') ++q;
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
  if (rest.size() >= 7 && EqualsIgnoreAsciiCase(rest.substr(0, 7), "doctype")) {
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
    if (after < n && s_[at + 1] == '/' &&
        EqualsIgnoreAsciiCase(s_.substr(at + 2, name.size()), name) &&
        (IsHtmlSpace(s_[after]) || s_[after] == '/' || s_[after] == '>')) {
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

}  // namespace html_detail

void ParseHtmlInto(std::string_view html, DocumentBuilder& builder) {
  html_detail::Parser parser(html, builder);
  parser.Run();
}

}  // namespace trawl
