// DocumentBuilder: the page rules, fed by either parser.
//
// Block rule: every element in IsBlock starts a new text block when it opens
// and closes the current one when it ends; inline elements (span, a, strong,
// ...) only append. <br> becomes '\n' inside the block, so an address written
// as lines in one <p> or <div> stays one block whose lines are separated by
// '\n', while sections (different p/div/li/td) become separate blocks. Other
// whitespace is collapsed to one space.
//
// Skipped subtrees (IsSkipped, `hidden`, inline display:none) contribute no
// text and are not looked into, except that the skipped element itself still
// counts as metadata (a <script> may be JSON-LD) and may carry data-cfemail.
// <head> is skipped the same way; only its direct children are read, as
// metadata. Text is appended to the open block and to the open captures
// (anchor text, microdata values, title, JSON-LD) as it arrives, so the work
// stays linear in the input.
#include "extract/document_builder.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/text.h"
#include "core/url.h"

namespace trawl {

enum class HtmlTag : uint8_t {
  kOther,
  kA,
  kAddress,
  kArea,
  kArticle,
  kAside,
  kBase,
  kBlockquote,
  kBody,
  kBr,
  kButton,
  kCanvas,
  kCaption,
  kCenter,
  kDd,
  kDetails,
  kDiv,
  kDl,
  kDt,
  kFieldset,
  kFigcaption,
  kFigure,
  kFooter,
  kForm,
  kH1,
  kH2,
  kH3,
  kH4,
  kH5,
  kH6,
  kHead,
  kHeader,
  kHr,
  kHtml,
  kIframe,
  kImg,
  kLabel,
  kLegend,
  kLi,
  kLink,
  kMain,
  kMath,
  kMenu,
  kMeta,
  kNav,
  kNoscript,
  kObject,
  kOl,
  kOption,
  kP,
  kPre,
  kScript,
  kSection,
  kSelect,
  kSource,
  kStyle,
  kSummary,
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
  kUl,
};

namespace {

using T = HtmlTag;

// Names in HtmlTag order (after kOther), which is alphabetical: binary search.
constexpr std::array<std::string_view, 69> kTagNames = {
    "a",     "address", "area",     "article",    "aside",    "base",     "blockquote", "body",
    "br",    "button",  "canvas",   "caption",    "center",   "dd",       "details",    "div",
    "dl",    "dt",      "fieldset", "figcaption", "figure",   "footer",   "form",       "h1",
    "h2",    "h3",      "h4",       "h5",         "h6",       "head",     "header",     "hr",
    "html",  "iframe",  "img",      "label",      "legend",   "li",       "link",       "main",
    "math",  "menu",    "meta",     "nav",        "noscript", "object",   "ol",         "option",
    "p",     "pre",     "script",   "section",    "select",   "source",   "style",      "summary",
    "svg",   "table",   "tbody",    "td",         "template", "textarea", "tfoot",      "th",
    "thead", "time",    "title",    "tr",         "ul"};
static_assert(std::is_sorted(kTagNames.begin(), kTagNames.end()));
static_assert(static_cast<size_t>(T::kUl) == kTagNames.size());

std::string_view TagName(HtmlTag tag) {
  return tag == T::kOther ? std::string_view() : kTagNames[static_cast<size_t>(tag) - 1];
}

constexpr size_t kBlockCap = 20000;  // one block's text; beyond that it is not a block anyone reads
constexpr size_t kCaptureCap = 2000;  // anchor text / microdata text value / title
constexpr size_t kMaxCaptures = 6;    // nested itemprops captured at once

enum FrameFlags : uint16_t {
  kFlagBlock = 1,
  kFlagFooter = 2,
  kFlagNav = 4,
  kFlagAnchor = 8,
  kFlagScope = 16,
  kFlagCapture = 32,
  kFlagLogo = 64,
  kFlagSkip = 128,
  kFlagTitle = 256,
  kFlagJson = 512,
};

const HtmlAttribute* Find(std::span<const HtmlAttribute> attrs, std::string_view name) {
  for (const HtmlAttribute& a : attrs) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// Bytes AppendCollapsed must look at: ASCII whitespace, and the lead bytes of
// NBSP (C2 A0) and of the zero-width characters (E2 80 8B..8D).
constexpr std::array<bool, 256> kSpecialByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = IsHtmlSpace(static_cast<char>(c));
  t[0xC2] = t[0xE2] = true;
  return t;
}();

// Appends text with whitespace collapsed; NBSP counts as a space, zero-width
// characters are dropped. `out` never starts with or doubles a space. Stops
// once `out` holds `cap` bytes. Every visible byte of a page passes through
// here (often twice: block and link text), so it writes into the string's
// buffer directly; the result is never longer than the input.
void AppendCollapsed(std::string& out, std::string_view text, size_t cap) {
  size_t old = out.size();
  if (old >= cap || text.empty()) return;
  out.resize(old + std::min(text.size(), cap - old));
  char* const base = out.data();
  char* w = base + old;
  char* const limit = base + out.size();
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end && w < limit) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (!kSpecialByte[c]) {
      *w++ = static_cast<char>(c);
      ++p;
      continue;
    }
    bool space = IsHtmlSpace(static_cast<char>(c));
    if (c == 0xC2 && end - p > 1 && static_cast<unsigned char>(p[1]) == 0xA0) {
      space = true;
      ++p;
    } else if (c == 0xE2 && end - p > 2 && static_cast<unsigned char>(p[1]) == 0x80 &&
               (static_cast<unsigned char>(p[2]) == 0x8B ||
                static_cast<unsigned char>(p[2]) == 0x8C ||
                static_cast<unsigned char>(p[2]) == 0x8D)) {
      p += 3;  // zero-width space / non-joiner / joiner
      continue;
    }
    if (!space) {
      *w++ = static_cast<char>(c);
    } else if (w > base && w[-1] != ' ' && w[-1] != '\n') {
      *w++ = ' ';
    }
    ++p;
  }
  out.resize(static_cast<size_t>(w - base));
}

void TrimInPlace(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\n')) ++b;
  if (b > 0) s.erase(0, b);
}

bool IsSkipped(HtmlTag tag) {
  switch (tag) {
    case T::kScript:
    case T::kStyle:
    case T::kNoscript:
    case T::kTemplate:
    case T::kSvg:
    case T::kMath:
    case T::kSelect:
    case T::kTextarea:
    case T::kIframe:
    case T::kObject:
    case T::kCanvas:
    case T::kHead:
      return true;
    default:
      return false;
  }
}

bool IsBlock(HtmlTag tag) {
  switch (tag) {
    case T::kP:
    case T::kLi:
    case T::kTd:
    case T::kTh:
    case T::kDd:
    case T::kDt:
    case T::kAddress:
    case T::kH1:
    case T::kH2:
    case T::kH3:
    case T::kH4:
    case T::kH5:
    case T::kH6:
    case T::kDiv:
    case T::kSection:
    case T::kArticle:
    case T::kHeader:
    case T::kFooter:
    case T::kNav:
    case T::kMain:
    case T::kAside:
    case T::kForm:
    case T::kTable:
    case T::kTr:
    case T::kUl:
    case T::kOl:
    case T::kDl:
    case T::kBlockquote:
    case T::kPre:
    case T::kFigure:
    case T::kFigcaption:
    case T::kBody:
    case T::kHr:
    case T::kFieldset:
    case T::kLegend:
    case T::kCaption:
    case T::kTbody:
    case T::kThead:
    case T::kTfoot:
    case T::kLabel:
    case T::kButton:
    case T::kOption:
    case T::kCenter:
    case T::kDetails:
    case T::kSummary:
    case T::kMenu:
    case T::kHtml:
      return true;
    default:
      return false;
  }
}

bool IsHidden(std::span<const HtmlAttribute> attrs) {
  if (Find(attrs, "hidden") != nullptr) return true;
  const HtmlAttribute* style = Find(attrs, "style");
  if (style == nullptr) return false;
  std::string s = AsciiLower(style->value);
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s.find("display:none") != std::string::npos ||
         s.find("visibility:hidden") != std::string::npos;
}

// Cloudflare's email obfuscation: hex bytes, the first is the XOR key.
std::string DecodeCfEmail(std::string_view hex) {
  if (hex.size() < 4 || hex.size() % 2 != 0 || hex.size() > 512) return {};
  std::string out;
  int key = -1;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    int hi = HexDigitValue(hex[i]), lo = HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    int b = hi * 16 + lo;
    if (key < 0) {
      key = b;
    } else {
      out.push_back(static_cast<char>(b ^ key));
    }
  }
  return out.find('@') == std::string::npos ? std::string() : out;
}

// "0; url='https://x/'" -> "https://x/".
std::string_view RefreshTarget(std::string_view content) {
  std::string low = AsciiLower(content);
  size_t at = low.find("url");
  if (at == std::string::npos) return {};
  size_t eq = low.find('=', at);
  if (eq == std::string::npos) return {};
  std::string_view v = TrimHtmlSpace(content.substr(eq + 1));
  if (!v.empty() && (v.front() == '\'' || v.front() == '"')) v.remove_prefix(1);
  if (!v.empty() && (v.back() == '\'' || v.back() == '"')) v.remove_suffix(1);
  return TrimHtmlSpace(v);
}

}  // namespace

bool IsPlainRootPath(std::string_view href) {
  if (href.empty() || href[0] != '/' || (href.size() > 1 && href[1] == '/'))
    return false;  // "//host" is not a path
  for (char c : href) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (!plain) return false;
  }
  for (size_t begin = 1; begin <= href.size();) {
    size_t end = std::min(href.find('/', begin), href.size());
    std::string_view segment = href.substr(begin, end - begin);
    if (segment == "." || segment == "..") return false;
    begin = end + 1;
  }
  return true;
}

HtmlTag HtmlTagOf(std::string_view lower_name) {
  auto it = std::lower_bound(kTagNames.begin(), kTagNames.end(), lower_name);
  if (it == kTagNames.end() || *it != lower_name) return T::kOther;
  return static_cast<HtmlTag>(it - kTagNames.begin() + 1);
}

// ---------------------------------------------------------------- events

void DocumentBuilder::OpenElement(std::string_view lower_name,
                                  std::span<const HtmlAttribute> attrs) {
  OpenElement(HtmlTagOf(lower_name), attrs);
}

void DocumentBuilder::OpenElement(HtmlTag tag, std::span<const HtmlAttribute> attrs) {
  uint16_t flags = 0;
  if (skip_depth_ > 0) {
    if (skip_depth_ == 1 && skip_is_head_) OnHeadElement(tag, attrs, flags);
    ++skip_depth_;
    flags |= kFlagSkip;
  } else if (tag == T::kHead) {
    // The head holds no visible text: only its metadata children are read.
    skip_depth_ = 1;
    skip_is_head_ = true;
    flags |= kFlagSkip;
  } else {
    Enter(tag, attrs, flags);
  }
  stack_.push_back({tag, flags});
}

void DocumentBuilder::CloseElement() {
  if (stack_.empty()) return;
  Frame f = stack_.back();
  stack_.pop_back();
  Exit(f);
}

void DocumentBuilder::Text(std::string_view text) {
  if (in_json_) AppendJson(text);
  if (in_title_) AppendCollapsed(doc_.title, text, kCaptureCap);
  if (skip_depth_ > 0) return;
  AppendCollapsed(block_, text, kBlockCap);
  if (!anchors_.empty()) {
    AppendCollapsed(doc_.links[anchors_.back()].text, text, kCaptureCap);
  }
  for (size_t idx : captures_) {
    AppendCollapsed(doc_.microdata[idx].value, text, kCaptureCap);
  }
}

void DocumentBuilder::Finish() {
  while (!stack_.empty()) CloseElement();
  Flush();
  doc_.img_alts = std::move(logo_alts_);
  doc_.img_alts.insert(doc_.img_alts.end(), std::make_move_iterator(other_alts_.begin()),
                       std::make_move_iterator(other_alts_.end()));
}

void DocumentBuilder::MergeHtmlAttributes(std::span<const HtmlAttribute> attrs) {
  if (!doc_.lang.empty()) return;
  if (const HtmlAttribute* lang = Find(attrs, "lang"))
    doc_.lang = AsciiLower(TrimHtmlSpace(lang->value));
}

// gumbo turns CR LF and lone CR into LF, as HTML's input preprocessing says;
// libxml2 passes script bodies through untouched. Normalizing here makes the
// JSON-LD text the same whichever parser fed it.
void DocumentBuilder::AppendJson(std::string_view text) {
  for (char c : text) {
    if (c == '\n' && json_cr_) {
      json_cr_ = false;
      continue;
    }
    json_cr_ = c == '\r';
    json_.push_back(c == '\r' ? '\n' : c);
  }
}

// ---------------------------------------------------------------- rules

void DocumentBuilder::Enter(HtmlTag tag, std::span<const HtmlAttribute> attrs, uint16_t& flags) {
  // Elements that belong in <head> but sit in <body> (common in broken pages) still count.
  OnHeadElement(tag, attrs, flags);
  if (tag == T::kHtml && doc_.lang.empty()) {
    if (const HtmlAttribute* lang = Find(attrs, "lang"))
      doc_.lang = AsciiLower(TrimHtmlSpace(lang->value));
  }
  if (const HtmlAttribute* cf = Find(attrs, "data-cfemail")) {
    std::string e = DecodeCfEmail(cf->value);
    if (!e.empty()) doc_.cf_emails.push_back(std::move(e));
  }
  if (IsSkipped(tag) || IsHidden(attrs)) {
    skip_depth_ = 1;
    skip_is_head_ = false;
    flags |= kFlagSkip;
    return;
  }
  id_class_.clear();
  for (std::string_view name : {"id", "class"}) {
    const HtmlAttribute* a = Find(attrs, name);
    if (a == nullptr) continue;
    for (char c : a->value) id_class_.push_back(AsciiLower(c));
    id_class_.push_back('\n');  // no word below spans the two values
  }
  auto mentions = [&](std::string_view word) { return id_class_.find(word) != std::string::npos; };
  if (tag == T::kBr) {
    if (!block_.empty() && block_.back() == ' ') block_.pop_back();
    if (!block_.empty() && block_.back() != '\n') block_.push_back('\n');
  }
  if (IsBlock(tag)) {
    Flush();
    block_tags_.push_back(tag);
    flags |= kFlagBlock;
  }
  if (tag == T::kFooter || mentions("footer")) {
    ++footer_depth_;
    flags |= kFlagFooter;
  }
  if (tag == T::kNav || tag == T::kHeader || mentions("navbar") || mentions("site-header")) {
    ++nav_depth_;
    flags |= kFlagNav;
  }
  if (mentions("logo") || mentions("brand")) {
    ++logo_depth_;
    flags |= kFlagLogo;
  }
  if (tag == T::kA || tag == T::kArea) {
    OnAnchor(attrs);
    flags |= kFlagAnchor;
  }
  if (tag == T::kImg) OnImage(attrs);
  if (const HtmlAttribute* prop = Find(attrs, "itemprop"))
    OnItemProp(tag, attrs, prop->value, flags);
  if (Find(attrs, "itemscope") != nullptr) {
    const HtmlAttribute* type = Find(attrs, "itemtype");
    scopes_.push_back(type == nullptr ? std::string() : std::string(TrimHtmlSpace(type->value)));
    flags |= kFlagScope;
  }
}

void DocumentBuilder::Exit(const Frame& frame) {
  uint16_t flags = frame.flags;
  if ((flags & kFlagSkip) && --skip_depth_ == 0) skip_is_head_ = false;
  if (flags & kFlagTitle) {
    TrimInPlace(doc_.title);
    in_title_ = false;
  }
  if (flags & kFlagJson) {
    if (!TrimHtmlSpace(json_).empty()) doc_.json_ld.push_back(std::move(json_));
    json_.clear();
    in_json_ = false;
  }
  if (flags & kFlagAnchor) {
    Link& link = doc_.links[anchors_.back()];
    TrimInPlace(link.text);
    if (link.text.empty() && !anchor_alts_.back().empty()) link.text = anchor_alts_.back();
    anchors_.pop_back();
    anchor_alts_.pop_back();
  }
  if (flags & kFlagCapture) {
    MicrodataProp& p = doc_.microdata[captures_.back()];
    TrimInPlace(p.value);
    captures_.pop_back();
  }
  if (flags & kFlagScope) scopes_.pop_back();
  if (flags & kFlagLogo) --logo_depth_;
  if (flags & kFlagBlock) {
    Flush();
    block_tags_.pop_back();
  }
  if (flags & kFlagFooter) --footer_depth_;
  if (flags & kFlagNav) --nav_depth_;
}

void DocumentBuilder::Flush() {
  TrimInPlace(block_);
  if (!block_.empty()) {
    TextBlock b;
    b.text = block_;  // a copy of exact size; block_ keeps its buffer for the next block
    b.tag = block_tags_.empty() ? "body" : TagName(block_tags_.back());
    b.in_footer = footer_depth_ > 0;
    doc_.blocks.push_back(std::move(b));
  }
  block_.clear();
}

// Pages repeat their hrefs (menu, footer, buttons), and resolving one through
// libcurl's URL parser is the builder's largest single cost: remember them.
// Root-relative hrefs of plain characters ("/contact", "/about-us/team.html")
// are most of a page's links, and need no parser: there is nothing to
// percent-encode, no dot segment to remove, no query or fragment, so the
// result is the base's origin (as libcurl writes it) followed by the href.
std::string DocumentBuilder::Resolve(std::string_view href) {
  std::string key(href);
  if (auto it = resolved_.find(key); it != resolved_.end()) return it->second;
  if (!resolver_ || resolver_->base() != doc_.base_url) {
    resolver_ = std::make_unique<UrlResolver>(doc_.base_url);
    origin_.reset();
  }
  if (IsPlainRootPath(href)) {
    if (!origin_) {
      auto root = resolver_->Resolve("/");
      origin_ = root && root->ends_with('/') ? root->substr(0, root->size() - 1) : std::string();
    }
    if (!origin_->empty()) {
      std::string url = *origin_ + key;
      resolved_.emplace(std::move(key), url);
      return url;
    }
  }
  auto r = resolver_->Resolve(href);
  std::string url = r ? std::move(*r) : std::string();
  resolved_.emplace(std::move(key), url);
  return url;
}

void DocumentBuilder::OnHeadElement(HtmlTag tag, std::span<const HtmlAttribute> attrs,
                                    uint16_t& flags) {
  switch (tag) {
    case T::kTitle:
      if (doc_.title.empty() && !in_title_) {
        in_title_ = true;
        flags |= kFlagTitle;
      }
      break;
    case T::kBase:
      if (const HtmlAttribute* href = Find(attrs, "href"); href != nullptr && !have_base_) {
        std::string r = Resolve(href->value);
        if (!r.empty()) doc_.base_url = std::move(r);
        have_base_ = true;
        resolved_.clear();  // resolved against the old base
      }
      break;
    case T::kMeta: {
      const HtmlAttribute* content = Find(attrs, "content");
      if (content == nullptr) break;
      const HtmlAttribute* equiv = Find(attrs, "http-equiv");
      if (equiv != nullptr && AsciiLower(equiv->value) == "refresh" && doc_.meta_refresh.empty()) {
        std::string_view target = RefreshTarget(content->value);
        if (!target.empty()) doc_.meta_refresh = Resolve(target);
      }
      const HtmlAttribute* name = Find(attrs, "name");
      if (name == nullptr) name = Find(attrs, "property");
      if (name != nullptr)
        doc_.meta.emplace_back(AsciiLower(TrimHtmlSpace(name->value)),
                               std::string(TrimHtmlSpace(content->value)));
      break;
    }
    case T::kLink: {
      const HtmlAttribute* rel = Find(attrs, "rel");
      const HtmlAttribute* href = Find(attrs, "href");
      if (rel != nullptr && href != nullptr && AsciiLower(rel->value) == "canonical" &&
          doc_.canonical.empty()) {
        doc_.canonical = Resolve(href->value);
      }
      break;
    }
    case T::kScript: {
      const HtmlAttribute* type = Find(attrs, "type");
      if (type == nullptr || in_json_ ||
          AsciiLower(TrimHtmlSpace(type->value)) != "application/ld+json")
        break;
      in_json_ = true;
      json_cr_ = false;
      json_.clear();
      flags |= kFlagJson;
      break;
    }
    default:
      break;
  }
}

void DocumentBuilder::OnAnchor(std::span<const HtmlAttribute> attrs) {
  Link link;
  if (const HtmlAttribute* href = Find(attrs, "href")) {
    link.href = std::string(TrimHtmlSpace(href->value));
    static constexpr std::string_view kCfPath = "/cdn-cgi/l/email-protection#";
    if (size_t at = link.href.find(kCfPath); at != std::string::npos) {
      std::string e = DecodeCfEmail(std::string_view(link.href).substr(at + kCfPath.size()));
      if (!e.empty()) doc_.cf_emails.push_back(std::move(e));
    } else if (!link.href.empty() && link.href.front() != '#') {
      link.url = Resolve(link.href);
    }
  }
  if (const HtmlAttribute* rel = Find(attrs, "rel"))
    link.rel = AsciiLower(TrimHtmlSpace(rel->value));
  link.in_footer = footer_depth_ > 0;
  link.in_nav = nav_depth_ > 0;
  std::string fallback;
  for (std::string_view name : {"title", "aria-label"}) {
    const HtmlAttribute* v = Find(attrs, name);
    if (v != nullptr && fallback.empty()) AppendCollapsed(fallback, v->value, kCaptureCap);
  }
  TrimInPlace(fallback);
  anchor_alts_.push_back(std::move(fallback));
  anchors_.push_back(doc_.links.size());
  doc_.links.push_back(std::move(link));
}

void DocumentBuilder::OnImage(std::span<const HtmlAttribute> attrs) {
  const HtmlAttribute* alt = Find(attrs, "alt");
  if (alt == nullptr) return;
  std::string a;
  AppendCollapsed(a, alt->value, kCaptureCap);
  TrimInPlace(a);
  if (a.empty()) return;
  if (!anchor_alts_.empty() && anchor_alts_.back().empty()) anchor_alts_.back() = a;
  const HtmlAttribute* src = Find(attrs, "src");
  bool logo = logo_depth_ > 0 || nav_depth_ > 0 || id_class_.find("logo") != std::string::npos ||
              (src != nullptr && AsciiLower(src->value).find("logo") != std::string::npos) ||
              AsciiLower(a).find("logo") != std::string::npos;
  (logo ? logo_alts_ : other_alts_).push_back(std::move(a));
}

void DocumentBuilder::OnItemProp(HtmlTag tag, std::span<const HtmlAttribute> attrs,
                                 std::string_view prop, uint16_t& flags) {
  MicrodataProp p;
  p.itemtype = scopes_.empty() ? std::string() : scopes_.back();
  p.prop = std::string(TrimHtmlSpace(prop));
  if (Find(attrs, "itemscope") != nullptr) {
    const HtmlAttribute* type = Find(attrs, "itemtype");
    p.value = type == nullptr ? std::string()
                              : std::string(type->value);  // a nested item: its type is the value
    doc_.microdata.push_back(std::move(p));
    return;
  }
  const HtmlAttribute* v = Find(attrs, "content");
  if (v == nullptr && (tag == T::kA || tag == T::kLink || tag == T::kArea)) v = Find(attrs, "href");
  if (v == nullptr && (tag == T::kImg || tag == T::kSource)) v = Find(attrs, "src");
  if (v == nullptr && tag == T::kTime) v = Find(attrs, "datetime");
  if (v != nullptr || tag == T::kMeta) {
    if (v != nullptr) AppendCollapsed(p.value, v->value, kCaptureCap);
    TrimInPlace(p.value);
    doc_.microdata.push_back(std::move(p));
    return;
  }
  if (captures_.size() >= kMaxCaptures) return;
  captures_.push_back(doc_.microdata.size());
  doc_.microdata.push_back(std::move(p));
  flags |= kFlagCapture;
}

}  // namespace trawl
