// Differential test: ParseHtml (libxml2 SAX) against ParseHtmlGumbo (gumbo
// tree) on every HTML page of the fixture corpus and, when present, the
// real-world corpus, and on small pages of tricky markup. Both parsers feed
// the same DocumentBuilder, so a difference is a difference in how the two
// recover markup or decode text.
//
// On the corpora (270 pages) the two Documents are identical in every field,
// also with the optional <html>, <head> and <body> tags removed. With every
// </div> removed (a stress test, not kept here) email blocks and link URLs
// still agree on 269 of 270 pages; with every </p>, </li> and </a> removed,
// on 268 (unclosed <a> is where the two recoveries differ most).
// Known differences, none of which occurs there (KnownDifferences pins them):
// * text outside any element: libxml2 wraps it in an implied <p>, gumbo puts
//   it in <body>, so that block's tag differs (its text does not);
// * `<!- x ->` and other bogus comments: gumbo drops them, libxml2 keeps
//   them as text;
// * legacy entities without ';' inside attribute values (`title="a &amp b"`):
//   gumbo decodes them, libxml2 does not (in text both decode);
// * misnested formatting elements and block elements inside inline ones
//   (HTML's adoption agency algorithm, which gumbo implements and libxml2, an
//   HTML 4 parser, does not): structure and so block boundaries may differ.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "extract/document.h"
#include "extract/document_gumbo.h"

namespace trawl {
namespace {

namespace fs = std::filesystem;

struct Page {
  std::string path;
  std::string url;
  std::string html;
};

std::vector<Page> LoadCorpus() {
  std::vector<Page> pages;
  for (const std::string& dir :
       {std::string(TRAWL_SOURCE_DIR) + "/tests/fixtures/sites", std::string("/work/shared/realworld/sites")}) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& f : fs::recursive_directory_iterator(dir, ec)) {
      if (f.path().extension() != ".html") continue;
      std::ifstream in(f.path(), std::ios::binary);
      std::stringstream body;
      body << in.rdbuf();
      fs::path rel = fs::relative(f.path(), dir);
      std::string host = rel.begin()->string();
      std::string path = fs::relative(f.path(), fs::path(dir) / host).string();
      pages.push_back({f.path().string(), "https://" + host + "/" + path, body.str()});
    }
  }
  std::sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) { return a.path < b.path; });
  return pages;
}

// Blocks that carry an email address: "x@y" with word characters around the @.
std::set<std::string> EmailBlocks(const Document& d) {
  std::set<std::string> out;
  for (const auto& b : d.blocks) {
    for (size_t at = b.text.find('@'); at != std::string::npos; at = b.text.find('@', at + 1)) {
      if (at > 0 && at + 1 < b.text.size() && std::isalnum(static_cast<unsigned char>(b.text[at - 1])) &&
          std::isalnum(static_cast<unsigned char>(b.text[at + 1]))) {
        out.insert(b.text);
        break;
      }
    }
  }
  return out;
}

std::set<std::string> LinkUrls(const Document& d) {
  std::set<std::string> out;
  for (const auto& l : d.links) out.insert(l.url.empty() ? l.href : l.url);
  return out;
}

std::string Difference(const std::set<std::string>& gumbo, const std::set<std::string>& libxml2) {
  std::string out;
  for (const auto& x : gumbo) {
    if (!libxml2.count(x)) out += "\n  - " + x;
  }
  for (const auto& x : libxml2) {
    if (!gumbo.count(x)) out += "\n  + " + x;
  }
  return out;
}

// Every field of a Document, one per line, so a mismatch shows where.
std::string Dump(const Document& d) {
  std::string out = "lang=" + d.lang + "\ntitle=" + d.title + "\nrefresh=" + d.meta_refresh +
                    "\ncanonical=" + d.canonical + "\nbase=" + d.base_url + "\n";
  for (const auto& b : d.blocks) out += "block " + b.tag + (b.in_footer ? " footer" : "") + ": " + b.text + "\n";
  for (const auto& l : d.links) {
    out += "link " + l.href + " -> " + l.url + " [" + l.text + "] rel=" + l.rel + (l.in_footer ? " footer" : "") +
           (l.in_nav ? " nav" : "") + "\n";
  }
  for (const auto& [k, v] : d.meta) out += "meta " + k + "=" + v + "\n";
  for (const auto& j : d.json_ld) out += "json-ld " + j + "\n";
  for (const auto& m : d.microdata) out += "microdata " + m.itemtype + " " + m.prop + "=" + m.value + "\n";
  for (const auto& a : d.img_alts) out += "alt " + a + "\n";
  for (const auto& e : d.cf_emails) out += "cf " + e + "\n";
  return out;
}

TEST(DocumentParsers, CorpusIsPresent) {
  // The fixture sites are in the repository; an empty corpus would make the test below vacuous.
  EXPECT_GE(LoadCorpus().size(), 100u);
}

TEST(DocumentParsers, AgreeOnEveryCorpusPage) {
  for (const Page& p : LoadCorpus()) {
    Document x = ParseHtml(p.html, p.url);
    Document g = ParseHtmlGumbo(p.html, p.url);
    // What the extractors depend on most first, for a readable failure; then everything.
    EXPECT_EQ(Difference(EmailBlocks(g), EmailBlocks(x)), "") << p.path << ": email blocks (- gumbo, + libxml2)";
    EXPECT_EQ(Difference(LinkUrls(g), LinkUrls(x)), "") << p.path << ": link URLs (- gumbo, + libxml2)";
    EXPECT_EQ(Dump(x), Dump(g)) << p.path;
  }
}

std::string RemoveTags(std::string html, std::initializer_list<std::string_view> tag_starts) {
  for (std::string_view t : tag_starts) {
    for (size_t at = html.find(t); at != std::string::npos; at = html.find(t, at)) {
      size_t end = html.find('>', at);
      if (end == std::string::npos) break;
      html.erase(at, end + 1 - at);
    }
  }
  return html;
}

// Many real pages leave out <html>, <head> and <body>, which HTML makes optional;
// libxml2 (HTML 4) then keeps HTML5 elements inside an implied <head> unless corrected.
TEST(DocumentParsers, AgreeOnEveryCorpusPageWithoutHtmlHeadAndBodyTags) {
  for (const Page& p : LoadCorpus()) {
    std::string html = RemoveTags(p.html, {"<html", "</html", "<head", "</head", "<body", "</body"});
    EXPECT_EQ(Dump(ParseHtml(html, p.url)), Dump(ParseHtmlGumbo(html, p.url))) << p.path;
  }
}

TEST(DocumentParsers, AgreeOnTrickyMarkup) {
  const char* cases[] = {
      "<p>A &amp; B &lt;x&gt; &#169; &#x2019; &#146; &nbsp;C &foo; &amp D &copy 2024 AT&T a & b</p>",
      "<a href=\"/p?a=1&amp;b=2&copy=3\" title=\"&quot;Q&quot; &amp; A\">x</a>",
      "<header class=top><div>unclosed<a href=/in>in</a></header><p>after</p><a href=/out>out</a>",
      "<nav><ul><li><a href=/a>a</a><li><a href=/b>b</a></ul></nav><a href=/c>c</a>",
      "<footer><div><p>© 2024 Acme</footer><p>not footer</p>",
      "<section itemscope itemtype=https://schema.org/Organization><div><span itemprop=name>Acme</span>"
      "</section><span itemprop=name>Other</span>",
      "<html><head><meta charset=iso-8859-1><title>Caf\xC3\xA9</title></head><p>na\xC3\xAFve</p>",
      "<script type=\"application/ld+json\">\r\n{\"a\": \"</div>\"}\r\n</script><p>after</p>",
      "<p>one<br>two<br/>three</p><div>x<div>y</div>z</div>",
      "<table><tr><td>a<td>b<tr><td>c</table><dl><dt>t<dd>d</dl>",
      "<a href=/x><div>block in link</div></a><p>after</p>",
      "<p>caf\xC3 \xFF ok \xC3\xA9</p>",
      "<body><p>one</p></html><p>after end</p>",
      "<title>  A  &amp;  B </title><body><title>second</title><p>x</p>",
      "<title>Home | Acme</title><footer><p>\xC2\xA9 2024 Acme Ltd</p></footer>",  // HTML5 element right after head
      "<meta name=a content=b><header><img class=logo src=l.png alt=\"Acme logo\"></header><p>x</p>",
      "<title>T</title><div><title>U</title></div><meta name=late content=1><p>y</p>",
      "<div style=\"DISPLAY: none\">h</div><div hidden>h2</div><p>shown</p><noscript><a href=/n>n</a></noscript>",
  };
  for (const char* html : cases) {
    EXPECT_EQ(Dump(ParseHtml(html, "https://acme.test/")), Dump(ParseHtmlGumbo(html, "https://acme.test/"))) << html;
  }
}

// The differences listed at the top of this file, pinned so the list stays true.
TEST(DocumentParsers, KnownDifferences) {
  Document x = ParseHtml("bare text", "https://acme.test/");
  Document g = ParseHtmlGumbo("bare text", "https://acme.test/");
  ASSERT_EQ(x.blocks.size(), 1u);
  ASSERT_EQ(g.blocks.size(), 1u);
  EXPECT_EQ(x.blocks[0].text, g.blocks[0].text);
  EXPECT_EQ(x.blocks[0].tag, "p");
  EXPECT_EQ(g.blocks[0].tag, "body");

  x = ParseHtml("<p>a</p><!- bogus -><p>b</p>", "https://acme.test/");
  g = ParseHtmlGumbo("<p>a</p><!- bogus -><p>b</p>", "https://acme.test/");
  EXPECT_EQ(g.blocks.size(), 2u);
  EXPECT_GT(x.blocks.size(), g.blocks.size());

  x = ParseHtml("<a href=/x title=\"a &amp b\"></a>", "https://acme.test/");
  g = ParseHtmlGumbo("<a href=/x title=\"a &amp b\"></a>", "https://acme.test/");
  EXPECT_EQ(x.links.at(0).text, "a &amp b");
  EXPECT_EQ(g.links.at(0).text, "a & b");
}

}  // namespace
}  // namespace trawl
