// ProfileBuilder: a small site of several pages merged into one profile.
#include "extract/extractor.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

Profile Build(std::string_view domain,
              const std::vector<std::pair<std::string, std::string>>& pages) {
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
        "<html lang=en-GB><head><title>Home | Acme Widgets</title><meta name=description "
        "content=\"Widgets made in "
        "Leeds since 1990.\"></head><body><header><img class=logo src=logo.png alt=\"Acme "
        "Widgets\"></header>"
        "<p>Email jane@acmewidgets.co.uk</p><footer><p>© 2024 Acme Widgets Ltd. All rights "
        "reserved</p>"
        "<a href=\"https://www.facebook.com/acmewidgets\">fb</a><a "
        "href=\"https://www.facebook.com/sharer/"
        "sharer.php?u=x\">share</a><p>Website by <a "
        "href=\"https://pixelworks.co.uk\">PixelWorks</a></p>"
        "<a href=\"https://twitter.com/pixelworks\">PixelWorks</a></footer></body></html>"},
       {"https://acmewidgets.co.uk/contact",
        "<title>Contact | Acme Widgets</title><a href=\"mailto:info@acmewidgets.co.uk\">mail</a>"
        "<p>Our friends: hello@pixelworks.co.uk</p><a "
        "href=\"https://www.instagram.com/acme.widgets/\">ig</a>"},
       {"https://acmewidgets.co.uk/privacy",
        "<p>Complain to casework@ico.org.uk</p><p>Or jane@acmewidgets.co.uk</p>"}});
  ASSERT_TRUE(p.company_name.has_value());
  EXPECT_EQ(p.company_name->value, "Acme Widgets Ltd");
  ASSERT_TRUE(p.description.has_value());
  EXPECT_EQ(p.description->value, "Widgets made in Leeds since 1990.");
  EXPECT_EQ(p.description->source, "https://acmewidgets.co.uk/");
  std::vector<std::string> emails;
  for (const auto& e : p.emails) emails.push_back(e.value);
  // The designer's address (credit domain) and the regulator's (privacy page) are not the
  // company's.
  EXPECT_EQ(emails, (std::vector<std::string>{"info@acmewidgets.co.uk", "jane@acmewidgets.co.uk"}));
  EXPECT_EQ(p.emails[0].source, "https://acmewidgets.co.uk/contact");
  EXPECT_EQ(p.emails[1].source, "https://acmewidgets.co.uk/");
  ASSERT_EQ(p.social.count("facebook"), 1u);
  EXPECT_EQ(p.social["facebook"].value, "https://www.facebook.com/acmewidgets");
  EXPECT_EQ(p.social["instagram"].value, "https://www.instagram.com/acme.widgets");
  EXPECT_EQ(p.social.count("twitter"), 0u);
  EXPECT_EQ(p.country, "GB");
}

// Phones and postcodes of a profile, "+E164 kind;... | postcode;...".
std::string PhonesAndPostcodes(const Profile& p) {
  std::string out;
  for (const Phone& ph : p.phones) out += ph.value + " " + ph.kind + ";";
  out += " |";
  for (const Address& a : p.addresses) out += " " + a.postcode.value_or("-") + ";";
  return out;
}

struct LegalPageCase {
  const char* name;
  const char* url;
  const char* body;  // inside <body>
  const char* want;  // PhonesAndPostcodes
};

TEST(ProfileBuilder, ThirdPartiesOnLegalPagesAreNotTheCompany) {
  const LegalPageCase cases[] = {
      {"host under its own heading", "https://acme.fr/mentions-legales/",
       "<h3>Éditeur du site</h3><p>Acme SARL<br>14 rue de la Paix, 69007 Lyon<br>Téléphone : 04 65 "
       "71 12 34</p>"
       "<h3>Hébergement</h3><p>Nuage SAS, 3 allée des Serveurs, 59100 Roubaix — Tél. 03 53 01 44 "
       "20</p>"
       "<h3>Propriété intellectuelle</h3><p>Tous droits réservés.</p>",
       "+33465711234 phone; | 69007;"},
      {"host label line inside the company's block", "https://acme.fr/mentions-legales/",
       "<p>Acme SARL, 14 rue de la Paix, 69007 Lyon — Tél. 04 65 71 12 34<br>"
       "Hébergeur : Nuage SAS<br>3 allée des Serveurs, 59100 Roubaix<br>Tél. 03 53 01 44 20<br>"
       "Directeur de la publication : Jean Acme</p>",
       "+33465711234 phone; | 69007;"},
      {"label paragraph then the host's lines", "https://acme.fr/mentions-legales/",
       "<p>Acme SARL, 14 rue de la Paix, 69007 Lyon. Tél. 04 65 71 12 34</p><p>Hébergeur :</p>"
       "<p>Nuage SAS</p><p>3 allée des Serveurs</p><p>59100 Roubaix</p><p><a "
       "href=\"tel:+33353014420\">"
       "03 53 01 44 20</a></p><h3>Crédits</h3><p>Photos : Acme</p>",
       "+33465711234 phone; | 69007;"},
      {"regulator introduced by a colon", "https://acme.de/datenschutz",
       "<p>Acme GmbH, Musterstraße 1, 80331 München, Telefon: 089 1234567</p>"
       "<h2>Beschwerderecht bei einer Aufsichtsbehörde</h2><p>Sie können sich beschweren. "
       "Zuständige "
       "Aufsichtsbehörde ist:<br>Landeszentrum für Datenschutz<br>Holstenstraße 98, 24103 Kiel<br>"
       "Telefon: 0431 9881200</p>",
       "+49891234567 phone; | 80331;"},
      {"regulator named in a sentence cuts only that line", "https://acme.de/datenschutz",
       "<p>Sie können sich bei der zuständigen Aufsichtsbehörde beschweren.<br>Acme GmbH<br>"
       "Musterstraße 1<br>80331 München<br>Telefon: 089 1234567</p>",
       "+49891234567 phone; | 80331;"},
      {"technical provider in an imprint", "https://acme.de/impressum",
       "<p>Acme GmbH<br>Musterstraße 1<br>80331 München<br>Telefon: 089 1234567</p>"
       "<p>Technischer Dienstleister: Netzwerk AG, Hostweg 2, 10115 Berlin, Telefon: 030 "
       "9876543</p>",
       "+49891234567 phone; | 80331;"},
      {"the company's own section ends the cut", "https://acme.de/impressum",
       "<p>Aufsichtsbehörde:<br>Landratsamt Kiel<br>Holstenstraße 98, 24103 Kiel<br>Telefon: 0431 "
       "9881200<br>"
       "Kontakt: Telefon 089 1234567</p>",
       "+49891234567 phone; |"},
      {"same words on a page that is not legal are kept", "https://acme.fr/contact/",
       "<h3>Hébergement</h3><p>Nuage SAS, 3 allée des Serveurs, 59100 Roubaix — Tél. 03 53 01 44 "
       "20</p>",
       "+33353014420 phone; | 59100;"},
      {"a hosting company's own imprint is kept", "https://acme-hosting.de/impressum",
       "<p>Acme Hosting GmbH<br>Musterstraße 1<br>80331 München<br>Telefon: 089 1234567</p>",
       "+49891234567 phone; | 80331;"},
  };
  for (const LegalPageCase& c : cases) {
    std::string html = std::string("<html><body>") + c.body + "</body></html>";
    std::string url = c.url;
    std::string domain = url.substr(8, url.find('/', 8) - 8);
    Profile p = Build(domain, {{c.url, html}});
    EXPECT_EQ(PhonesAndPostcodes(p), c.want) << c.name;
  }
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
