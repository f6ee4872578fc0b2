// Email extraction: what counts as the company's address, and what never does.
#include "extract/emails.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "extract/designer_credit.h"
#include "extract/jsonld.h"

namespace trawl {
namespace {

std::vector<std::string> EmailsOf(std::string_view html, std::string_view own = "acme.co.uk") {
  Document doc = ParseHtml(html, "https://acme.co.uk/contact");
  auto ld = ParseJsonLd(doc);
  auto credits = FindDesignerCredits(doc, own);
  std::vector<std::string> out;
  for (const auto& e : ExtractEmails(doc, ld, own, credits)) out.push_back(e.value);
  return out;
}

TEST(CleanEmail, AcceptsRealAddressesAndRejectsJunk) {
  struct Case {
    const char* in;
    const char* want;  // "" = rejected
  };
  const Case cases[] = {
      {"Info@Acme.CO.UK", "info@acme.co.uk"},
      {"mailto:sales@acme.com?subject=Hello%20there", "sales@acme.com"},
      {"mailto:hello%40acme.de", "hello@acme.de"},
      {"  contact@acme.fr. ", "contact@acme.fr"},
      {"jo.bloggs+web@gmail.com", "jo.bloggs+web@gmail.com"},
      {"info@acme.test", "info@acme.test"},
      {"logo@2x.png", ""},
      {"icon@3x.webp", ""},
      {"hero-image@2x.jpg", ""},
      {"bg@1.5x.svg", ""},
      {"name@example.com", ""},
      {"info@domain.com", ""},
      {"me@email.com", ""},
      {"yourname@acme.com", ""},
      {"john.doe@gmail.com", ""},
      {"info@yourdomain.co.uk", ""},
      {"abc@sentry.io", ""},
      {"8f3a1b2c4d5e6f708192a3b4c5d6e7f8@o12345.ingest.sentry.io", ""},
      {"605a7baede844d278b89dc95ae0a9123@sentry-next.wixpress.com", ""},
      {"user@acme.notatld", ""},
      {"info@acme", ""},
      {"a@@acme.com", ""},
      {"@acme.com", ""},
      {"info@acme..com", ""},
      {"in fo@acme.com", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(CleanEmail(c.in), c.want) << c.in;
}

TEST(ExtractEmails, ReadsMailtoTextCloudflareJsonLdAndMicrodata) {
  auto got = EmailsOf(
      "<a href=\"mailto:Info@Acme.co.uk?subject=x\">Email</a>"
      "<a href=\"mailto:a@acme.co.uk,b@acme.co.uk\">both</a>"
      "<p>Write to sales@acme.co.uk or call.</p>"
      "<span data-cfemail=\"5a3f342b2f3328333f291a3b39373f743935742f31\"></span>"
      "<script "
      "type=\"application/"
      "ld+json\">{\"@type\":\"Organization\",\"email\":\"mailto:ld@acme.co.uk\"}</script>"
      "<div itemscope itemtype=\"https://schema.org/Organization\"><span "
      "itemprop=\"email\">md@acme.co.uk</span></div>");
  std::vector<std::string> want = {"info@acme.co.uk",      "a@acme.co.uk",  "b@acme.co.uk",
                                   "enquiries@acme.co.uk", "ld@acme.co.uk", "md@acme.co.uk",
                                   "sales@acme.co.uk"};
  // Cloudflare's key 0x5a decodes the span above.
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST(ExtractEmails, DeobfuscatesBracketedAndSpelledOutForms) {
  struct Case {
    const char* html;
    const char* want;  // nullptr: nothing
  };
  const Case cases[] = {
      {"<p>info [at] acme [dot] co [dot] uk</p>", "info@acme.co.uk"},
      {"<p>info(at)acme(dot)co(dot)uk</p>", "info@acme.co.uk"},
      {"<p>Mail: info (at) acme.co.uk</p>", "info@acme.co.uk"},
      {"<p>info {at} acme {dot} co {dot} uk</p>", "info@acme.co.uk"},
      {"<p>info at acme dot co dot uk</p>", "info@acme.co.uk"},
      {"<p>info [AT] acme [DOT] co [DOT] uk</p>", "info@acme.co.uk"},
      {"<p>info AT acme DOT co DOT uk</p>", "info@acme.co.uk"},
      {"<p>info(@)acme.co.uk</p>", "info@acme.co.uk"},
      {"<p>Meet us at acme.co.uk for details</p>", nullptr},
      {"<p>We arrive at 9 and leave at 5.</p>", nullptr},
  };
  for (const auto& c : cases) {
    auto got = EmailsOf(c.html);
    if (c.want == nullptr) {
      EXPECT_TRUE(got.empty()) << c.html;
    } else {
      ASSERT_EQ(got.size(), 1u) << c.html;
      EXPECT_EQ(got[0], c.want) << c.html;
    }
  }
}

TEST(ExtractEmails, NeverReturnsImagesPlaceholdersOrTrackers) {
  auto got = EmailsOf(
      "<img src=\"logo@2x.png\" alt=\"logo@2x.png\"><p>logo@2x.png icon@3x.webp</p>"
      "<form><p>e.g. yourname@example.com</p><input placeholder=\"you@domain.com\"></form>"
      "<p>name@email.com</p><p>123abc@sentry.wixpress.com</p><p>a@b.c</p>");
  EXPECT_TRUE(got.empty()) << got.front();
}

TEST(ExtractEmails, SplitsAddressesRunTogetherWithTheNextWord) {
  auto got = EmailsOf("<p><span>info@acme.co.uk</span><span>Tel: 0113 496 0000</span></p>");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "info@acme.co.uk");
}

TEST(ExtractEmails, DropsTheWebDesignersAddress) {
  struct Case {
    const char* credit;
  };
  const Case cases[] = {
      {"<footer><p>Website by <a href=\"https://pixelworks.co.uk\">PixelWorks</a> "
       "hello@pixelworks.co.uk</p></footer>"},
      {"<footer><p>Designed by PixelWorks (hello@pixelworks.co.uk)</p></footer>"},
      {"<footer><p>Webdesign: PixelWorks – hello@pixelworks.co.uk</p></footer>"},
      {"<footer><p>Erstellt von PixelWorks, hello@pixelworks.co.uk</p></footer>"},
      {"<footer><p>Site réalisé par PixelWorks hello@pixelworks.co.uk</p></footer>"},
  };
  for (const auto& c : cases) {
    std::string html = std::string("<p>info@acme.co.uk</p>") + c.credit;
    auto got = EmailsOf(html);
    ASSERT_EQ(got.size(), 1u) << c.credit;
    EXPECT_EQ(got[0], "info@acme.co.uk");
  }
  // The company's own address in its own credit line stays.
  auto own = EmailsOf("<footer><p>Website by Acme (web@acme.co.uk)</p></footer>");
  ASSERT_EQ(own.size(), 1u);
}

TEST(RankEmails, OwnDomainRolesFirstThenFreeMailThenOthers) {
  std::vector<Sourced> e = {{"partner@supplier.com", ""}, {"jo@gmail.com", ""},
                            {"jane@acme.co.uk", ""},      {"noreply@acme.co.uk", ""},
                            {"sales@acme.co.uk", ""},     {"info@acme.co.uk", ""}};
  RankEmails(e, "acme.co.uk");
  std::vector<std::string> got;
  for (const auto& s : e) got.push_back(s.value);
  std::vector<std::string> want = {"info@acme.co.uk", "sales@acme.co.uk",
                                   "jane@acme.co.uk", "noreply@acme.co.uk",
                                   "jo@gmail.com",    "partner@supplier.com"};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace trawl
