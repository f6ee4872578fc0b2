// Social profile links: canonical forms, and the links that are never the company's.
#include "extract/social.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

TEST(CanonicalSocialUrl, CanonicalizesProfiles) {
  struct Case {
    const char* in;
    const char* network;
    const char* want;
  };
  const Case cases[] = {
      {"https://www.linkedin.com/company/acme-widgets/", "linkedin",
       "https://www.linkedin.com/company/acme-widgets"},
      {"http://uk.linkedin.com/company/acme/about?trk=x", "linkedin",
       "https://www.linkedin.com/company/acme"},
      {"https://linkedin.com/in/jane-doe-123", "linkedin",
       "https://www.linkedin.com/in/jane-doe-123"},
      {"https://x.com/AcmeLtd", "twitter", "https://twitter.com/AcmeLtd"},
      {"https://mobile.twitter.com/acmeltd/status/123", "twitter", "https://twitter.com/acmeltd"},
      {"https://m.facebook.com/AcmeWidgets/?ref=bookmarks", "facebook",
       "https://www.facebook.com/AcmeWidgets"},
      {"https://facebook.com/profile.php?id=61562295881078&ref=x", "facebook",
       "https://www.facebook.com/profile.php?id=61562295881078"},
      {"https://www.facebook.com/p/Clean-Sweep-100057254747399/", "facebook",
       "https://www.facebook.com/p/Clean-Sweep-100057254747399"},
      {"https://www.facebook.com/pages/Acme/123456", "facebook",
       "https://www.facebook.com/pages/Acme/123456"},
      {"https://instagram.com/acme.widgets/", "instagram",
       "https://www.instagram.com/acme.widgets"},
      {"https://www.youtube.com/@AcmeTV", "youtube", "https://www.youtube.com/@AcmeTV"},
      {"https://youtube.com/channel/UC123abc/videos", "youtube",
       "https://www.youtube.com/channel/UC123abc"},
      {"https://www.youtube.com/user/acme", "youtube", "https://www.youtube.com/user/acme"},
      {"https://github.com/acme/widgets", "github", "https://github.com/acme"},
      {"https://www.tiktok.com/@acme?lang=en", "tiktok", "https://www.tiktok.com/@acme"},
  };
  for (const auto& c : cases) {
    auto got = CanonicalSocialUrl(c.in);
    ASSERT_TRUE(got.has_value()) << c.in;
    EXPECT_EQ(got->network, c.network) << c.in;
    EXPECT_EQ(got->url, c.want) << c.in;
  }
}

TEST(CanonicalSocialUrl, RejectsShareButtonsPostsAndPlatformAccounts) {
  const char* bad[] = {
      "https://www.facebook.com/sharer/sharer.php?u=https://acme.com",
      "https://www.facebook.com/sharer.php?u=x",
      "https://www.facebook.com/tr?id=123&ev=PageView",
      "https://www.facebook.com/plugins/page.php?href=x",
      "https://www.facebook.com/dialog/share?app_id=1",
      "https://www.facebook.com/hashtag/widgets",
      "https://www.facebook.com/watch/?v=1",
      "https://www.facebook.com/policy.php",
      "https://www.facebook.com/legal/terms",
      "https://www.facebook.com/help/123",
      "https://www.facebook.com/login",
      "https://twitter.com/intent/tweet?text=x",
      "https://twitter.com/share?url=x",
      "https://x.com/intent/post",
      "https://www.linkedin.com/shareArticle?mini=true&url=x",
      "https://www.linkedin.com/sharing/share-offsite/?url=x",
      "https://pinterest.com/pin/create/button/?url=x",
      "https://www.youtube.com/watch?v=abc",
      "https://www.youtube.com/embed/abc",
      "https://www.instagram.com/p/Cx123/",
      "https://www.facebook.com/wix",
      "https://twitter.com/squarespace",
      "https://www.instagram.com/wordpress",
      "https://www.facebook.com/GoDaddy",
      "https://www.instagram.com/shopify/",
      "https://www.facebook.com/weebly",
      "https://twitter.com/jimdo",
      "https://www.facebook.com/",
      "https://acme.com/facebook",
      "mailto:x@y.com",
  };
  for (const char* b : bad) EXPECT_FALSE(CanonicalSocialUrl(b).has_value()) << b;
}

std::map<std::string, Sourced> SocialOf(std::string_view html, std::string_view own = "acme.co.uk",
                                        std::string_view name = "Acme Widgets") {
  Document doc = ParseHtml(html, "https://acme.co.uk/");
  auto ld = ParseJsonLd(doc);
  auto credits = FindDesignerCredits(doc, own);
  return ChooseSocial(ExtractSocial(doc, ld, credits), own, name, credits.domains);
}

TEST(ChooseSocial, PrefersTheHandleThatResemblesTheCompany) {
  auto got = SocialOf(
      "<p><a href=\"https://www.facebook.com/SomeChamberOfCommerce\">partner</a></p>"
      "<footer><a href=\"https://www.facebook.com/OtherThing\">x</a>"
      "<a href=\"https://www.facebook.com/acmewidgets\">us</a></footer>");
  ASSERT_EQ(got.count("facebook"), 1u);
  EXPECT_EQ(got["facebook"].value, "https://www.facebook.com/acmewidgets");
}

TEST(ChooseSocial, PrefersFooterLinksWhenNoHandleResembles) {
  auto got = SocialOf(
      "<p><a href=\"https://twitter.com/localnews\">news</a></p>"
      "<footer><a href=\"https://twitter.com/wdgt_uk\">x</a></footer>");
  EXPECT_EQ(got["twitter"].value, "https://twitter.com/wdgt_uk");
}

TEST(ChooseSocial, DropsTheDesignersAccounts) {
  auto got = SocialOf(
      "<footer><a href=\"https://www.instagram.com/acme_widgets\">ig</a>"
      "<p>Website by <a href=\"https://pixelworks.co.uk\">PixelWorks</a> "
      "<a href=\"https://www.facebook.com/pixelworksuk\">PixelWorks on Facebook</a></p></footer>"
      "<p><a href=\"https://www.linkedin.com/company/pixelworks\">our partner</a></p>");
  EXPECT_EQ(got.count("facebook"), 0u);
  EXPECT_EQ(got.count("linkedin"), 0u);
  EXPECT_EQ(got["instagram"].value, "https://www.instagram.com/acme_widgets");
}

TEST(ChooseSocial, KeepsTheCompanysIconNextToADesignerCredit) {
  auto got = SocialOf(
      "<footer><a href=\"https://www.facebook.com/acmepavingsydney\"><span>Facebook</span></a>"
      "<p>© 2024 Acme Paving Co. Website by <a href=\"https://sitesmith.example\">Sitesmith "
      "Digital</a> · "
      "<a href=\"https://www.facebook.com/sitesmithdigital\">Sitesmith on "
      "Facebook</a></p></footer>",
      "acmepaving.com.au", "Acme Paving Co");
  EXPECT_EQ(got["facebook"].value, "https://www.facebook.com/acmepavingsydney");
}

TEST(ChooseSocial, ReadsJsonLdSameAs) {
  auto got = SocialOf(
      "<script "
      "type=\"application/ld+json\">{\"@context\":\"https://"
      "schema.org\",\"@type\":\"Organization\","
      "\"sameAs\":[\"https://www.linkedin.com/company/acme\",\"https://x.com/acme\"]}</script>");
  EXPECT_EQ(got["linkedin"].value, "https://www.linkedin.com/company/acme");
  EXPECT_EQ(got["twitter"].value, "https://twitter.com/acme");
}

TEST(ChooseSocial, DeduplicatesCaseInsensitively) {
  auto got = SocialOf(
      "<a href=\"https://www.instagram.com/Acme\">a</a><a "
      "href=\"https://instagram.com/acme/\">b</a>");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got["instagram"].value, "https://www.instagram.com/Acme");
}

}  // namespace
}  // namespace trawl
