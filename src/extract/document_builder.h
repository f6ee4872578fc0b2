// DocumentBuilder: turns a stream of parser events (element opened, text,
// element closed) into a Document. trawl's own HTML parser feeds it
// (ParseHtml, html_parser.h), and so do the reference parsers the tests and
// bench compare it with (ParseHtmlGumbo's tree walk, ParseHtmlLibxml2's SAX
// callbacks; tests/parsers/), so the rules for blocks, hidden content, links,
// microdata and head metadata live here once and the comparison is of the
// parsers alone. One builder per parse; not thread-safe; it writes into a
// Document owned by the caller, which must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/url.h"
#include "extract/document.h"

namespace trawl {

// One attribute as the parser reports it. Names are lower case (every parser
// lower-cases them); a valueless attribute (`<div hidden>`) has value "".
struct HtmlAttribute {
  std::string_view name;
  std::string_view value;
};

// True when `href` is a root-relative path ("/contact") of ASCII letters,
// digits and "/-_.~" with no "." or ".." segment: resolved against an http(s)
// base it becomes the base's origin followed by the href unchanged, which
// lets DocumentBuilder skip libcurl's URL parser for it. Pure; thread-safe.
bool IsPlainRootPath(std::string_view href);

// The elements the rules care about (defined in document_builder.cpp).
enum class HtmlTag : uint8_t;

// The HtmlTag of a lower-case element name; HtmlTag{0} for names the rules
// do not know. Pure; thread-safe.
HtmlTag HtmlTagOf(std::string_view lower_name);

class DocumentBuilder {
 public:
  // `doc.url` and `doc.base_url` must already be set.
  explicit DocumentBuilder(Document& doc) : doc_(doc) {}

  // Events, in document order. Every OpenElement is matched by one
  // CloseElement (the parsers guarantee it; Finish closes what is left).
  void OpenElement(std::string_view lower_name, std::span<const HtmlAttribute> attrs);
  // The same with the name already looked up (HtmlTagOf).
  void OpenElement(HtmlTag tag, std::span<const HtmlAttribute> attrs);
  void CloseElement();
  // Character data with entities decoded; script/style bodies come raw.
  void Text(std::string_view text);
  // Closes open elements and moves the collected image alts into the Document.
  void Finish();
  // Attributes of an <html> start tag seen after the root element was
  // opened (HTML adds them to it): reads lang if none was read yet.
  void MergeHtmlAttributes(std::span<const HtmlAttribute> attrs);

 private:
  struct Frame {
    HtmlTag tag;
    uint16_t flags;
  };

  void Enter(HtmlTag tag, std::span<const HtmlAttribute> attrs, uint16_t& flags);
  void Exit(const Frame& frame);
  void Flush();
  void AppendJson(std::string_view text);
  void OnHeadElement(HtmlTag tag, std::span<const HtmlAttribute> attrs, uint16_t& flags);
  void OnAnchor(std::span<const HtmlAttribute> attrs);
  void OnImage(std::span<const HtmlAttribute> attrs);
  void OnItemProp(HtmlTag tag, std::span<const HtmlAttribute> attrs, std::string_view prop,
                  uint16_t& flags);
  std::string Resolve(std::string_view href);

  Document& doc_;
  std::vector<Frame> stack_;
  int skip_depth_ = 0;         // open elements inside (and including) a skipped one
  bool skip_is_head_ = false;  // the outermost skipped element is <head>
  std::string block_;
  std::vector<HtmlTag> block_tags_;  // open block elements
  int footer_depth_ = 0;
  int nav_depth_ = 0;
  int logo_depth_ = 0;
  std::vector<size_t> anchors_;  // indices into doc_.links of open anchors
  std::vector<std::string> anchor_alts_;
  std::vector<std::string> scopes_;  // itemtype of open itemscopes
  std::vector<size_t> captures_;     // indices into doc_.microdata
  std::vector<std::string> logo_alts_, other_alts_;
  std::string json_;  // body of the open ld+json script
  bool in_json_ = false;
  bool json_cr_ = false;  // the last character appended to json_ was a CR
  bool in_title_ = false;
  bool have_base_ = false;
  std::string id_class_;  // scratch: lower-case id and class of the element being opened
  std::unordered_map<std::string, std::string> resolved_;  // href -> Resolve(href) against base_url
  std::unique_ptr<UrlResolver> resolver_;  // parsed base_url, rebuilt when it changes
  // resolver_'s base resolved against "/", without that '/' ("" if that
  // failed); computed at the first plain root path (see IsPlainRootPath).
  std::optional<std::string> origin_;
};

}  // namespace trawl
