// Phone extraction: tel: links, visible text, kinds from labels, and the
// numbers that look like phones but are not (company, VAT, dates, prices).
#include "extract/phones.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extract/document.h"

namespace trawl {
namespace {

Document TextPage(std::vector<std::string> texts) {
  Document doc;
  doc.url = "https://acme.test/contact";
  for (auto& t : texts) doc.blocks.push_back(TextBlock{std::move(t), "p", false});
  return doc;
}

std::string Summary(const std::vector<Phone>& phones) {
  std::string out;
  for (const Phone& p : phones) out += p.value + "|" + p.kind + "|" + p.display + ";";
  return out;
}

struct Case {
  const char* name;
  const char* region;
  const char* text;
  const char* want;  // "E164|kind|display;" for each phone, in order
};

TEST(ExtractPhones, ReadsNumbersFromVisibleText) {
  const Case cases[] = {
      {"uk landline", "GB", "Call us on 01702 547816 today", "+441702547816|phone|01702 547816;"},
      {"uk mobile by type", "GB", "Richard: 07911 123456", "+447911123456|mobile|07911 123456;"},
      {"international form", "GB", "Phone: +353 (0) 52 7443258",
       "+353527443258|phone|+353 (0) 52 7443258;"},
      {"us", "US", "Call (217) 714-7408 or 402-936-8050",
       "+12177147408|phone|(217) 714-7408;+14029368050|phone|402-936-8050;"},
      {"de impressum", "DE", "Telefon: 089 1234567 Telefax: 089 1234568",
       "+49891234567|phone|089 1234567;+49891234568|fax|089 1234568;"},
      {"fr", "FR", "Téléphone : 09 54 93 49 90 — Télécopie : 01 69 88 88 88",
       "+33954934990|phone|09 54 93 49 90;+33169888888|fax|01 69 88 88 88;"},
      {"fax right after phone", "GB", "Tel: 01702 547816 Fax: 01702 547817",
       "+441702547816|phone|01702 547816;+441702547817|fax|01702 547817;"},
      {"fax first then phone", "GB", "F: 020 7946 0018 T: 020 7946 0019",
       "+442079460018|fax|020 7946 0018;+442079460019|phone|020 7946 0019;"},
      {"fax with dot", "DE", "Tel. 089 1234567, Fax. 089 1234568",
       "+49891234567|phone|089 1234567;+49891234568|fax|089 1234568;"},
      {"mobile label on landline-looking number", "DE", "Handy: 0171 2345678",
       "+491712345678|mobile|0171 2345678;"},
      {"tel/fax shared line is a phone", "GB", "Tel/Fax: 020 7946 0018",
       "+442079460018|phone|020 7946 0018;"},
      {"company number next to phone", "GB", "Company No. 01234567 Tel: 01702 547816",
       "+441702547816|phone|01702 547816;"},
      {"same number twice keeps first display", "GB", "Call 01702 547816 or +44 1702 547816",
       "+441702547816|phone|01702 547816;"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Summary(ExtractPhones(TextPage({c.text}), c.region)), c.want) << c.name;
  }
}

TEST(ExtractPhones, NeverReturnsNumbersThatAreNotPhones) {
  const Case cases[] = {
      {"uk company number", "GB", "Company No. 01234567", ""},
      {"registered in england", "GB", "Registered in England 12345678", ""},
      {"company registration with 11 digits", "GB", "Company Registration No: 02079460018", ""},
      {"vat number", "GB", "VAT: GB 123 4567 89", ""},
      {"vat reg no that parses as a number", "GB", "VAT Reg No. 01702547816", ""},
      {"handelsregister", "DE", "Amtsgericht München HRB 123456", ""},
      {"steuernummer", "DE", "Steuernummer: 143/123/45678", ""},
      {"ust-idnr", "DE", "USt-IdNr.: DE 0891234567", ""},
      {"italian vat", "IT", "P.IVA 01234567890", ""},
      {"italian vat and fiscal code, not a fax", "IT", "P.IVA e C.F. 04729130585", ""},
      {"italian fiscal code first", "IT", "C.F./P.IVA 04729130585", ""},
      {"italian fiscal code alone", "IT", "C.F. 04729130585 – Cod. Fisc. 04729130586", ""},
      {"siret", "FR", "SIRET : 0169888888", ""},
      {"abn", "AU", "ABN 0298765432", ""},
      {"dates", "GB", "Posted 12/03/2024, updated 2024-03-12", ""},
      {"dotted date", "DE", "Stand: 12.03.2024", ""},
      {"price", "GB", "Only £1,234.56 or £1,234,567", ""},
      {"opening hours", "GB", "Mon-Fri 9:00 - 17:30, Sat 09:00-12:30", ""},
      {"postcodes", "GB", "12 High Street, Bedford MK40 1AA", ""},
      {"iban", "DE", "IBAN DE89 3704 0044 0532 0130 00", ""},
      {"account and sort code", "GB", "Sort code 12-34-56, Account 01702547816", ""},
      {"id in url", "GB", "See https://acme.test/item/02079460018?ref=44207946001", ""},
      {"id glued to letters", "GB", "Order ABC02079460018", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Summary(ExtractPhones(TextPage({c.text}), c.region)), c.want) << c.name;
  }
}

// A page of (tag, text) blocks, as the parser gives table cells and lists.
Document TaggedPage(std::vector<std::pair<std::string, std::string>> blocks) {
  Document doc;
  doc.url = "https://acme.test/kontakt";
  for (auto& [tag, text] : blocks)
    doc.blocks.push_back(TextBlock{std::move(text), std::move(tag), false});
  return doc;
}

struct BlockCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> blocks;
  const char* want;
};

TEST(ExtractPhones, LabelInTheBlockBeforeAppliesToTheValue) {
  const BlockCase cases[] = {
      {"label cell before value cell",
       {{"td", "Telefon"}, {"td", "040 6696 9555"}, {"td", "Telefax"}, {"td", "040 6696 9556"}},
       "+494066969555|phone|040 6696 9555;+494066969556|fax|040 6696 9556;"},
      {"th label", {{"th", "Fax:"}, {"td", "040 6696 9556"}}, "+494066969556|fax|040 6696 9556;"},
      {"mobile label cell",
       {{"td", "Notdienst (mobil)"}, {"td", "040 6696 9555"}},
       "+494066969555|mobile|040 6696 9555;"},
      {"definition list",
       {{"dt", "Telefax"}, {"dd", "040 6696 9556"}},
       "+494066969556|fax|040 6696 9556;"},
      {"heading that is only a label",
       {{"h4", "Fax"}, {"p", "040 6696 9556"}},
       "+494066969556|fax|040 6696 9556;"},
      {"label in the value cell wins",
       {{"td", "Telefax"}, {"td", "Tel. 040 6696 9555"}},
       "+494066969555|phone|040 6696 9555;"},
      {"reject label cell", {{"td", "Steuernummer"}, {"td", "040 6696 9555"}}, ""},
      {"header row does not label the next row",
       {{"th", "Telefon"}, {"th", "Telefax"}, {"td", "040 6696 9555"}, {"td", "040 6696 9556"}},
       "+494066969555|phone|040 6696 9555;+494066969556|phone|040 6696 9556;"},
      {"a sentence before is not a label",
       {{"p", "Our fax machine is old"}, {"p", "040 6696 9556"}},
       "+494066969556|phone|040 6696 9556;"},
      {"a value cell after a row's value is not labelled",
       {{"td", "Telefax"}, {"td", "Hamburg"}, {"td", "040 6696 9556"}},
       "+494066969556|phone|040 6696 9556;"},
  };
  for (const BlockCase& c : cases) {
    EXPECT_EQ(Summary(ExtractPhones(TaggedPage(c.blocks), "DE")), c.want) << c.name;
  }
}

TEST(ExtractPhones, TelLinksComeFirstWithTheirTextAsDisplay) {
  Document doc = TextPage({"Or write to us. Tel 01702 547816"});
  doc.links.push_back(Link{"", "tel:%2B44%207911%20123456", "Call 07911 123456", "", false, false});
  doc.links.push_back(Link{"", "tel:01702547816", "01702 547816", "", false, false});
  doc.links.push_back(Link{"", "TEL:+442079460018", "", "", false, false});  // icon-only link
  EXPECT_EQ(Summary(ExtractPhones(doc, "GB")),
            "+447911123456|mobile|07911 123456;+441702547816|phone|01702 547816;"
            "+442079460018|phone|+442079460018;");
}

TEST(ExtractPhones, TelLinkWithBrokenHrefFallsBackToItsText) {
  Document doc = TextPage({});
  doc.links.push_back(Link{"", "tel:+0169888888", "01 69 88 88 88", "", false, false});
  doc.links.push_back(Link{"", "tel:123", "Call us", "", false, false});  // neither is a number
  EXPECT_EQ(Summary(ExtractPhones(doc, "FR")), "+33169888888|phone|01 69 88 88 88;");
}

TEST(ExtractPhones, FaxLabelInTextWinsOverTelLink) {
  Document doc = TextPage({"Telefon: 089 1234567 Fax: 089 1234568"});
  doc.links.push_back(Link{"", "tel:+49891234568", "089 1234568", "", false, false});
  std::vector<Phone> phones = ExtractPhones(doc, "DE");
  ASSERT_EQ(phones.size(), 2u) << Summary(phones);
  EXPECT_EQ(phones[0].value, "+49891234568");
  EXPECT_EQ(phones[0].kind, "fax");
  EXPECT_EQ(phones[1].kind, "phone");
}

TEST(ExtractPhones, SourceIsThePageUrl) {
  std::vector<Phone> phones = ExtractPhones(TextPage({"Tel 01702 547816"}), "GB");
  ASSERT_EQ(phones.size(), 1u);
  EXPECT_EQ(phones[0].source, "https://acme.test/contact");
}

TEST(ExtractPhones, SkipsBlocksWithTooFewDigits) {
  // "999" is a valid GB emergency short code; short blocks never reach the matcher.
  EXPECT_TRUE(ExtractPhones(TextPage({"Dial 999 or 112", "Room 101"}), "GB").empty());
}

}  // namespace
}  // namespace trawl

namespace trawl {
namespace {

// Through the real parser: <br> splits lines, the tel: link and the text
// copy of the same number merge, and the fax after a <br> keeps its label.
TEST(ExtractPhonesFromHtml, FooterWithTelLinkAndFax) {
  Document doc = ParseHtml(
      "<html><body><footer><p>Tel: <a href=\"tel:+441702547816\">01702 547816</a><br>"
      "Fax: 01702 547817<br>Company No. 01234567</p></footer></body></html>",
      "https://acme.test/");
  std::vector<Phone> phones = ExtractPhones(doc, "GB");
  ASSERT_EQ(phones.size(), 2u);
  EXPECT_EQ(phones[0].value, "+441702547816");
  EXPECT_EQ(phones[0].kind, "phone");
  EXPECT_EQ(phones[1].value, "+441702547817");
  EXPECT_EQ(phones[1].kind, "fax");
}

}  // namespace
}  // namespace trawl
