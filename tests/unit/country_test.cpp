// Country of the company and the default phone region.
#include "extract/country.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

TEST(CountryFromTld, MapsCountryCodesAndIgnoresGenericOnes) {
  const std::pair<const char*, const char*> cases[] = {
      {"acme.co.uk", "GB"}, {"acme.uk", "GB"}, {"acme.de", "DE"},     {"acme.com.au", "AU"},
      {"acme.ie", "IE"},    {"acme.fr", "FR"}, {"acme.com", ""},      {"acme.net", ""},
      {"acme.io", ""},      {"acme.co", ""},   {"acme.org.uk", "GB"}, {"acme.net.au", "AU"},
      {"acme.test", ""}};
  for (const auto& [in, want] : cases) EXPECT_EQ(CountryFromTld(in), want) << in;
}

TEST(CountryFromLang, ReadsOnlyTheRegion) {
  EXPECT_EQ(CountryFromLang("en-gb"), "GB");
  EXPECT_EQ(CountryFromLang("de_AT"), "AT");
  EXPECT_EQ(CountryFromLang("de"), "");
  EXPECT_EQ(CountryFromLang("zh-hant-tw"), "");
  EXPECT_EQ(CountryFromLang(""), "");
}

TEST(NormalizeCountry, ReadsNamesAndCodes) {
  EXPECT_EQ(NormalizeCountry("United Kingdom"), "GB");
  EXPECT_EQ(NormalizeCountry("UK"), "GB");
  EXPECT_EQ(NormalizeCountry("Deutschland"), "DE");
  EXPECT_EQ(NormalizeCountry("ie"), "IE");
  EXPECT_EQ(NormalizeCountry("Atlantis"), "");
}

TEST(CountryOfPhone, UsesTheCountryCallingCode) {
  EXPECT_EQ(CountryOfPhone("+441134960000"), "GB");
  EXPECT_EQ(CountryOfPhone("+4930123456"), "DE");
  EXPECT_EQ(CountryOfPhone("not a number"), "");
}

TEST(AddPageCountryHints, WeighsJsonLdOverLanguage) {
  Document doc = ParseHtml(
      "<html lang=en-US><script "
      "type=\"application/ld+json\">{\"@type\":\"LocalBusiness\",\"address\":"
      "{\"@type\":\"PostalAddress\",\"addressCountry\":\"IE\"}}</script><a href=\"tel:+353 1 234 "
      "5678\">call</a></html>",
      "https://acme.com/");
  CountryVotes v;
  AddPageCountryHints(doc, ParseJsonLd(doc), v);
  EXPECT_EQ(v.Best(), "IE");
  EXPECT_GT(v.WeightOf("IE"), v.WeightOf("US"));
}

TEST(DefaultPhoneRegion, FallsBackFromVotesToTldToLanguageToUs) {
  CountryVotes none;
  EXPECT_EQ(DefaultPhoneRegion(none, "acme.co.uk", ""), "GB");
  EXPECT_EQ(DefaultPhoneRegion(none, "acme.com", "de"), "DE");
  EXPECT_EQ(DefaultPhoneRegion(none, "acme.com", ""), "US");
  CountryVotes gb;
  gb.Add("GB", 4);
  EXPECT_EQ(DefaultPhoneRegion(gb, "acme.com", "en"), "GB");
}

}  // namespace
}  // namespace trawl
