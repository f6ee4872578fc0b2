// HTML -> Document on gumbo. One iterative pre-order walk over the tree fills
// every field; text is appended to the open block and to the open captures
// (anchor text, microdata values) as it is met, so the work stays linear.
//
// Block rule: every element in kBlockTags starts a new text block when it
// opens and closes the current one when it ends; inline elements (span, a,
// strong, ...) only append. <br> becomes '\n' inside the block, so an address
// written as lines in one <p> or <div> stays one block whose lines are
// separated by '\n', while sections (different p/div/li/td) become separate
// blocks. Other whitespace is collapsed to one space.
//
// Depth: gumbo's tree builder scans the stack of open elements for scope
// checks on most start tags, so 100,000 nested <div>s cost minutes. Like
// Chromium (which caps its DOM depth at 512), nesting beyond kMaxDepth is
// flattened before gumbo sees it: a cheap linear pre-scan drops the excess
// start tags and their end tags, keeping all text, links and void tags.
//
// Memory: gumbo allocates from a per-parse arena that is dropped as a whole;
// gumbo_destroy_output (recursive in gumbo 0.10) is never called, so 100,000
// nested tags cannot overflow the stack there either.
#include "extract/document.h"

#include <gumbo.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/url.h"

namespace trawl {
namespace {

// ---------------------------------------------------------------- arena

class Arena {
 public:
  ~Arena() {
    for (void* c : chunks_) std::free(c);
  }
  void* Allocate(size_t n) {
    n = (n + 15) & ~size_t{15};
    if (n > left_) {
      size_t size = std::max<size_t>(n, kChunk);
      char* c = static_cast<char*>(std::malloc(size));
      if (c == nullptr) std::abort();  // gumbo cannot handle a failed allocation
      chunks_.push_back(c);
      cur_ = c;
      left_ = size;
    }
    void* p = cur_;
    cur_ += n;
    left_ -= n;
    return p;
  }

 private:
  static constexpr size_t kChunk = 256 * 1024;
  std::vector<void*> chunks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
};

void* ArenaAlloc(void* userdata, size_t size) { return static_cast<Arena*>(userdata)->Allocate(size); }
void ArenaFree(void*, void*) {}

// ---------------------------------------------------------------- helpers

const char* Attr(const GumboElement& el, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&el.attributes, name);
  return a == nullptr ? nullptr : a->value;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\f");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n\f");
  return s.substr(b, e - b + 1);
}

// Appends text with whitespace collapsed; NBSP counts as a space, zero-width
// characters are dropped. `out` never starts with or doubles a space.
void AppendCollapsed(std::string& out, std::string_view text, size_t cap) {
  for (size_t i = 0; i < text.size() && out.size() < cap; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      space = true;
      ++i;
    } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0x8B ||
                static_cast<unsigned char>(text[i + 2]) == 0x8C ||
                static_cast<unsigned char>(text[i + 2]) == 0x8D)) {
      i += 2;  // zero-width space / non-joiner / joiner
      continue;
    }
    if (space) {
      if (!out.empty() && out.back() != ' ' && out.back() != '\n') out.push_back(' ');
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

void TrimInPlace(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\n')) ++b;
  if (b > 0) s.erase(0, b);
}

bool IsSkipped(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT: case GUMBO_TAG_CANVAS: case GUMBO_TAG_HEAD:
      return true;
    default:
      return false;
  }
}

bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_LI: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_DD:
    case GUMBO_TAG_DT: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_BODY: case GUMBO_TAG_HR: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_LABEL: case GUMBO_TAG_BUTTON: case GUMBO_TAG_OPTION: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_MENU:
    case GUMBO_TAG_HTML:
      return true;
    default:
      return false;
  }
}

// Case-insensitive search of a word fragment in an id or class attribute.
bool AttrMentions(const GumboElement& el, std::string_view word) {
  for (const char* name : {"id", "class"}) {
    const char* v = Attr(el, name);
    if (v == nullptr) continue;
    std::string low = Lower(v);
    if (low.find(word) != std::string::npos) return true;
  }
  return false;
}

bool IsHidden(const GumboElement& el) {
  if (Attr(el, "hidden") != nullptr) return true;
  const char* style = Attr(el, "style");
  if (style == nullptr) return false;
  std::string s = Lower(style);
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s.find("display:none") != std::string::npos || s.find("visibility:hidden") != std::string::npos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Cloudflare's email obfuscation: hex bytes, the first is the XOR key.
std::string DecodeCfEmail(std::string_view hex) {
  if (hex.size() < 4 || hex.size() % 2 != 0 || hex.size() > 512) return {};
  std::string out;
  int key = -1;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
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
  std::string low = Lower(content);
  size_t at = low.find("url");
  if (at == std::string::npos) return {};
  size_t eq = low.find('=', at);
  if (eq == std::string::npos) return {};
  std::string_view v = Trim(content.substr(eq + 1));
  if (!v.empty() && (v.front() == '\'' || v.front() == '"')) v.remove_prefix(1);
  if (!v.empty() && (v.back() == '\'' || v.back() == '"')) v.remove_suffix(1);
  return Trim(v);
}

// ---------------------------------------------------------------- depth cap

constexpr int kMaxDepth = 512;

bool NameIs(std::string_view name, std::initializer_list<std::string_view> set) {
  for (std::string_view s : set) {
    if (name.size() == s.size() && std::equal(name.begin(), name.end(), s.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
  }
  return false;
}

// Elements that never nest: void ones, and ones whose end tag is optional
// (counting those would read a page of unclosed <p>s as deep).
bool Uncounted(std::string_view name) {
  return NameIs(name, {"br", "img", "input", "meta", "link", "hr", "area", "base", "col", "embed", "param",
                       "source", "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
                       "tbody", "thead", "tfoot", "colgroup", "rp", "rt", "html", "head", "body", "!doctype"});
}

bool RawText(std::string_view name) {
  return NameIs(name, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"});
}

size_t FindCi(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = hay.find('<', from); i != std::string_view::npos; i = hay.find('<', i + 1)) {
    if (hay.size() - i >= needle.size() && NameIs(hay.substr(i, needle.size()), {needle})) return i;
  }
  return std::string_view::npos;
}

// Returns the input with nesting beyond kMaxDepth flattened, or "" (meaning:
// use the input as is) when the page is never that deep.
std::string CapDepth(std::string_view html) {
  std::string out;
  bool rewriting = false;
  int depth = 0, excess = 0;
  size_t copied = 0;  // html[0, copied) is in `out` (while rewriting)
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      size_t e = html.find("-->", i + 4);
      i = e == std::string_view::npos ? html.size() : e + 3;
      continue;
    }
    bool end = i + 1 < html.size() && html[i + 1] == '/';
    size_t n = i + (end ? 2 : 1);
    size_t ne = n;
    while (ne < html.size() && (std::isalnum(static_cast<unsigned char>(html[ne])) || html[ne] == '!' || html[ne] == '-')) ++ne;
    size_t close = html.find('>', ne);
    if (ne == n || close == std::string_view::npos) {
      ++i;
      continue;
    }
    std::string_view name = html.substr(n, ne - n);
    size_t next = close + 1;
    bool drop = false;
    if (!end && RawText(name)) {
      std::string endtag = "</" + std::string(name);
      for (char& c : endtag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t e = FindCi(html, endtag, next);
      next = e == std::string_view::npos ? html.size() : e;
    } else if (!Uncounted(name) && html[close - 1] != '/' && !(excess > 0 && NameIs(name, {"a"}))) {
      if (end) {
        if (excess > 0) {
          --excess;
          drop = true;
        } else if (depth > 0) {
          --depth;
        }
      } else if (depth >= kMaxDepth) {
        ++excess;
        drop = true;
      } else {
        ++depth;
      }
    }
    if (drop) {
      if (!rewriting) {
        rewriting = true;
        out.reserve(html.size());
      }
      out.append(html.substr(copied, i - copied));
      copied = close + 1;
    }
    i = next;
  }
  if (!rewriting) return {};
  out.append(html.substr(copied));
  return out;
}

// ---------------------------------------------------------------- the walk

constexpr size_t kBlockCap = 20000;    // one block's text; beyond that it is not a block anyone reads
constexpr size_t kCaptureCap = 2000;   // anchor text / microdata text value
constexpr size_t kMaxCaptures = 6;     // nested itemprops captured at once

enum FrameFlags : uint8_t {
  kFlagBlock = 1,
  kFlagFooter = 2,
  kFlagNav = 4,
  kFlagAnchor = 8,
  kFlagScope = 16,
  kFlagCapture = 32,
  kFlagLogo = 64,
};

struct Frame {
  const GumboNode* node;
  unsigned next_child;
  uint8_t flags;
};

class Walker {
 public:
  Walker(Document& doc) : doc_(doc) {}

  void Run(const GumboNode* root);
  void Finish();

 private:
  void Enter(const GumboNode* node, uint8_t& flags);
  void Exit(const GumboNode* node, uint8_t flags);
  void Text(std::string_view text);
  void Flush();
  void OnHeadElement(const GumboElement& el);
  void OnAnchor(const GumboElement& el);
  void OnImage(const GumboElement& el);
  void OnItemProp(const GumboElement& el, const char* prop, uint8_t& flags);
  std::string Resolve(std::string_view href) const;

  Document& doc_;
  std::vector<Frame> stack_;
  std::string block_;
  std::vector<GumboTag> block_tags_;
  int footer_depth_ = 0;
  int nav_depth_ = 0;
  int logo_depth_ = 0;
  std::vector<size_t> anchors_;  // indices into doc_.links of open anchors
  std::vector<std::string> anchor_alts_;
  std::vector<std::string> scopes_;      // itemtype of open itemscopes
  std::vector<size_t> captures_;         // indices into doc_.microdata
  std::vector<std::string> logo_alts_, other_alts_;
  bool have_base_ = false;
};

void Walker::Run(const GumboNode* root) {
  stack_.push_back({root, 0, 0});
  while (!stack_.empty()) {
    Frame& f = stack_.back();
    const GumboNode* node = f.node;
    const GumboVector* children = nullptr;
    if (node->type == GUMBO_NODE_DOCUMENT) children = &node->v.document.children;
    if (node->type == GUMBO_NODE_ELEMENT) children = &node->v.element.children;
    if (children != nullptr && f.next_child < children->length) {
      const GumboNode* child = static_cast<const GumboNode*>(children->data[f.next_child++]);
      switch (child->type) {
        case GUMBO_NODE_TEXT: case GUMBO_NODE_CDATA: case GUMBO_NODE_WHITESPACE:
          Text(child->v.text.text);
          break;
        case GUMBO_NODE_ELEMENT: {
          uint8_t flags = 0;
          if (child->v.element.tag == GUMBO_TAG_HEAD) {
            // The head holds no visible text: read its meta data without descending the walk.
            for (unsigned i = 0; i < child->v.element.children.length; ++i) {
              const GumboNode* h = static_cast<const GumboNode*>(child->v.element.children.data[i]);
              if (h->type == GUMBO_NODE_ELEMENT) OnHeadElement(h->v.element);
            }
            break;
          }
          Enter(child, flags);
          if (flags != 0xFF) stack_.push_back({child, 0, flags});
          break;
        }
        default:
          break;
      }
      continue;
    }
    uint8_t flags = f.flags;
    stack_.pop_back();
    if (node->type == GUMBO_NODE_ELEMENT) Exit(node, flags);
  }
  Flush();
}

// Sets `flags` to 0xFF when the element's subtree is to be skipped.
void Walker::Enter(const GumboNode* node, uint8_t& flags) {
  const GumboElement& el = node->v.element;
  GumboTag tag = el.tag;
  // Elements that belong in <head> but sit in <body> (common in broken pages) still count.
  if (tag == GUMBO_TAG_META || tag == GUMBO_TAG_LINK || tag == GUMBO_TAG_BASE || tag == GUMBO_TAG_TITLE ||
      tag == GUMBO_TAG_SCRIPT) {
    OnHeadElement(el);
  }
  if (const char* cf = Attr(el, "data-cfemail")) {
    std::string e = DecodeCfEmail(cf);
    if (!e.empty()) doc_.cf_emails.push_back(std::move(e));
  }
  if (IsSkipped(tag) || IsHidden(el)) {
    flags = 0xFF;
    return;
  }
  if (tag == GUMBO_TAG_BR) {
    if (!block_.empty() && block_.back() == ' ') block_.pop_back();
    if (!block_.empty() && block_.back() != '\n') block_.push_back('\n');
  }
  if (IsBlock(tag)) {
    Flush();
    block_tags_.push_back(tag);
    flags |= kFlagBlock;
  }
  if (tag == GUMBO_TAG_FOOTER || AttrMentions(el, "footer")) {
    ++footer_depth_;
    flags |= kFlagFooter;
  }
  if (tag == GUMBO_TAG_NAV || tag == GUMBO_TAG_HEADER || AttrMentions(el, "navbar") ||
      AttrMentions(el, "site-header")) {
    ++nav_depth_;
    flags |= kFlagNav;
  }
  if (AttrMentions(el, "logo") || AttrMentions(el, "brand")) {
    ++logo_depth_;
    flags |= kFlagLogo;
  }
  if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_AREA) {
    OnAnchor(el);
    flags |= kFlagAnchor;
  }
  if (tag == GUMBO_TAG_IMG) OnImage(el);
  if (const char* prop = Attr(el, "itemprop")) OnItemProp(el, prop, flags);
  if (Attr(el, "itemscope") != nullptr) {
    const char* type = Attr(el, "itemtype");
    scopes_.push_back(type == nullptr ? std::string() : std::string(Trim(type)));
    flags |= kFlagScope;
  }
}

void Walker::Exit(const GumboNode*, uint8_t flags) {
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

void Walker::Text(std::string_view text) {
  AppendCollapsed(block_, text, kBlockCap);
  if (!anchors_.empty()) {
    AppendCollapsed(doc_.links[anchors_.back()].text, text, kCaptureCap);
  }
  for (size_t idx : captures_) {
    AppendCollapsed(doc_.microdata[idx].value, text, kCaptureCap);
  }
}

void Walker::Flush() {
  TrimInPlace(block_);
  if (!block_.empty()) {
    TextBlock b;
    b.text = std::move(block_);
    b.tag = block_tags_.empty() ? "body" : gumbo_normalized_tagname(block_tags_.back());
    b.in_footer = footer_depth_ > 0;
    doc_.blocks.push_back(std::move(b));
  }
  block_.clear();
}

std::string Walker::Resolve(std::string_view href) const {
  auto r = ResolveUrl(doc_.base_url, href);
  return r ? std::move(*r) : std::string();
}

void Walker::OnHeadElement(const GumboElement& el) {
  switch (el.tag) {
    case GUMBO_TAG_TITLE:
      if (doc_.title.empty() && el.children.length > 0) {
        const GumboNode* t = static_cast<const GumboNode*>(el.children.data[0]);
        if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_WHITESPACE) {
          AppendCollapsed(doc_.title, t->v.text.text, kCaptureCap);
          TrimInPlace(doc_.title);
        }
      }
      break;
    case GUMBO_TAG_BASE:
      if (const char* href = Attr(el, "href"); href != nullptr && !have_base_) {
        std::string r = Resolve(href);
        if (!r.empty()) doc_.base_url = std::move(r);
        have_base_ = true;
      }
      break;
    case GUMBO_TAG_META: {
      const char* content = Attr(el, "content");
      if (content == nullptr) break;
      const char* equiv = Attr(el, "http-equiv");
      if (equiv != nullptr && Lower(equiv) == "refresh" && doc_.meta_refresh.empty()) {
        std::string_view target = RefreshTarget(content);
        if (!target.empty()) doc_.meta_refresh = Resolve(target);
      }
      const char* name = Attr(el, "name");
      if (name == nullptr) name = Attr(el, "property");
      if (name != nullptr) doc_.meta.emplace_back(Lower(Trim(name)), std::string(Trim(content)));
      break;
    }
    case GUMBO_TAG_LINK: {
      const char* rel = Attr(el, "rel");
      const char* href = Attr(el, "href");
      if (rel != nullptr && href != nullptr && Lower(rel) == "canonical" && doc_.canonical.empty()) {
        doc_.canonical = Resolve(href);
      }
      break;
    }
    case GUMBO_TAG_SCRIPT: {
      const char* type = Attr(el, "type");
      if (type == nullptr || Lower(Trim(type)) != "application/ld+json") break;
      std::string body;
      for (unsigned i = 0; i < el.children.length; ++i) {
        const GumboNode* t = static_cast<const GumboNode*>(el.children.data[i]);
        if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_CDATA || t->type == GUMBO_NODE_WHITESPACE) {
          body += t->v.text.text;
        }
      }
      if (!Trim(body).empty()) doc_.json_ld.push_back(std::move(body));
      break;
    }
    default:
      break;
  }
}

void Walker::OnAnchor(const GumboElement& el) {
  Link link;
  if (const char* href = Attr(el, "href")) {
    link.href = std::string(Trim(href));
    static constexpr std::string_view kCfPath = "/cdn-cgi/l/email-protection#";
    if (size_t at = link.href.find(kCfPath); at != std::string::npos) {
      std::string e = DecodeCfEmail(std::string_view(link.href).substr(at + kCfPath.size()));
      if (!e.empty()) doc_.cf_emails.push_back(std::move(e));
    } else if (!link.href.empty() && link.href.front() != '#') {
      link.url = Resolve(link.href);
    }
  }
  if (const char* rel = Attr(el, "rel")) link.rel = Lower(Trim(rel));
  link.in_footer = footer_depth_ > 0;
  link.in_nav = nav_depth_ > 0;
  std::string fallback;
  for (const char* name : {"title", "aria-label"}) {
    if (const char* v = Attr(el, name); v != nullptr && fallback.empty()) AppendCollapsed(fallback, v, kCaptureCap);
  }
  TrimInPlace(fallback);
  anchor_alts_.push_back(std::move(fallback));
  anchors_.push_back(doc_.links.size());
  doc_.links.push_back(std::move(link));
}

void Walker::OnImage(const GumboElement& el) {
  const char* alt = Attr(el, "alt");
  if (alt == nullptr) return;
  std::string a;
  AppendCollapsed(a, alt, kCaptureCap);
  TrimInPlace(a);
  if (a.empty()) return;
  if (!anchor_alts_.empty() && anchor_alts_.back().empty()) anchor_alts_.back() = a;
  const char* src = Attr(el, "src");
  bool logo = logo_depth_ > 0 || nav_depth_ > 0 || AttrMentions(el, "logo") ||
              (src != nullptr && Lower(src).find("logo") != std::string::npos) ||
              Lower(a).find("logo") != std::string::npos;
  (logo ? logo_alts_ : other_alts_).push_back(std::move(a));
}

void Walker::OnItemProp(const GumboElement& el, const char* prop, uint8_t& flags) {
  MicrodataProp p;
  p.itemtype = scopes_.empty() ? std::string() : scopes_.back();
  p.prop = std::string(Trim(prop));
  if (Attr(el, "itemscope") != nullptr) {
    const char* type = Attr(el, "itemtype");
    p.value = type == nullptr ? "" : type;  // a nested item: its type is the value
    doc_.microdata.push_back(std::move(p));
    return;
  }
  const char* v = Attr(el, "content");
  if (v == nullptr && (el.tag == GUMBO_TAG_A || el.tag == GUMBO_TAG_LINK || el.tag == GUMBO_TAG_AREA)) {
    v = Attr(el, "href");
  }
  if (v == nullptr && (el.tag == GUMBO_TAG_IMG || el.tag == GUMBO_TAG_SOURCE)) v = Attr(el, "src");
  if (v == nullptr && el.tag == GUMBO_TAG_TIME) v = Attr(el, "datetime");
  if (v == nullptr && el.tag == GUMBO_TAG_META) v = "";
  if (v != nullptr) {
    AppendCollapsed(p.value, v, kCaptureCap);
    TrimInPlace(p.value);
    doc_.microdata.push_back(std::move(p));
    return;
  }
  if (captures_.size() >= kMaxCaptures) return;
  captures_.push_back(doc_.microdata.size());
  doc_.microdata.push_back(std::move(p));
  flags |= kFlagCapture;
}

void Walker::Finish() {
  doc_.img_alts = std::move(logo_alts_);
  doc_.img_alts.insert(doc_.img_alts.end(), std::make_move_iterator(other_alts_.begin()),
                       std::make_move_iterator(other_alts_.end()));
}

}  // namespace

std::string Document::Meta(std::string_view name) const {
  for (const auto& [k, v] : meta) {
    if (k == name) return v;
  }
  return {};
}

Document ParseHtml(std::string_view html, std::string_view url) {
  Document doc;
  doc.url = std::string(url);
  doc.base_url = doc.url;
  Arena arena;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = ArenaAlloc;
  options.deallocator = ArenaFree;
  options.userdata = &arena;
  options.max_errors = 0;  // parse errors are not used; recording them costs time
  std::string flattened = CapDepth(html);
  if (!flattened.empty()) html = flattened;
  GumboOutput* out = gumbo_parse_with_options(&options, html.data(), html.size());
  if (out == nullptr) return doc;
  if (out->root != nullptr && out->root->type == GUMBO_NODE_ELEMENT) {
    if (const char* lang = Attr(out->root->v.element, "lang")) doc.lang = Lower(Trim(lang));
  }
  Walker walker(doc);
  walker.Run(out->document);
  walker.Finish();
  return doc;  // the arena, and with it the whole gumbo tree, goes here
}

}  // namespace trawl
