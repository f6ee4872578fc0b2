// Sitemaps: what sitemap generators and hand-written files look like.
#include "crawl/sitemap.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trawl {
namespace {

using Urls = std::vector<std::string>;

TEST(ParseSitemap, ReadsTheLocsOfAUrlset) {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://acme.test/</loc><priority>1.0</priority></url>
  <url>
    <loc>
      https://acme.test/contact.html
    </loc>
    <changefreq>monthly</changefreq>
  </url>
  <url><lastmod>2024-01-01</lastmod></url>
  <url><loc>   </loc></url>
  <url><loc>https://acme.test/a?x=1&amp;y=2</loc></url>
</urlset>)";
  SitemapEntries e = ParseSitemap(xml);
  EXPECT_EQ(e.urls, (Urls{"https://acme.test/", "https://acme.test/contact.html",
                          "https://acme.test/a?x=1&y=2"}));
  EXPECT_TRUE(e.sitemaps.empty());
}

TEST(ParseSitemap, ReadsTheChildSitemapsOfAnIndex) {
  const char* xml = R"(<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://acme.test/page-sitemap.xml</loc><lastmod>2024-02-01</lastmod></sitemap>
  <sitemap><loc><![CDATA[https://acme.test/post-sitemap.xml]]></loc></sitemap>
</sitemapindex>)";
  SitemapEntries e = ParseSitemap(xml);
  EXPECT_TRUE(e.urls.empty());
  EXPECT_EQ(e.sitemaps,
            (Urls{"https://acme.test/page-sitemap.xml", "https://acme.test/post-sitemap.xml"}));
}

TEST(ParseSitemap, ToleratesPrefixesMissingNamespacesAndExtensions) {
  const char* cases[] = {
      R"(<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
           <sm:url><sm:loc>https://acme.test/x</sm:loc></sm:url></sm:urlset>)",
      R"(<urlset><url><loc>https://acme.test/x</loc></url></urlset>)",
      R"(<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
           <url><loc>https://acme.test/x</loc>
             <image:image><image:loc>https://acme.test/x.jpg</image:loc></image:image>
           </url></urlset>)",
      "\xEF\xBB\xBF<urlset><url><loc>https://acme.test/x</loc></url></urlset>",
  };
  for (const char* xml : cases) {
    EXPECT_EQ(ParseSitemap(xml).urls, (Urls{"https://acme.test/x"})) << xml;
  }
}

TEST(ParseSitemap, StopsAtTheCap) {
  std::string xml = "<urlset>";
  for (int i = 0; i < 100; ++i) {
    xml += "<url><loc>https://acme.test/p" + std::to_string(i) + "</loc></url>";
  }
  xml += "</urlset>";
  SitemapEntries e = ParseSitemap(xml, 10);
  ASSERT_EQ(e.urls.size(), 10u);
  EXPECT_EQ(e.urls.front(), "https://acme.test/p0");
  EXPECT_EQ(e.urls.back(), "https://acme.test/p9");
  EXPECT_TRUE(ParseSitemap(xml, 0).urls.empty());
}

TEST(ParseSitemap, KeepsCompleteEntriesOfATruncatedFile) {
  // The fetcher caps sitemap bodies; the cut may fall inside a <loc>.
  std::string xml =
      "<urlset><url><loc>https://acme.test/a</loc></url><url><loc>https://acme.test/b</loc>"
      "</url><url><loc>https://acme.test/contact-u";
  EXPECT_EQ(ParseSitemap(xml).urls, (Urls{"https://acme.test/a", "https://acme.test/b"}));
}

TEST(ParseSitemap, ReadsPlainTextSitemaps) {
  const char* text =
      "https://acme.test/\r\nhttps://acme.test/kontakt\n\nnot a url\n"
      "ftp://acme.test/x\nhttps://acme.test/with space\n";
  EXPECT_EQ(ParseSitemap(text).urls, (Urls{"https://acme.test/", "https://acme.test/kontakt"}));
}

TEST(ParseSitemap, GarbageYieldsNothing) {
  std::string binary;
  for (int i = 0; i < 2048; ++i) binary.push_back(static_cast<char>((i * 37 + 11) % 256));
  const std::string cases[] = {
      "",
      "   \n ",
      "<html><body><a href=\"https://acme.test/x\">404 Not Found</a></body></html>",
      "<urlset><url><loc>https://acme.test/x",  // the only entry is cut
      "<<<>>>",
      "<rss><channel><item><link>https://acme.test/x</link></item></channel></rss>",
      binary,
      std::string("\0\0\0<urlset>", 11),
  };
  for (const auto& in : cases) {
    SitemapEntries e = ParseSitemap(in);
    EXPECT_TRUE(e.urls.empty()) << in;
    EXPECT_TRUE(e.sitemaps.empty()) << in;
  }
}

}  // namespace
}  // namespace trawl
