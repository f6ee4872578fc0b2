// Company registration and VAT numbers: labelled patterns per country and the
// check-digit rules. Valid test numbers were made by applying each rule to
// arbitrary digits (none is knowingly a real company's); each invalid one is
// a valid one with its check digit changed.
#include "extract/company_ids.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extract/document.h"
#include "extract/vat_checksums.h"

namespace trawl {
namespace {

Document TextPage(std::vector<std::string> texts) {
  Document doc;
  doc.url = "https://acme.test/impressum";
  for (auto& t : texts) doc.blocks.push_back(TextBlock{std::move(t), "p", false});
  return doc;
}

std::string Joined(const std::vector<Sourced>& values) {
  std::string out;
  for (const Sourced& v : values) out += (out.empty() ? "" : ";") + v.value;
  return out;
}

struct CheckCase {
  const char* vat;
  bool valid;
};

// ExtractCompanyIds shares one scan for trigger words between both readers;
// it must find what each finds alone, with triggers in any case and at the
// very edges of the text.
TEST(ExtractCompanyIds, AgreesWithTheSeparateReaders) {
  const std::vector<std::vector<std::string>> pages = {
      {"COMPANY NO. 01234567", "VAT Reg No GB123456782"},
      {"Amtsgericht München HRB 123456", "USt-IdNr.: DE136695976"},
      {"SIREN 732 829 320", "TVA FR40303265045"},
      {"reg"},
      {"Nothing to see here"},
      {"ABN 51 824 753 556 and company number"},
  };
  for (const auto& texts : pages) {
    Document doc = TextPage(texts);
    CompanyIds ids = ExtractCompanyIds(doc, "");
    EXPECT_EQ(Joined(ids.numbers), Joined(ExtractCompanyNumbers(doc, ""))) << texts[0];
    EXPECT_EQ(Joined(ids.vats), Joined(ExtractVatNumbers(doc, ""))) << texts[0];
  }
  EXPECT_EQ(Joined(ExtractCompanyIds(TextPage({"COMPANY NO. 01234567"}), "").numbers), "01234567");
}

TEST(VatChecksumValid, AppliesEachCountrysRule) {
  const CheckCase cases[] = {
      {"GB123456782", true},                                // mod 97
      {"GB123456727", true},                                // mod 97 after adding 55
      {"GB123456789", false},                               // the spec's example form, wrong check
      {"GB123456783", false},    {"GB123456782001", true},  // branch suffix
      {"GB000000000", false},    {"GB12345678", false},     // too short
      {"DE123456788", true},                                // ISO 7064 MOD 11,10
      {"DE812345673", true},     {"DE123456789", false},
      {"DE012345678", false},                               // never starts with 0
      {"FR07402483812", true},                              // key from SIREN
      {"FR08402483812", false},  {"FRAB402483812", true},   // letter key: SIREN Luhn only
      {"FRAB402483813", false},  {"NL123456782B01", true},  // mod 11
      {"NL123456789B13", true},                             // 2020 mod 97
      {"NL123456783B01", false}, {"NL123456782C01", false},
      {"IE1234567T", true},      {"IE1234567FA", true},  // 2013 two-letter format
      {"IE8765432SW", true},     {"IE1234567U", false},
      {"ES12345678Z", true},                               // DNI
      {"ES12345678A", false},    {"ESB12345674", true},    // CIF, digit control
      {"ESQ2826000H", true},                               // CIF, letter control
      {"ESB12345675", false},    {"IT01234567897", true},  // Luhn
      {"IT12345678903", true},   {"IT01234567890", false},
      {"ATU12345675", true},     {"ATU12345676", false},
      {"BE0412345614", true},  // mod 97
      {"BE1234567894", true},    {"BE0412345615", false},
      {"BE2234567894", false},  // must start 0 or 1
      {"XX123", true},          // unknown country: no rule to apply
  };
  for (const CheckCase& c : cases) EXPECT_EQ(VatChecksumValid(c.vat), c.valid) << c.vat;
}

TEST(CompanyChecksums, LuhnAbnAcnAndCif) {
  EXPECT_TRUE(LuhnCheck("402483812"));
  EXPECT_FALSE(LuhnCheck("402483813"));
  EXPECT_TRUE(LuhnCheck("40248381200010"));
  EXPECT_TRUE(AbnCheck("18123456789"));
  EXPECT_TRUE(AbnCheck("80987654321"));
  EXPECT_FALSE(AbnCheck("18123456788"));
  EXPECT_TRUE(AcnCheck("123456780"));
  EXPECT_FALSE(AcnCheck("123456781"));
  EXPECT_TRUE(EsCifCheck("B12345674"));
  EXPECT_FALSE(EsCifCheck("B1234567D"));  // B takes a digit control only
  EXPECT_FALSE(EsCifCheck("12345678Z"));  // a DNI is not a CIF
}

struct ExtractCase {
  const char* name;
  const char* hint;
  const char* text;
  const char* want;  // values joined by ';', best first
};

TEST(ExtractCompanyNumbers, ReadsLabelledNumbers) {
  const ExtractCase cases[] = {
      {"uk company no", "GB", "Acme Ltd. Company No. 01234567", "01234567"},
      {"uk registered in england and wales", "GB",
       "Registered in England and Wales No. 12345678. Registered office: 1 High St", "12345678"},
      {"uk company number with letters", "GB", "Company number: SC123456", "SC123456"},
      {"uk northern ireland", "GB", "Registered in Northern Ireland NI654321", "NI654321"},
      {"uk 7 digits padded when clearly labelled", "GB", "Company Registration Number 1234567",
       "01234567"},
      {"uk spaced", "GB", "Companies House No. 0123 4567", "01234567"},
      {"uk crn", "GB", "CRN: OC301234", "OC301234"},
      {"uk reg no needs 8", "GB", "Reg. No. 09876543", "09876543"},
      {"uk reg no 7 digits not padded", "GB", "Reg. No. 1234567", ""},
      {"vat reg no is not a company number", "GB", "VAT Reg No. 12345678", ""},
      {"charity", "GB", "Registered Charity Reg. No. 12345678", ""},
      {"bare digits are nothing", "GB", "Order 01234567 shipped", ""},
      {"de handelsregister", "DE", "Amtsgericht München HRB 123456", "HRB 123456"},
      {"de hra with nr", "DE", "Registergericht: Amtsgericht Kiel, HRA Nr. 1234", "HRA 1234"},
      {"de berlin suffix", "DE", "Amtsgericht Charlottenburg HRB 98765 B", "HRB 98765 B"},
      {"de suffix is not a town", "DE", "HRB 98765 Berlin", "HRB 98765"},
      {"de vereinsregister", "DE", "Vereinsregister: Amtsgericht Bonn VR 4567", "VR 4567"},
      {"de vr without register word", "DE", "Unser VR 4567 Headset", ""},
      {"fr siren", "FR", "SIREN : 402 483 812", "SIREN 402483812"},
      {"fr siret", "FR", "SIRET 402 483 812 00010", "SIRET 40248381200010"},
      {"fr rcs", "FR", "RCS Paris B 402 483 812", "SIREN 402483812"},
      {"fr bad luhn", "FR", "SIREN 402 483 813", ""},
      {"au abn", "AU", "ABN 18 123 456 789", "ABN 18123456789"},
      {"au acn in parentheses", "AU", "Acme Pty Ltd (ACN 123 456 780)", "ACN 123456780"},
      {"au abn bad check", "AU", "ABN 18 123 456 788", ""},
      {"ie cro", "IE", "CRO No. 123456", "CRO 123456"},
      {"ie registered in ireland", "IE", "Registered in Ireland, number 654321", "CRO 654321"},
      {"nl kvk", "NL", "KvK-nummer: 12345678", "KvK 12345678"},
      {"es cif", "ES", "CIF: B-12345674", "CIF B12345674"},
      {"es cif bad control", "ES", "CIF: B12345675", ""},
      {"it rea", "IT", "R.E.A. MI-1234567", "REA MI-1234567"},
  };
  for (const ExtractCase& c : cases) {
    EXPECT_EQ(Joined(ExtractCompanyNumbers(TextPage({c.text}), c.hint)), c.want) << c.name;
  }
}

TEST(ExtractCompanyNumbers, HintedCountryComesFirstAndRepeatsCollapse) {
  Document doc = TextPage({"ABN 18 123 456 789", "Company No. 01234567", "Company No. 01234567"});
  EXPECT_EQ(Joined(ExtractCompanyNumbers(doc, "GB")), "01234567;ABN 18123456789");
  EXPECT_EQ(Joined(ExtractCompanyNumbers(doc, "AU")), "ABN 18123456789;01234567");
  EXPECT_EQ(ExtractCompanyNumbers(doc, "GB")[0].source, "https://acme.test/impressum");
}

TEST(ExtractVatNumbers, ReadsNumbersThatPassTheirCheck) {
  const ExtractCase cases[] = {
      {"gb spaced", "GB", "VAT: GB 123 4567 82", "GB123456782"},
      {"gb wrong check rejected", "GB", "VAT: GB 123 4567 89", ""},
      {"gb unprefixed labelled with gb hint", "GB", "VAT Reg No: 123 4567 82", "GB123456782"},
      {"gb unprefixed needs the hint", "", "VAT Reg No: 123 4567 82", ""},
      {"gb unprefixed followed by more digits", "GB", "VAT No 123 4567 82 12 High Street",
       "GB123456782"},
      {"de ust-idnr", "DE", "USt-IdNr.: DE 123 456 788", "DE123456788"},
      {"de unprefixed ust-idnr", "", "USt-IdNr. 123456788", "DE123456788"},
      {"de wrong check", "DE", "USt-IdNr.: DE123456789", ""},
      {"fr tva", "FR", "N° TVA intracommunautaire : FR 07 402 483 812", "FR07402483812"},
      {"nl btw", "NL", "BTW-nummer: NL123456782B01", "NL123456782B01"},
      {"ie", "IE", "VAT No. IE1234567T", "IE1234567T"},
      {"es", "ES", "NIF-IVA: ESB12345674", "ESB12345674"},
      {"it partita iva", "IT", "P.IVA 01234567897", "IT01234567897"},
      {"it prefixed", "IT", "Partita IVA: IT 01234567897", "IT01234567897"},
      {"it wrong check", "IT", "P.IVA 01234567890", ""},
      {"it partita iva and codice fiscale share one number", "IT", "P.IVA e C.F. 01234567897",
       "IT01234567897"},
      {"it p.iva/c.f.", "IT", "P.IVA/C.F.: 01234567897 – REA MI-1234567", "IT01234567897"},
      {"it partita iva e codice fiscale", "IT", "Partita IVA e Codice Fiscale 01234567897",
       "IT01234567897"},
      {"ie unprefixed labelled with ie hint", "IE", "VAT reg. 1234567T", "IE1234567T"},
      {"ie unprefixed 2013 form", "IE", "VAT No: 1234567FA", "IE1234567FA"},
      {"ie unprefixed wrong check letter", "IE", "VAT reg. 1234567A", ""},
      {"ie unprefixed needs the hint", "GB", "VAT reg. 1234567T", ""},
      {"at uid", "AT", "UID: ATU12345675", "ATU12345675"},
      {"be", "BE", "BTW BE 0412.345.614", "BE0412345614"},
      {"abn is not vat", "AU", "ABN 18 123 456 789", ""},
      {"iban is not vat", "DE", "IBAN DE89370400440532013000", ""},
  };
  for (const ExtractCase& c : cases) {
    EXPECT_EQ(Joined(ExtractVatNumbers(TextPage({c.text}), c.hint)), c.want) << c.name;
  }
}

TEST(ExtractVatNumbers, ReadsSchemaOrgVatId) {
  Document doc = TextPage({});
  doc.json_ld.push_back(R"({"@type":"Organization","name":"Acme","vatID":"GB123456782"})");
  doc.microdata.push_back(MicrodataProp{"https://schema.org/Organization", "vatID", "DE123456788"});
  EXPECT_EQ(Joined(ExtractVatNumbers(doc, "GB")), "GB123456782;DE123456788");
}

}  // namespace
}  // namespace trawl

namespace trawl {
namespace {

TEST(ExtractCompanyIdsFromHtml, ImpressumAndUkFooter) {
  Document de = ParseHtml(
      "<html><body><h2>Impressum</h2><p>Registergericht: Amtsgericht München<br>Registernummer: "
      "HRB 123456<br>"
      "Umsatzsteuer-Identifikationsnummer: DE 123 456 788</p></body></html>",
      "https://acme.de/impressum");
  EXPECT_EQ(Joined(ExtractCompanyNumbers(de, "DE")), "HRB 123456");
  EXPECT_EQ(Joined(ExtractVatNumbers(de, "DE")), "DE123456788");
  Document uk = ParseHtml(
      "<html><body><footer><p>Company number</p><p>01234567</p><p>VAT Reg No: 123 4567 "
      "82</p></footer></body></html>",
      "https://acme.co.uk/");
  EXPECT_EQ(Joined(ExtractCompanyNumbers(uk, "GB")),
            "01234567");  // label and number in separate blocks
  EXPECT_EQ(Joined(ExtractVatNumbers(uk, "GB")), "GB123456782");
}

}  // namespace
}  // namespace trawl
