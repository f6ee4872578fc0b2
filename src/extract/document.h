// One HTML page parsed once (trawl's own streaming parser, no tree) into
// what the extractors and the crawl planner read: visible text blocks, links with their
// text, meta tags, JSON-LD and microdata. A Document owns all its strings and
// does not refer back to the HTML; immutable after parsing, so thread-safe to
// share.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl {

struct Link {
  std::string url;   // absolute, normalized (ResolveUrl); empty if not http(s)
  std::string href;  // raw attribute value (mailto:, tel: links keep theirs here)
  std::string
      text;  // visible text of the anchor, whitespace collapsed; else title/aria-label/img alt
  std::string rel;
  bool in_footer = false;  // inside <footer> or an element whose id/class says footer
  bool in_nav = false;     // inside <nav> or <header>
};

// A block of visible text: the text of one block-level element (p, li, td,
// div with no block children, address, hN, ...), whitespace collapsed.
struct TextBlock {
  std::string text;
  std::string tag;  // lower-case tag name of the block element
  bool in_footer = false;
};

// One itemprop value from microdata, with the itemtype of its scope.
struct MicrodataProp {
  std::string itemtype;  // e.g. "https://schema.org/PostalAddress"
  std::string prop;      // itemprop name
  std::string value;     // content/href/text
};

struct Document {
  std::string url;   // final URL of the page
  std::string lang;  // <html lang>, lower case, may be empty
  std::string title;
  std::vector<TextBlock> blocks;
  std::vector<Link> links;
  std::vector<std::pair<std::string, std::string>> meta;  // lower-case name|property -> content
  std::vector<std::string> json_ld;                       // raw contents of ld+json scripts
  std::vector<MicrodataProp> microdata;
  std::vector<std::string> img_alts;  // alt text of images in header/logo positions first
  std::vector<std::string>
      cf_emails;  // decoded Cloudflare data-cfemail / /cdn-cgi/l/email-protection#... values
  std::string meta_refresh;  // absolute target of <meta http-equiv=refresh>, or empty
  std::string canonical;     // absolute <link rel=canonical>, or empty
  std::string base_url;      // <base href> resolved, else url

  // Value of the first meta tag with this lower-case name or property, or "".
  std::string Meta(std::string_view name) const;
};

// Parses UTF-8 HTML with trawl's own parser (html_parser.h). Never fails:
// broken markup is recovered as HTML says (implied and auto-closed elements,
// end tags closing through in scope), invalid UTF-8 becomes U+FFFD. Work is
// linear in input size; at most 512 elements are open at once (deeper start
// tags are dropped, links kept), and nothing here recurses, so deep input
// cannot overflow the stack. Thread-safe: each call has its own state.
// The tests and parse_bench build the same Document with gumbo and libxml2
// for comparison (tests/parsers/); the crawler links neither.
Document ParseHtml(std::string_view html, std::string_view url);

}  // namespace trawl
