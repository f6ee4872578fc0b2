// ProfileBuilder: a small site of several pages merged into one profile.
#include "extract/extractor.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

Profile Build(std::string_view domain, const std::vector<std::pair<std::string, std::string>>& pages) {
  ProfileBuilder b{std::string(domain)};
  for (const auto& [url, html] : pages) b.AddPage(ParseHtml(html, url));
  Profile p;
  p.domain = std::string(domain);
  b.Finish(p);
  return p;
}

TEST(ProfileBuilder, MergesPagesIntoOneProfile) {
  Profile p = Build(
      "acmewidgets.co.uk",
      {{"https://acmewidgets.co.uk/",
        "<html lang=en-GB><head><title>Home | Acme Widgets</title><meta name=description content=\"Widgets made in "
        "Leeds since 1990.\"></head><body><header><img class=logo src=logo.png alt=\"Acme Widgets\"></header>"
        "<p>Email jane@acmewidgets.co.uk</p><footer><p>© 2024 Acme Widgets Ltd. All rights reserved</p>"
        "<a href=\"https://www.facebook.com/acmewidgets\">fb</a><a href=\"https://www.facebook.com/sharer/"
        "sharer.php?u=x\">share</a><p>Website by <a href=\"https://pixelworks.co.uk\">PixelWorks</a></p>"
        "<a href=\"https://twitter.com/pixelworks\">PixelWorks</a></footer></body></html>"},
       {"https://acmewidgets.co.uk/contact",
        "<title>Contact | Acme Widgets</title><a href=\"mailto:info@acmewidgets.co.uk\">mail</a>"
        "<p>Our friends: hello@pixelworks.co.uk</p><a href=\"https://www.instagram.com/acme.widgets/\">ig</a>"},
       {"https://acmewidgets.co.uk/privacy",
        "<p>Complain to casework@ico.org.uk</p><p>Or jane@acmewidgets.co.uk</p>"}});
  ASSERT_TRUE(p.company_name.has_value());
  EXPECT_EQ(p.company_name->value, "Acme Widgets Ltd");
  ASSERT_TRUE(p.description.has_value());
  EXPECT_EQ(p.description->value, "Widgets made in Leeds since 1990.");
  EXPECT_EQ(p.description->source, "https://acmewidgets.co.uk/");
  std::vector<std::string> emails;
  for (const auto& e : p.emails) emails.push_back(e.value);
  // The designer's address (credit domain) and the regulator's (privacy page) are not the company's.
  EXPECT_EQ(emails, (std::vector<std::string>{"info@acmewidgets.co.uk", "jane@acmewidgets.co.uk"}));
  EXPECT_EQ(p.emails[0].source, "https://acmewidgets.co.uk/contact");
  EXPECT_EQ(p.emails[1].source, "https://acmewidgets.co.uk/");
  ASSERT_EQ(p.social.count("facebook"), 1u);
  EXPECT_EQ(p.social["facebook"].value, "https://www.facebook.com/acmewidgets");
  EXPECT_EQ(p.social["instagram"].value, "https://www.instagram.com/acme.widgets");
  EXPECT_EQ(p.social.count("twitter"), 0u);
  EXPECT_EQ(p.country, "GB");
}

TEST(ProfileBuilder, EmptySiteGivesAnEmptyProfile) {
  Profile p = Build("nothing.com", {{"https://nothing.com/", ""}});
  EXPECT_FALSE(p.company_name.has_value());
  EXPECT_TRUE(p.emails.empty());
  EXPECT_TRUE(p.social.empty());
  EXPECT_FALSE(p.country.has_value());
}

}  // namespace
}  // namespace trawl
