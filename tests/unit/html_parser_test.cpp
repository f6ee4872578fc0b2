// trawl's HTML parser (html_parser.h, through ParseHtml): the tokenizer and
// tree rules that decide what text and links a page shows, each pinned with
// the result HTML prescribes. document_parsers_test.cpp compares the whole
// Document with gumbo's on the corpora; this file says what is expected.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extract/document.h"

namespace trawl {
namespace {

std::vector<std::string> Blocks(const Document& d) {
  std::vector<std::string> out;
  for (const auto& b : d.blocks) out.push_back(b.text);
  return out;
}

std::vector<std::string> LinkTexts(const Document& d) {
  std::vector<std::string> out;
  for (const auto& l : d.links) out.push_back(l.href + "=" + l.text);
  return out;
}

Document Parse(std::string_view html) { return ParseHtml(html, "https://acme.test/"); }

using V = std::vector<std::string>;

TEST(HtmlParser, DecodesCharacterReferences) {
  Document d = Parse(
      "<p>&amp; &lt;&gt; &quot;&apos; &copy; &eacute;&Eacute; &hellip; &#65;&#x42;&#X43 &#128512; "
      "&#150; &#0; &#xD800; &#1114112; &nosuch; &#; &#x; a&b</p>");
  EXPECT_EQ(Blocks(d),
            V{"& <> \"' \xC2\xA9 \xC3\xA9\xC3\x89 \xE2\x80\xA6 ABC \xF0\x9F\x98\x80 \xE2\x80\x93 "
              "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD &nosuch; &#; &#x; a&b"});
}

TEST(HtmlParser, LegacyReferencesWithoutSemicolon) {
  // In text the longest legacy name is decoded even when letters follow.
  Document d = Parse("<p>&copy 2024 &copy2024 &amp x &notit; &AMP; &COPY</p>");
  EXPECT_EQ(Blocks(d), V{"\xC2\xA9 2024 \xC2\xA9"
                         "2024 & x \xC2\xACit; & \xC2\xA9"});
  // In attribute values, not when a letter, digit or '=' follows (query strings stay intact).
  d = Parse("<a href=\"/p?a=1&copy=2&amp;b=3&copyx&copy\">x</a>");
  ASSERT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.links[0].href, "/p?a=1&copy=2&b=3&copyx\xC2\xA9");
}

TEST(HtmlParser, ReadsAttributesAsHtmlDoes) {
  Document d = Parse(
      "<A HREF=/one Title='single &amp; quoted'>1</A><a href=/two title=unquoted>2</a>"
      "<a href=\"/three\" href=\"/ignored\" title = \"spaced\">3</a><a href=/four/>4</a>");
  EXPECT_EQ(LinkTexts(d), (V{"/one=1", "/two=2", "/three=3", "/four/=4"}));
  d = Parse(
      "<a title=\"single &amp; quoted\"></a><a title=unquoted></a><a title = \"spaced\"></a>");
  EXPECT_EQ(LinkTexts(d), (V{"=single & quoted", "=unquoted", "=spaced"}));
}

TEST(HtmlParser, SkipsCommentsDoctypesAndBogusMarkup) {
  Document d = Parse(
      "<!DOCTYPE html><!-- a <p>comment</p> --><p>one</p><!--><p>two</p><!---><p>three</p>"
      "<!-- x --!><p>four</p><?xml x?><p>five</p><!bogus><p>six</p></ ><p>seven</p></><p>a < "
      "b</p>");
  EXPECT_EQ(Blocks(d), (V{"one", "two", "three", "four", "five", "six", "seven", "a < b"}));
}

TEST(HtmlParser, RawTextElementsEndOnlyAtTheirOwnEndTag) {
  Document d = Parse(
      "<title>A &amp; <b>B</b></title><script>if (a<b) document.write('<p>no</p></div>');</script>"
      "<style>p::after{content:'</p>'}</style><p>yes</p><textarea><p>typed &amp; "
      "kept</p></textarea>"
      "<script type=application/ld+json>{\"name\": \"</scripts> </scrip\"}</SCRIPT ><p>after</p>");
  EXPECT_EQ(d.title, "A & <b>B</b>");
  EXPECT_EQ(Blocks(d), (V{"yes", "after"}));
  ASSERT_EQ(d.json_ld.size(), 1u);
  EXPECT_EQ(d.json_ld[0], "{\"name\": \"</scripts> </scrip\"}");
}

TEST(HtmlParser, ImpliesHtmlHeadAndBody) {
  Document d = Parse("<title>T</title><meta name=description content=D>text<p>para");
  EXPECT_EQ(d.title, "T");
  EXPECT_EQ(d.Meta("description"), "D");
  EXPECT_EQ(Blocks(d), (V{"text", "para"}));
  EXPECT_EQ(d.blocks[0].tag, "body");
  // A later <html lang> still gives the page its language.
  EXPECT_EQ(Parse("<meta charset=utf-8><html lang=DE-at><p>x").lang, "de-at");
  // Head content after </head> still counts as head content.
  d = Parse("<head></head><title>Late</title><body><p>x</p>");
  EXPECT_EQ(d.title, "Late");
  EXPECT_EQ(Blocks(d), V{"x"});
}

TEST(HtmlParser, NoscriptInHeadEndsTheHeadAtTheFirstBodyElement) {
  Document d =
      Parse("<head><noscript><img src=p.gif alt=pixel></noscript><title>T</title></head><p>x</p>");
  EXPECT_EQ(d.img_alts, V{"pixel"});
  // The title now sits in the body, where HTML reads it as the title and shows its text.
  EXPECT_EQ(d.title, "T");
  EXPECT_EQ(Blocks(d), (V{"T", "x"}));
}

TEST(HtmlParser, AutoClosesParagraphsListsAndCells) {
  Document d = Parse(
      "<p>one<p>two<div>three</div><ul><li>a<li>b<ul><li>b1</ul><li>c</ul><dl><dt>t<dd>d</dl>"
      "<table><tr><td>x<td>y<tr><th>z</table><h1>h1<h2>h2</h1>after");
  EXPECT_EQ(Blocks(d), (V{"one", "two", "three", "a", "b", "b1", "c", "t", "d", "x", "y", "z", "h1",
                          "h2", "after"}));
}

TEST(HtmlParser, EndTagsCloseThroughInScopeAndNotBeyond) {
  // </header> closes the unclosed div inside it: the link after it is not in the nav.
  Document d = Parse("<header><div><a href=/in>in</a></header><a href=/out>out</a>");
  ASSERT_EQ(d.links.size(), 2u);
  EXPECT_TRUE(d.links[0].in_nav);
  EXPECT_FALSE(d.links[1].in_nav);
  // An end tag does not reach out of a table cell.
  d = Parse(
      "<footer><table><tr><td></footer><a href=/cell>c</a></td></tr></table></footer><a "
      "href=/after>a</a>");
  ASSERT_EQ(d.links.size(), 2u);
  EXPECT_TRUE(d.links[0].in_footer);
  EXPECT_FALSE(d.links[1].in_footer);
  // A stray </p> is an empty paragraph: it ends the block.
  EXPECT_EQ(Blocks(Parse("<div>one</p>two</div>")), (V{"one", "two"}));
}

TEST(HtmlParser, ReopensLinksClosedByTheirParagraph) {
  // As in browsers: the unclosed link goes on into the next paragraph.
  Document d = Parse("<p><a href=/x>link</p><p>more</p>");
  EXPECT_EQ(LinkTexts(d), (V{"/x=link", "/x=more"}));
  // An <a> inside an open <a> closes the first.
  d = Parse("<a href=/1>one<a href=/2>two</a>");
  EXPECT_EQ(LinkTexts(d), (V{"/1=one", "/2=two"}));
}

TEST(HtmlParser, TablesInsideParagraphsDependOnQuirksMode) {
  // Without a DOCTYPE (quirks mode) the table stays inside the paragraph; with one it closes it.
  EXPECT_EQ(Parse("<p>intro<table><tr><td>cell</table>").blocks.front().tag, "p");
  Document d = Parse("<!DOCTYPE html><p>intro<table><tr><td>cell</table>");
  ASSERT_EQ(d.blocks.size(), 2u);
  EXPECT_EQ(d.blocks[0].text, "intro");
  d = Parse(
      "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 "
      "Transitional//EN\"><p>intro<table><tr><td>c</table>");
  EXPECT_EQ(d.blocks.front().tag,
            "p");  // that public identifier without a system one is quirks mode too
}

TEST(HtmlParser, ForeignContentIsSkippedUntilHtmlBreaksOut) {
  Document d = Parse(
      "<svg><title>icon</title><style>.a{}</style><path d=M0/><a "
      "href=/svg-link>s</a></svg><p>after</p>"
      "<math><mi>x</mi><p>breaks out</p>");
  EXPECT_EQ(Blocks(d), (V{"after", "breaks out"}));
  EXPECT_TRUE(d.title.empty());
}

TEST(HtmlParser, SelectSwallowsAllButOptions) {
  Document d = Parse("<select><option>a<div>b</div></p><option>c</select><p>d</p>");
  EXPECT_EQ(Blocks(d), V{"d"});
}

TEST(HtmlParser, AFormEndTagEndsItsOpenParagraph) {
  // The inner <form> is ignored; </form> closes the <p> and the form, so "y" is a block of its own.
  EXPECT_EQ(Blocks(Parse("<form><form><p>x</form>y</p>")), (V{"x", "y"}));
}

TEST(HtmlParser, UnfinishedMarkupAtTheEnd) {
  EXPECT_EQ(Blocks(Parse("<p>text<a href=/x")), V{"text"});
  EXPECT_EQ(Blocks(Parse("<p>text<!-- never closed <p>hidden")), V{"text"});
  EXPECT_EQ(Blocks(Parse("<p>text<script>never closed")), V{"text"});
  EXPECT_EQ(Blocks(Parse("<p>text<")), V{"text<"});
  EXPECT_EQ(Blocks(Parse("<p>text</")), V{"text</"});
  EXPECT_EQ(Blocks(Parse("<p>text &am")), V{"text &am"});
}

TEST(HtmlParser, DepthCapKeepsTextAndLinksAndSkipsRawText) {
  std::string html;
  for (int i = 0; i < 2000; ++i) html += "<span>";
  html += "<script>var hidden = 1;</script><a href=/deep>deep link</a> tail";
  Document d = Parse(html);
  ASSERT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.links[0].text, "deep link");
  ASSERT_EQ(d.blocks.size(), 1u);
  EXPECT_EQ(d.blocks[0].text, "deep link tail");
}

TEST(HtmlParser, ByteOrderMarkAndCrLf) {
  Document d = Parse("\xEF\xBB\xBF<title>a\r\nb</title><p>x\r\ny</p>");
  EXPECT_EQ(d.title, "a b");
  EXPECT_EQ(Blocks(d), V{"x y"});
}

}  // namespace
}  // namespace trawl
