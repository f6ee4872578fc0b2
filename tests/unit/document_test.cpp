// ParseHtml: what the extractors read from a page, including broken and
// hostile markup.
#include "extract/document.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace trawl {
namespace {

const TextBlock* FindBlock(const Document& d, std::string_view needle) {
  for (const auto& b : d.blocks) {
    if (b.text.find(needle) != std::string::npos) return &b;
  }
  return nullptr;
}

const Link* FindLink(const Document& d, std::string_view href) {
  for (const auto& l : d.links) {
    if (l.href == href) return &l;
  }
  return nullptr;
}

std::string CfEncode(std::string_view email, unsigned char key) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  auto put = [&](unsigned char b) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  };
  put(key);
  for (char c : email) put(static_cast<unsigned char>(c) ^ key);
  return out;
}

TEST(ParseHtml, SplitsBlocksAndKeepsBrLinesTogether) {
  Document d = ParseHtml(
      "<body><h1>Acme  Widgets</h1><p>We make\n   widgets.</p>"
      "<address>1 High Street<br>Leeds<br/>LS1 1AA</address><div>Call <b>us</b> today</div></body>",
      "https://acme.test/");
  ASSERT_NE(FindBlock(d, "Acme Widgets"), nullptr);
  EXPECT_EQ(FindBlock(d, "Acme Widgets")->tag, "h1");
  EXPECT_NE(FindBlock(d, "We make widgets."), nullptr);
  const TextBlock* addr = FindBlock(d, "High Street");
  ASSERT_NE(addr, nullptr);
  EXPECT_EQ(addr->text, "1 High Street\nLeeds\nLS1 1AA");
  EXPECT_EQ(addr->tag, "address");
  EXPECT_NE(FindBlock(d, "Call us today"), nullptr);
  EXPECT_EQ(FindBlock(d, "We make")->text.find("High Street"), std::string::npos);
}

TEST(ParseHtml, SkipsInvisibleContent) {
  Document d = ParseHtml(
      "<html><head><style>.x{color:red}</style><script>var secret='s@x.com';</script></head><body>"
      "<p>shown</p><script>hidden1()</script><noscript>hidden2</noscript><template><p>hidden3</p></"
      "template>"
      "<svg><text>hidden4</text></svg><div hidden>hidden5</div><p style=\"display: "
      "none\">hidden6</p>"
      "<select><option>hidden7</option></select></body></html>",
      "https://acme.test/");
  EXPECT_NE(FindBlock(d, "shown"), nullptr);
  for (const char* h : {"secret", "hidden1", "hidden2", "hidden3", "hidden4", "hidden5", "hidden6",
                        "hidden7", "color"}) {
    EXPECT_EQ(FindBlock(d, h), nullptr) << h;
  }
}

TEST(ParseHtml, ResolvesLinksAgainstBaseAndKeepsRawHrefs) {
  Document d = ParseHtml(
      "<head><base href=\"https://acme.test/sub/\"></head><body>"
      "<nav><a href=\"about.html\">About  us</a></nav>"
      "<a href=\"mailto:Info@Acme.test?subject=Hi\">Mail</a><a href=\"tel:+44 1234 "
      "567890\">Call</a>"
      "<a href=\"/contact\" title=\"Contact page\"></a><a href=\"x\"><img src=l.png alt=\"Acme "
      "logo\"></a>"
      "<footer><a href=\"https://twitter.com/acme\" "
      "aria-label=\"Twitter\"><i></i></a></footer></body>",
      "https://acme.test/index.html");
  EXPECT_EQ(d.base_url, "https://acme.test/sub/");
  const Link* about = FindLink(d, "about.html");
  ASSERT_NE(about, nullptr);
  EXPECT_EQ(about->url, "https://acme.test/sub/about.html");
  EXPECT_EQ(about->text, "About us");
  EXPECT_TRUE(about->in_nav);
  EXPECT_FALSE(about->in_footer);
  const Link* mail = FindLink(d, "mailto:Info@Acme.test?subject=Hi");
  ASSERT_NE(mail, nullptr);
  EXPECT_EQ(mail->url, "");
  ASSERT_NE(FindLink(d, "tel:+44 1234 567890"), nullptr);
  EXPECT_EQ(FindLink(d, "/contact")->text, "Contact page");
  EXPECT_EQ(FindLink(d, "/contact")->url, "https://acme.test/contact");
  EXPECT_EQ(FindLink(d, "x")->text, "Acme logo");
  const Link* tw = FindLink(d, "https://twitter.com/acme");
  ASSERT_NE(tw, nullptr);
  EXPECT_TRUE(tw->in_footer);
  EXPECT_EQ(tw->text, "Twitter");
}

TEST(ParseHtml, FooterByClassMarksBlocksAndLinks) {
  Document d = ParseHtml(
      "<div class=\"site-Footer\"><p>© 2024 Acme</p><a href=\"/p\">Privacy</a></div><p>body</p>",
      "https://acme.test/");
  EXPECT_TRUE(FindBlock(d, "© 2024 Acme")->in_footer);
  EXPECT_FALSE(FindBlock(d, "body")->in_footer);
  EXPECT_TRUE(FindLink(d, "/p")->in_footer);
}

TEST(ParseHtml, ReadsHeadMetaData) {
  Document d = ParseHtml(
      "<html lang=\"en-GB\"><head><title> Acme | Home </title>"
      "<meta name=\"Description\" content=\"We make widgets\"><meta property=\"og:site_name\" "
      "content=\"Acme Ltd\">"
      "<meta http-equiv=\"Refresh\" content=\"0; URL='/new/'\"><link rel=\"canonical\" "
      "href=\"/home\">"
      "<script "
      "type=\"application/ld+json\">{\"@type\":\"Organization\",\"name\":\"Acme\"}</script></"
      "head></html>",
      "https://acme.test/");
  EXPECT_EQ(d.lang, "en-gb");
  EXPECT_EQ(d.title, "Acme | Home");
  EXPECT_EQ(d.Meta("description"), "We make widgets");
  EXPECT_EQ(d.Meta("og:site_name"), "Acme Ltd");
  EXPECT_EQ(d.Meta("missing"), "");
  EXPECT_EQ(d.meta_refresh, "https://acme.test/new/");
  EXPECT_EQ(d.canonical, "https://acme.test/home");
  ASSERT_EQ(d.json_ld.size(), 1u);
  EXPECT_NE(d.json_ld[0].find("Organization"), std::string::npos);
}

TEST(ParseHtml, ReadsMicrodataWithItsScopeType) {
  Document d = ParseHtml(
      "<div itemscope itemtype=\"https://schema.org/LocalBusiness\"><span itemprop=\"name\">Acme "
      "<b>Ltd</b></span>"
      "<div itemprop=\"address\" itemscope itemtype=\"https://schema.org/PostalAddress\">"
      "<span itemprop=\"postalCode\">LS1 1AA</span><meta itemprop=\"addressCountry\" "
      "content=\"GB\"></div>"
      "<a itemprop=\"sameAs\" href=\"https://facebook.com/acme\">fb</a></div>",
      "https://acme.test/");
  auto find = [&](std::string_view prop) -> const MicrodataProp* {
    for (const auto& p : d.microdata) {
      if (p.prop == prop) return &p;
    }
    return nullptr;
  };
  ASSERT_NE(find("name"), nullptr);
  EXPECT_EQ(find("name")->value, "Acme Ltd");
  EXPECT_EQ(find("name")->itemtype, "https://schema.org/LocalBusiness");
  EXPECT_EQ(find("postalCode")->value, "LS1 1AA");
  EXPECT_EQ(find("postalCode")->itemtype, "https://schema.org/PostalAddress");
  EXPECT_EQ(find("addressCountry")->value, "GB");
  EXPECT_EQ(find("sameAs")->value, "https://facebook.com/acme");
  EXPECT_EQ(find("sameAs")->itemtype, "https://schema.org/LocalBusiness");
}

TEST(ParseHtml, PutsLogoAltsFirst) {
  Document d = ParseHtml(
      "<body><p><img src=\"team.jpg\" alt=\"Our team\"></p><header><a href=\"/\"><img "
      "src=\"a.png\" "
      "alt=\"Acme Widgets\"></a></header><img class=\"site-logo\" src=\"b.png\" "
      "alt=\"Acme\"></body>",
      "https://acme.test/");
  ASSERT_EQ(d.img_alts.size(), 3u);
  EXPECT_EQ(d.img_alts[0], "Acme Widgets");
  EXPECT_EQ(d.img_alts[1], "Acme");
  EXPECT_EQ(d.img_alts[2], "Our team");
}

TEST(ParseHtml, DecodesCloudflareEmailProtection) {
  std::string html =
      "<a class=\"__cf_email__\" data-cfemail=\"" + CfEncode("info@acme.test", 0x5a) +
      "\">[email&#160;protected]</a><a href=\"/cdn-cgi/l/email-protection#" +
      CfEncode("sales@acme.test", 0x13) + "\">mail</a><span data-cfemail=\"zz\"></span>";
  Document d = ParseHtml(html, "https://acme.test/");
  ASSERT_EQ(d.cf_emails.size(), 2u);
  EXPECT_EQ(d.cf_emails[0], "info@acme.test");
  EXPECT_EQ(d.cf_emails[1], "sales@acme.test");
}

TEST(ParseHtml, RecoversFromBrokenMarkup) {
  struct Case {
    const char* name;
    std::string html;
    const char* text;
    const char* link;  // href that must be found, or nullptr
  };
  const Case cases[] = {
      {"unclosed tags", "<div><p>first<p>second <a href=/x>link", "second", "/x"},
      {"misnested", "<p><b><i>bold</b> italic</i></p><a href=/y>y</a>", "italic", "/y"},
      {"stray </html> in the middle", "<body><p>one</p></html><p>after end</p><a href=/z>z</a>",
       "after end", "/z"},
      {"unquoted attributes", "<a href=/contact class=btn>Contact</a><p>ok</p>", "Contact",
       "/contact"},
      {"invalid UTF-8", std::string("<p>caf\xC3 \xFF\xFE ok</p><a href=\"/u\">u</a>"), "ok", "/u"},
      {"no html at all", "just text, no tags", "just text", nullptr},
      {"empty", "", nullptr, nullptr},
  };
  for (const auto& c : cases) {
    Document d = ParseHtml(c.html, "https://acme.test/");
    if (c.text != nullptr) {
      EXPECT_NE(FindBlock(d, c.text), nullptr) << c.name;
    }
    if (c.link != nullptr) {
      EXPECT_NE(FindLink(d, c.link), nullptr) << c.name;
    }
  }
}

TEST(ParseHtml, SurvivesDeepNesting) {
  constexpr int kDepth = 100000;
  std::string html;
  html.reserve(kDepth * 11 + 64);
  for (int i = 0; i < kDepth; ++i) html += "<div>";
  html += "<p>deep <a href=\"/deep\">link</a></p>";
  for (int i = 0; i < kDepth; ++i) html += "</div>";
  html += "<p>after</p>";
  Document d = ParseHtml(html, "https://acme.test/");
  EXPECT_NE(FindBlock(d, "deep"), nullptr);
  EXPECT_NE(FindBlock(d, "after"), nullptr);
  EXPECT_NE(FindLink(d, "/deep"), nullptr);
}

TEST(ParseHtml, FindsTheInnermostEmailOfAVeryDeepPage) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "<p>Write to info@acme.test</p>";
  for (int i = 0; i < 100000; ++i) html += "</div>";
  Document d = ParseHtml(html, "https://acme.test/");
  EXPECT_NE(FindBlock(d, "info@acme.test"), nullptr);
}

// Unflattened, libxml2 searches its whole stack of open names for each
// mismatched end tag: this page took 110 s before the depth cap.
TEST(ParseHtml, SurvivesDeepNestingClosedByMismatchedEndTags) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<span>";
  html += "<p>inner</p>";
  for (int i = 0; i < 100000; ++i) html += "</div>";
  html += "<p>after</p>";
  Document d = ParseHtml(html, "https://acme.test/");
  EXPECT_NE(FindBlock(d, "inner"), nullptr);
  EXPECT_NE(FindBlock(d, "after"), nullptr);
}

TEST(ParseHtml, ScriptsBeyondTheDepthCapStayClosed) {
  // The flattener skips raw-text bodies; their end tags must not count as closing nesting.
  for (int depth : {10, 600}) {
    std::string html;
    for (int i = 0; i < depth; ++i) html += "<div>";
    html += "<script>var a = 1;</script><style>p{}</style><p>inside</p>";
    for (int i = 0; i < depth; ++i) html += "</div>";
    html += "<p>after</p>";
    Document d = ParseHtml(html, "https://acme.test/");
    EXPECT_NE(FindBlock(d, "inside"), nullptr) << depth;
    EXPECT_NE(FindBlock(d, "after"), nullptr) << depth;
    EXPECT_EQ(FindBlock(d, "var a"), nullptr) << depth;
  }
}

TEST(ParseHtml, DecodesCharacterReferencesLikeABrowser) {
  struct Case {
    const char* html;
    const char* text;  // expected text of the only block
  };
  const Case cases[] = {
      {"<p>Smith &amp; Sons</p>", "Smith & Sons"},
      {"<p>&lt;b&gt; &quot;q&quot; &#169; &#x2019;</p>", "<b> \"q\" \xC2\xA9 \xE2\x80\x99"},
      {"<p>a&nbsp;&nbsp;b</p>", "a b"},
      {"<p>Banking &amp financial</p>", "Banking & financial"},  // legacy entity, no ';'
      {"<p>&copy 2024 Acme</p>", "\xC2\xA9 2024 Acme"},
      {"<p>&copy2024</p>",
       "\xC2\xA9"
       "2024"},  // longest legacy prefix
      {"<p>AT&T and R&D</p>", "AT&T and R&D"},
      {"<p>&foo; &bogus</p>", "&foo; &bogus"},  // unknown: kept as written
      {"<p>it&#146;s</p>", "it\xE2\x80\x99s"},  // Windows-1252 meaning of 146
      {"<p>a &amp;copy b</p>", "a &copy b"},
  };
  for (const auto& c : cases) {
    Document d = ParseHtml(c.html, "https://acme.test/");
    ASSERT_EQ(d.blocks.size(), 1u) << c.html;
    EXPECT_EQ(d.blocks[0].text, c.text) << c.html;
  }
}

TEST(ParseHtml, DecodesCharacterReferencesInAttributes) {
  Document d = ParseHtml(
      "<a href=\"/p?a=1&amp;b=2&copy=3\" title=\"Tom &amp; Jerry &#8211; &quot;TJ&quot;\"></a>",
      "https://acme.test/");
  ASSERT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.links[0].href, "/p?a=1&b=2&copy=3");  // "&copy=" is a query parameter, not ©
  EXPECT_EQ(d.links[0].text, "Tom & Jerry \xE2\x80\x93 \"TJ\"");
}

TEST(ParseHtml, KeepsUtf8WhateverTheMetaCharsetSays) {
  // The fetcher has already converted the page; a stale <meta charset> must not re-decode it.
  Document d = ParseHtml(
      "<head><meta charset=\"iso-8859-1\"><title>Caf\xC3\xA9</title></head><p>na\xC3\xAFve</p>",
      "https://acme.test/");
  EXPECT_EQ(d.title, "Caf\xC3\xA9");
  EXPECT_NE(FindBlock(d, "na\xC3\xAFve"), nullptr);
}

TEST(ParseHtml, InvalidBytesDoNotGarbleTheRestOfThePage) {
  using namespace std::string_literals;  // the page holds a NUL byte
  Document d =
      ParseHtml("<p>bad \xFF\xC3 byte</p><p>Caf\xC3\xA9 M\xC3\xBCller</p><p>nul\0here</p>"s,
                "https://acme.test/");
  EXPECT_NE(FindBlock(d, "bad \xEF\xBF\xBD"), nullptr);
  EXPECT_NE(FindBlock(d, "Caf\xC3\xA9 M\xC3\xBCller"), nullptr);
  EXPECT_NE(FindBlock(d, "nulhere"), nullptr);
}

TEST(ParseHtml, EndTagClosesUnclosedBlocksInside) {
  // HTML 4 parsers leave <header> open here (a <div> inside is unclosed), which would put
  // the whole page "in_nav"; browsers close both.
  Document d = ParseHtml(
      "<header><div class=hero><a href=\"/in\">in</a></header><section><p>body</p><a "
      "href=\"/out\">out</a>"
      "</section><footer><div><p>\xC2\xA9 Acme</footer><p>after footer</p>",
      "https://acme.test/");
  ASSERT_NE(FindLink(d, "/in"), nullptr);
  EXPECT_TRUE(FindLink(d, "/in")->in_nav);
  ASSERT_NE(FindLink(d, "/out"), nullptr);
  EXPECT_FALSE(FindLink(d, "/out")->in_nav);
  EXPECT_TRUE(FindBlock(d, "Acme")->in_footer);
  EXPECT_FALSE(FindBlock(d, "after footer")->in_footer);
}

TEST(ParseHtml, ScriptBodiesAreRawAndNotVisible) {
  Document d = ParseHtml(
      "<script type=\"application/ld+json\">\r\n{\"name\": \"A &amp; B </div> <p>\"}\r\n</script>"
      "<script>document.write('<p>fake@x.test</p>')</script><p>real</p>",
      "https://acme.test/");
  ASSERT_EQ(d.json_ld.size(), 1u);
  EXPECT_EQ(d.json_ld[0], "\n{\"name\": \"A &amp; B </div> <p>\"}\n");
  EXPECT_EQ(FindBlock(d, "fake"), nullptr);
  EXPECT_NE(FindBlock(d, "real"), nullptr);
}

TEST(ParseHtml, IsSafeToCallFromSeveralThreads) {
  std::string html = "<html lang=en><title>T</title><body>";
  for (int i = 0; i < 200; ++i) {
    html += "<div class=footer><p>Block " + std::to_string(i) + " &amp; more</p><a href=\"/p" +
            std::to_string(i) + "\">link</a></div>";
  }
  const Document reference = ParseHtml(html, "https://acme.test/");
  ASSERT_EQ(reference.links.size(), 200u);
  std::vector<int> same(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Document d = ParseHtml(html, "https://acme.test/");
        if (d.blocks.size() == reference.blocks.size() &&
            d.links.size() == reference.links.size() &&
            d.blocks.back().text == reference.blocks.back().text && d.title == reference.title) {
          ++same[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(same[t], 50) << "thread " << t;
}

TEST(ParseHtml, SurvivesDeepUnclosedInlineNesting) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<span>";
  html += "x";
  Document d = ParseHtml(html, "https://acme.test/");
  EXPECT_NE(FindBlock(d, "x"), nullptr);
}

}  // namespace
}  // namespace trawl
