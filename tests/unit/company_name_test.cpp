// Company name and description: which evidence wins, and how names are spelled.
#include "extract/company_name.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

TEST(CopyrightHolder, ReadsTheHolderOfCopyrightLines) {
  struct Case {
    const char* in;
    const char* want;
  };
  const Case cases[] = {
      {"© 2024 Acme Widgets Ltd. All rights reserved", "Acme Widgets Ltd"},
      {"Copyright © 2019-2024 Acme Widgets Limited | Privacy", "Acme Widgets Limited"},
      {"(c) 2023 Acme B.V. Alle Rechte vorbehalten", "Acme B.V."},
      {"© 2024 Acme Pty. Ltd.", "Acme Pty. Ltd"},
      {"© Acme GmbH 2024", "Acme GmbH"},
      {"© 2024 Acme Ltd. Registered in England No. 01234567", "Acme Ltd"},
      {"© 2024 Acme Paving Co. Website by Sitesmith Digital", "Acme Paving Co"},
      {"Copyright 2020 © www.acme.de", ""},
      {"© {{ year }} Acme", ""},
      {"No copyright here", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(CopyrightHolder(c.in), c.want) << c.in;
}

TEST(CompanyNameKey, IgnoresCaseSpacingAndLegalSuffix) {
  EXPECT_EQ(CompanyNameKey("Acme Widgets Ltd"), CompanyNameKey("ACME  widgets"));
  EXPECT_EQ(CompanyNameKey("Acme GmbH"), "acme");
  EXPECT_EQ(CompanyNameKey("Acme Pty Ltd"), "acme");
  EXPECT_NE(CompanyNameKey("Acme"), CompanyNameKey("Zenith"));
}

std::optional<Sourced> NameOf(const std::vector<std::string>& pages,
                              std::string_view domain = "acmewidgets.co.uk") {
  std::vector<NameCandidate> all;
  for (size_t i = 0; i < pages.size(); ++i) {
    Document doc = ParseHtml(pages[i], "https://acmewidgets.co.uk/p" + std::to_string(i));
    auto c = CompanyNameCandidates(doc, ParseJsonLd(doc), i == 0);
    all.insert(all.end(), c.begin(), c.end());
  }
  return ChooseCompanyName(all, domain);
}

TEST(ChooseCompanyName, WeighsTheEvidence) {
  struct Case {
    const char* name;
    std::vector<std::string> pages;
    const char* want;
  };
  const Case cases[] = {
      {"json-ld beats title",
       {"<title>Plumbers in Leeds | Best Prices</title><script type=\"application/ld+json\">"
        "{\"@type\":\"LocalBusiness\",\"name\":\"Acme Widgets\"}</script>"},
       "Acme Widgets"},
      {"legal suffix kept from copyright",
       {"<title>Home | Acme Widgets</title><footer><p>© 2024 Acme Widgets Ltd. All rights "
        "reserved</p></footer>"},
       "Acme Widgets Ltd"},
      {"generic title segments dropped",
       {"<title>Home - Acme Widgets</title>", "<title>Contact - Acme Widgets</title>"},
       "Acme Widgets"},
      {"og:site_name",
       {"<head><meta property=\"og:site_name\" content=\"Acme "
        "Widgets\"><title>Welcome</title></head>"},
       "Acme Widgets"},
      {"logo alt and domain",
       {"<title>Quality widgets since 1990</title><header><img class=logo src=l.png alt=\"Acme "
        "Widgets logo\"></header>"},
       "Acme Widgets"},
      {"designer credit does not name the company",
       {"<title>Acme Widgets</title><footer><p>© 2024 Acme Widgets Ltd</p><p>Website by "
        "PixelWorks</p></footer>"},
       "Acme Widgets Ltd"},
  };
  for (const auto& c : cases) {
    auto got = NameOf(c.pages);
    ASSERT_TRUE(got.has_value()) << c.name;
    EXPECT_EQ(got->value, c.want) << c.name;
  }
  EXPECT_FALSE(NameOf({"<p>nothing</p>"}).has_value());
}

TEST(ChooseCompanyName, ADeclaredNameIsKeptAsTextEvenWithMarkupCharacters) {
  // The site's own claim (og:site_name, JSON-LD) is reported as it is:
  // consumers show it as text. A title or heading that looks like markup is
  // taken for leftovers and ignored.
  auto declared =
      NameOf({"<head><meta property=\"og:site_name\" content=\"&lt;img src=x "
              "onerror=alert(1)&gt;\"><title>x</title></head>"});
  ASSERT_TRUE(declared.has_value());
  EXPECT_EQ(declared->value, "<img src=x onerror=alert(1)>");
  auto title_only = NameOf({"<head><title>&lt;b&gt;Acme=1&lt;/b&gt;</title></head>"});
  EXPECT_FALSE(title_only.has_value()) << title_only->value;
}

TEST(PageDescription, PrefersMetaThenFirstParagraph) {
  Document meta =
      ParseHtml("<meta name=description content=\"  We make   widgets in Leeds.  \"><p>x</p>",
                "https://a.test/");
  auto d = PageDescription(meta, {}, true);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->value, "We make widgets in Leeds.");
  std::string para(60, 'a');
  Document body =
      ParseHtml("<p>short</p><p>We make widgets. " + para + " and more words here to pass.</p>",
                "https://a.test/");
  auto b = PageDescription(body, {}, true);
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(b->value.starts_with("We make widgets."));
  EXPECT_FALSE(PageDescription(body, {}, false).has_value());
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "Widgets are great. ";
  Document big =
      ParseHtml("<meta name=description content=\"" + long_text + "\">", "https://a.test/");
  auto c = PageDescription(big, {}, true);
  ASSERT_TRUE(c.has_value());
  EXPECT_LE(c->value.size(), 300u);
  EXPECT_TRUE(c->value.ends_with("great."));
}

}  // namespace
}  // namespace trawl
