// Postal addresses: schema.org JSON-LD and microdata, and visible text
// anchored on each country's postcode format, with the look-alikes (prices,
// phone fragments, register numbers) that must not become addresses.
#include "extract/addresses.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extract/document.h"
#include "extract/postcodes.h"

namespace trawl {
namespace {

Document Page(std::vector<std::string> texts, std::string url = "https://acme.test/contact") {
  Document doc;
  doc.url = std::move(url);
  for (auto& t : texts) doc.blocks.push_back(TextBlock{std::move(t), "p", false});
  return doc;
}

std::string Texts(const std::vector<Address>& addresses) {
  std::string out;
  for (const Address& a : addresses) {
    out += (out.empty() ? "" : " / ") + a.text + " [" + a.country.value_or("?") + "]";
  }
  return out;
}

struct Case {
  const char* name;
  const char* hint;
  std::vector<std::string> blocks;
  const char* want;  // "text [country]" joined by " / "
};

TEST(ExtractAddresses, ReadsAddressesFromVisibleText) {
  const Case cases[] = {
      {"uk one line",
       "GB",
       {"Acme Ltd, 12 High Street, Bedford, MK40 1AA"},
       "12 High Street, Bedford, MK40 1AA [GB]"},
      {"uk lines in separate blocks",
       "GB",
       {"16 Cross Street", "Cheadle", "ST10 1NP"},
       "16 Cross Street, Cheadle, ST10 1NP [GB]"},
      {"uk county",
       "GB",
       {"Worth Park, Crawley, West Sussex, RH10 3DY"},
       "Worth Park, Crawley, West Sussex, RH10 3DY [GB]"},
      {"uk formats",
       "GB",
       {"1 Mill Lane, Manchester M1 1AE", "Unit 4, 7 Park Road, Croydon, CR2 6XH"},
       "1 Mill Lane, Manchester, M1 1AE [GB] / Unit 4, 7 Park Road, Croydon, CR2 6XH [GB]"},
      {"uk collapsed line",
       "GB",
       {"Visit us: 12 High Street Bedford MK40 1AA"},
       "12 High Street, Bedford, MK40 1AA [GB]"},
      {"us",
       "US",
       {"123 Main St, Springfield, IL 62704"},
       "123 Main St, Springfield, IL 62704 [US]"},
      {"us zip+4 no comma",
       "US",
       {"500 Oak Avenue", "Grand Rapids MI 49503-1234"},
       "500 Oak Avenue, Grand Rapids, MI 49503-1234 [US]"},
      {"de impressum",
       "DE",
       {"Autoreinigung Yilmaz", "Liethberg 17", "24576 Bad Bramstedt", "Telefon: 01590 8445660"},
       "Liethberg 17, 24576 Bad Bramstedt [DE]"},
      {"de one line with street word",
       "",
       {"Musterstraße 12, 80331 München"},
       "Musterstraße 12, 80331 München [DE]"},
      {"de collapsed with labels",
       "DE",
       {"Musterweg 5 60311 Frankfurt am Main Telefon: 069 1234567"},
       "Musterweg 5, 60311 Frankfurt am Main [DE]"},
      {"fr",
       "FR",
       {"12 rue de la Paix, 75008 Paris, France"},
       "12 rue de la Paix, 75008 Paris [FR]"},
      {"au",
       "AU",
       {"Level 2, 10 George St, Sydney NSW 2000"},
       "Level 2, 10 George St, Sydney, NSW 2000 [AU]"},
      {"ie eircode",
       "IE",
       {"1 Main Street, Dublin 2, D02 X285"},
       "1 Main Street, Dublin 2, D02 X285 [IE]"},
      {"nl", "NL", {"Damrak 1, 1012 AB Amsterdam"}, "Damrak 1, 1012 AB Amsterdam [NL]"},
      {"es", "ES", {"Calle Mayor 5, 28013 Madrid"}, "Calle Mayor 5, 28013 Madrid [ES]"},
      {"it with province",
       "IT",
       {"Via Roma 10, 00184 Roma (RM)"},
       "Via Roma 10, 00184 Roma (RM) [IT]"},
      {"sentence end after the town",
       "DE",
       {"Besuchen Sie uns: Am Holzhafen 7, 10245 Berlin."},
       "Am Holzhafen 7, 10245 Berlin [DE]"},
      {"comma after the town",
       "FR",
       {"12 rue de la Paix, 75008 Paris,"},
       "12 rue de la Paix, 75008 Paris [FR]"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Texts(ExtractAddresses(Page(c.blocks), c.hint)), c.want) << c.name;
  }
}

TEST(ExtractAddresses, FillsTheFields) {
  std::vector<Address> got = ExtractAddresses(Page({"123 Main St, Springfield, IL 62704"}), "US");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].street.value_or(""), "123 Main St");
  EXPECT_EQ(got[0].locality.value_or(""), "Springfield");
  EXPECT_EQ(got[0].region.value_or(""), "IL");
  EXPECT_EQ(got[0].postcode.value_or(""), "62704");
  EXPECT_EQ(got[0].country.value_or(""), "US");
  EXPECT_EQ(got[0].source, "https://acme.test/contact");
}

TEST(ExtractAddresses, IgnoresNumbersThatAreNotPostcodes) {
  const Case cases[] = {
      {"price", "DE", {"Komplettpreis 12345 Euro inkl. MwSt."}, ""},
      {"price with symbol", "FR", {"Seulement €12345 Paris compris"}, ""},
      {"phone fragment", "DE", {"Telefon 089 12345 Muster"}, ""},
      {"register number", "DE", {"Amtsgericht Berlin HRB 12345 Berlin"}, ""},
      {"five digits without context", "", {"We planted 12345 Trees last year"}, ""},
      {"five digits and a town without street or hint", "", {"Über 25000 Kunden in Berlin"}, ""},
      {"ambiguous us state without comma", "US", {"Order ID 12345 shipped"}, ""},
      {"not a uk area", "GB", {"Model QX1 2AB"}, ""},
      {"year", "DE", {"Seit 1998 in Bremen"}, ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Texts(ExtractAddresses(Page(c.blocks), c.hint)), c.want) << c.name;
  }
}

TEST(FindPostcodes, NeverMatchesInsideAStreetLine) {
  struct StreetCase {
    const char* name;
    const char* text;
    const char* want;  // postcodes joined by ';'
  };
  const StreetCase cases[] = {
      {"us house number and compass point", "4120 SE Hawthorne Blvd, Portland, OR 97214", "97214"},
      {"collapsed us line", "1234 NW Glisan St Portland, OR 97209", "97209"},
      {"compass point and avenue", "2400 NE Broadway Ave", ""},
      {"dutch postcode and town", "Damrak 1, 1012 AB Amsterdam", "1012 AB"},
      {"dutch town after a saint", "Markt 1, 4711 AB St Willebrord", "4711 AB"},
  };
  for (const StreetCase& c : cases) {
    std::string got;
    for (const PostcodeMatch& m : FindPostcodes(c.text, "", ""))
      got += (got.empty() ? "" : ";") + m.postcode;
    EXPECT_EQ(got, c.want) << c.name;
  }
}

TEST(ExtractAddresses, TldStandsInForTheHint) {
  EXPECT_EQ(Texts(ExtractAddresses(
                Page({"Hauptplatz 3", "10115 Berlin"}, "https://www.acme.de/impressum"), "")),
            "Hauptplatz 3, 10115 Berlin [DE]");
  EXPECT_EQ(Texts(ExtractAddresses(Page({"10115 Berlin"}, "https://www.acme.com/"), "")), "");
}

TEST(ExtractAddresses, ReadsJsonLdIncludingGraphsAndNesting) {
  Document doc = Page({});
  doc.json_ld.push_back(R"({"@context":"https://schema.org","@graph":[
      {"@type":"WebSite","name":"Acme"},
      {"@type":["Organization","LocalBusiness"],"name":"Acme Ltd",
       "address":{"@type":"PostalAddress","streetAddress":"12 High Street\nSuite 4",
                  "addressLocality":"Bedford","postalCode":"MK40 1AA",
                  "addressCountry":{"@type":"Country","name":"United Kingdom"}}}]})");
  doc.json_ld.push_back(R"([{"@type":"Place","address":{"streetAddress":"Musterstraße 1",
      "addressLocality":"München","postalCode":"80331","addressCountry":"DE"}}])");
  doc.json_ld.push_back("{not json");
  std::vector<Address> got = ExtractAddresses(doc, "");
  ASSERT_EQ(got.size(), 2u) << Texts(got);
  EXPECT_EQ(got[0].text, "12 High Street, Suite 4, Bedford, MK40 1AA");
  EXPECT_EQ(got[0].country.value_or(""), "GB");
  EXPECT_EQ(got[1].text, "Musterstraße 1, 80331 München");
}

TEST(ExtractAddresses, ReadsMicrodata) {
  Document doc = Page({});
  const char* type = "http://schema.org/PostalAddress";
  doc.microdata = {{type, "streetAddress", "12 rue de la Paix"},
                   {type, "postalCode", "75008"},
                   {type, "addressLocality", "Paris"},
                   {type, "addressCountry", "FR"},
                   {"http://schema.org/Organization", "name", "Acme"}};
  EXPECT_EQ(Texts(ExtractAddresses(doc, "")), "12 rue de la Paix, 75008 Paris [FR]");
}

TEST(ExtractAddresses, DeduplicatesAcrossSources) {
  Document doc =
      Page({"12 High Street, Bedford, MK40 1AA", "Find us: 12 High Street, Bedford, MK40 1AA"});
  doc.json_ld.push_back(R"({"@type":"Organization","address":{"@type":"PostalAddress",
      "streetAddress":"12 High St","postalCode":"MK40 1AA","addressLocality":"Bedford"}})");
  std::vector<Address> got = ExtractAddresses(doc, "GB");
  // Same postcode, and one street contains the other: one address, the
  // JSON-LD one, with the country the text version knew.
  ASSERT_EQ(got.size(), 1u) << Texts(got);
  EXPECT_EQ(got[0].street.value_or(""), "12 High St");
  EXPECT_EQ(got[0].country.value_or(""), "GB");
  EXPECT_EQ(Texts(ExtractAddresses(
                Page({"1 Mill Lane, Bedford, MK40 1AA", "2 Mill Lane, Bedford, MK40 1AA"}), "GB")),
            "1 Mill Lane, Bedford, MK40 1AA [GB] / 2 Mill Lane, Bedford, MK40 1AA [GB]");
}

TEST(FindPostcodes, PatternsPerCountry) {
  struct PcCase {
    const char* text;
    const char* hint;
    const char* postcode;
    const char* country;
  };
  const PcCase cases[] = {
      {"London SW1A 1AA", "", "SW1A 1AA", "GB"},    {"Birmingham B33 8TH", "", "B33 8TH", "GB"},
      {"Doncaster DN55 1PT", "", "DN55 1PT", "GB"}, {"Manchester M11AE", "", "M1 1AE", "GB"},
      {"Athlone N37 A0C4", "", "N37 A0C4", "IE"},   {"Cork A65 F4E2", "", "A65 F4E2", "IE"},
      {"Sydney NSW 2000", "", "2000", "AU"},        {"Melbourne, Victoria 3000", "", "3000", "AU"},
      {"Austin, TX 78701", "", "78701", "US"},      {"Boise, ID 83702", "", "83702", "US"},
      {"1012 AB Amsterdam", "", "1012 AB", "NL"},   {"Via Roma 1, 00184 Roma", "", "00184", "IT"},
      {"D-80331 München", "DE", "80331", "DE"},
  };
  for (const PcCase& c : cases) {
    std::vector<PostcodeMatch> got = FindPostcodes(c.text, c.hint, "");
    ASSERT_EQ(got.size(), 1u) << c.text;
    EXPECT_EQ(got[0].postcode, c.postcode) << c.text;
    EXPECT_EQ(got[0].country, c.country) << c.text;
  }
}

// The scans only try where a digit run allows a match (postcodes.cpp): the
// edges of that — start of text, spacing and '.' before a ZIP, long state
// names, several countries in one text — must still match in text order.
TEST(FindPostcodes, FindsEveryMatchWhereverItStarts) {
  struct ScanCase {
    const char* text;
    const char* hint;
    const char* want;  // "postcode/country;..."
  };
  const ScanCase cases[] = {
      {"SW1A 1AA London", "", "SW1A 1AA/GB"},
      {"M11AE", "", "M1 1AE/GB"},
      {"Boise,  ID.  83702-1234", "", "83702-1234/US"},
      {"Springfield IL\t62704", "", "62704/US"},
      {"Canberra Australian Capital Territory, 2600", "", "2600/AU"},
      {"Perth WA 6000", "", "6000/AU"},
      {"London SW1A 1AA or 1012 AB Amsterdam or Cork A65 F4E2", "",
       "SW1A 1AA/GB;1012 AB/NL;A65 F4E2/IE"},
      {"Tel 0123 45678 9012 AB", "", ""},
      {"Musterweg 5 60311 Frankfurt", "DE", "60311/DE"},
  };
  for (const ScanCase& c : cases) {
    std::string got;
    for (const PostcodeMatch& m : FindPostcodes(c.text, c.hint, "")) {
      got += (got.empty() ? "" : ";") + m.postcode + "/" + m.country;
    }
    EXPECT_EQ(got, c.want) << c.text;
  }
}

}  // namespace
}  // namespace trawl

namespace trawl {
namespace {

TEST(ExtractAddressesFromHtml, BrSeparatedLinesAndJsonLd) {
  Document doc = ParseHtml(
      "<html><head><script type=\"application/ld+json\">{\"@type\":\"LocalBusiness\",\"address\":"
      "{\"@type\":\"PostalAddress\",\"streetAddress\":\"Liethberg 17\",\"postalCode\":\"24576\","
      "\"addressLocality\":\"Bad Bramstedt\",\"addressCountry\":\"DE\"}}</script></head><body>"
      "<address>Acme Ltd<br>16 Cross Street<br>Cheadle<br>ST10 1NP</address>"
      "<p>Autoreinigung Yilmaz<br>Liethberg 17<br>24576 Bad Bramstedt</p></body></html>",
      "https://acme.test/contact");
  std::vector<Address> got = ExtractAddresses(doc, "GB");
  EXPECT_EQ(Texts(got),
            "Liethberg 17, 24576 Bad Bramstedt [DE] / 16 Cross Street, Cheadle, ST10 1NP [GB]");
}

}  // namespace
}  // namespace trawl
