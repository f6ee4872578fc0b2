// ParseHtml: what the extractors read from a page, including broken and
// hostile markup.
#include "extract/document.h"

#include <gtest/gtest.h>

#include <string>

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
      "<p>shown</p><script>hidden1()</script><noscript>hidden2</noscript><template><p>hidden3</p></template>"
      "<svg><text>hidden4</text></svg><div hidden>hidden5</div><p style=\"display: none\">hidden6</p>"
      "<select><option>hidden7</option></select></body></html>",
      "https://acme.test/");
  EXPECT_NE(FindBlock(d, "shown"), nullptr);
  for (const char* h : {"secret", "hidden1", "hidden2", "hidden3", "hidden4", "hidden5", "hidden6", "hidden7", "color"}) {
    EXPECT_EQ(FindBlock(d, h), nullptr) << h;
  }
}

TEST(ParseHtml, ResolvesLinksAgainstBaseAndKeepsRawHrefs) {
  Document d = ParseHtml(
      "<head><base href=\"https://acme.test/sub/\"></head><body>"
      "<nav><a href=\"about.html\">About  us</a></nav>"
      "<a href=\"mailto:Info@Acme.test?subject=Hi\">Mail</a><a href=\"tel:+44 1234 567890\">Call</a>"
      "<a href=\"/contact\" title=\"Contact page\"></a><a href=\"x\"><img src=l.png alt=\"Acme logo\"></a>"
      "<footer><a href=\"https://twitter.com/acme\" aria-label=\"Twitter\"><i></i></a></footer></body>",
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
  Document d = ParseHtml("<div class=\"site-Footer\"><p>© 2024 Acme</p><a href=\"/p\">Privacy</a></div><p>body</p>",
                         "https://acme.test/");
  EXPECT_TRUE(FindBlock(d, "© 2024 Acme")->in_footer);
  EXPECT_FALSE(FindBlock(d, "body")->in_footer);
  EXPECT_TRUE(FindLink(d, "/p")->in_footer);
}

TEST(ParseHtml, ReadsHeadMetaData) {
  Document d = ParseHtml(
      "<html lang=\"en-GB\"><head><title> Acme | Home </title>"
      "<meta name=\"Description\" content=\"We make widgets\"><meta property=\"og:site_name\" content=\"Acme Ltd\">"
      "<meta http-equiv=\"Refresh\" content=\"0; URL='/new/'\"><link rel=\"canonical\" href=\"/home\">"
      "<script type=\"application/ld+json\">{\"@type\":\"Organization\",\"name\":\"Acme\"}</script></head></html>",
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
      "<div itemscope itemtype=\"https://schema.org/LocalBusiness\"><span itemprop=\"name\">Acme <b>Ltd</b></span>"
      "<div itemprop=\"address\" itemscope itemtype=\"https://schema.org/PostalAddress\">"
      "<span itemprop=\"postalCode\">LS1 1AA</span><meta itemprop=\"addressCountry\" content=\"GB\"></div>"
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
      "<body><p><img src=\"team.jpg\" alt=\"Our team\"></p><header><a href=\"/\"><img src=\"a.png\" "
      "alt=\"Acme Widgets\"></a></header><img class=\"site-logo\" src=\"b.png\" alt=\"Acme\"></body>",
      "https://acme.test/");
  ASSERT_EQ(d.img_alts.size(), 3u);
  EXPECT_EQ(d.img_alts[0], "Acme Widgets");
  EXPECT_EQ(d.img_alts[1], "Acme");
  EXPECT_EQ(d.img_alts[2], "Our team");
}

TEST(ParseHtml, DecodesCloudflareEmailProtection) {
  std::string html = "<a class=\"__cf_email__\" data-cfemail=\"" + CfEncode("info@acme.test", 0x5a) +
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
      {"stray </html> in the middle", "<body><p>one</p></html><p>after end</p><a href=/z>z</a>", "after end", "/z"},
      {"unquoted attributes", "<a href=/contact class=btn>Contact</a><p>ok</p>", "Contact", "/contact"},
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

TEST(ParseHtml, SurvivesDeepUnclosedInlineNesting) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<span>";
  html += "x";
  Document d = ParseHtml(html, "https://acme.test/");
  EXPECT_NE(FindBlock(d, "x"), nullptr);
}

}  // namespace
}  // namespace trawl
