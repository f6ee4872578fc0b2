// Link ranking: which same-site links hold contact data, in several languages.
#include "crawl/page_ranker.h"

#include <gtest/gtest.h>

#include <string>

namespace trawl {
namespace {

// Bands of the scale documented in page_ranker.h.
enum class Band { kContact, kLegal, kAbout, kPeopleOrPlace, kPolicy, kOther, kSkip };

const char* BandName(Band b) {
  switch (b) {
    case Band::kContact:
      return "contact";
    case Band::kLegal:
      return "legal";
    case Band::kAbout:
      return "about";
    case Band::kPeopleOrPlace:
      return "people/place";
    case Band::kPolicy:
      return "policy";
    case Band::kOther:
      return "other";
    case Band::kSkip:
      return "skip";
  }
  return "?";
}

Band BandOf(double score) {
  if (score <= 0) return Band::kSkip;
  if (score >= 95) return Band::kContact;
  if (score >= 75) return Band::kLegal;
  if (score >= 60) return Band::kAbout;
  if (score >= 35) return Band::kPeopleOrPlace;
  if (score >= 15) return Band::kPolicy;
  return Band::kOther;
}

struct Case {
  const char* url;
  const char* text;
  Band want;
};

void ExpectBands(const Case* cases, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const Case& c = cases[i];
    double score = ContactScore(c.url, c.text);
    EXPECT_EQ(BandOf(score), c.want)
        << c.url << " \"" << c.text << "\" scored " << score << ", want " << BandName(c.want);
  }
}

TEST(ContactScore, English) {
  const Case cases[] = {
      {"https://acme.test/contact", "", Band::kContact},
      {"/contact-us/", "Contact Us", Band::kContact},
      {"https://www.acme.test/get-in-touch", "", Band::kContact},
      {"/enquiries.html", "", Band::kContact},
      {"/say-hello", "Say hello", Band::kContact},
      {"/write-to-us/", "", Band::kContact},
      {"/page-7", "CONTACT", Band::kContact},
      {"/legal-notice", "", Band::kLegal},
      {"/about-us", "", Band::kAbout},
      {"/about.html", "About", Band::kAbout},
      {"/who-we-are/", "", Band::kAbout},
      {"/legal", "Legal", Band::kLegal},
      {"/our-team", "", Band::kPeopleOrPlace},
      {"/people", "", Band::kPeopleOrPlace},
      {"/find-us", "", Band::kPeopleOrPlace},
      {"/locations/", "", Band::kPeopleOrPlace},
      {"/privacy-policy", "Privacy Policy", Band::kPolicy},
      {"/terms-and-conditions", "", Band::kPolicy},
      {"/services", "Services", Band::kOther},
      {"/gallery.html", "Gallery", Band::kOther},
      {"/", "Home", Band::kOther},
  };
  ExpectBands(cases, std::size(cases));
}

TEST(ContactScore, German) {
  const Case cases[] = {
      {"/filialen.html", "Unsere Filialen", Band::kPeopleOrPlace},
      {"/kontakt.html", "", Band::kContact},
      {"/kontaktformular/", "", Band::kContact},
      {"/impressum", "Impressum", Band::kLegal},
      {"/ueber-uns", "", Band::kAbout},
      {"/%C3%BCber-uns/", "", Band::kAbout},  // "/über-uns/" percent-encoded
      {"/\xC3\xBC"
       "ber-uns/",
       "", Band::kAbout},  // and raw
      {"/seite-3", "Über uns", Band::kAbout},
      {"/seite-3", "ÜBER UNS", Band::kAbout},
      {"/unser-team", "", Band::kPeopleOrPlace},
      {"/anfahrt", "Anfahrt", Band::kPeopleOrPlace},
      {"/datenschutz.html", "Datenschutzerklärung", Band::kPolicy},
      {"/agb", "AGB", Band::kPolicy},
      {"/leistungen", "Leistungen", Band::kOther},
      {"/aktuelles/neue-werkstatt-eroeffnet", "", Band::kSkip},
      {"/warenkorb", "", Band::kSkip},
  };
  ExpectBands(cases, std::size(cases));
}

TEST(ContactScore, French) {
  const Case cases[] = {
      {"/contactez-nous", "", Band::kContact},
      {"/nous-contacter.html", "", Band::kContact},
      {"/mentions-legales", "Mentions légales", Band::kLegal},
      {"/page/infos", "Mentions légales", Band::kLegal},
      {"/qui-sommes-nous", "", Band::kAbout},
      {"/a-propos/", "À propos", Band::kAbout},
      {"/confidentialite", "Politique de confidentialité", Band::kPolicy},
      {"/cgv", "CGV", Band::kPolicy},
      {"/devis.html", "Demander un devis", Band::kAbout},
      {"/actualites/nouveau-menu", "", Band::kSkip},
      {"/panier", "", Band::kSkip},
  };
  ExpectBands(cases, std::size(cases));
}

TEST(ContactScore, SpanishItalianDutch) {
  const Case cases[] = {
      {"/contacto", "", Band::kContact},
      {"/aviso-legal", "", Band::kLegal},
      {"/quienes-somos", "", Band::kAbout},
      {"/nosotros-1", "Quiénes somos", Band::kAbout},
      {"/privacidad", "", Band::kPolicy},
      {"/contatti", "", Band::kContact},
      {"/pagina-5", "Contattaci", Band::kContact},
      {"/note-legali", "", Band::kLegal},
      {"/chi-siamo", "Chi siamo", Band::kAbout},
      {"/contact", "Contact", Band::kContact},
      {"/colofon", "", Band::kLegal},
      {"/over-ons", "Over ons", Band::kAbout},
  };
  ExpectBands(cases, std::size(cases));
}

TEST(ContactScore, NeverWorthAFetch) {
  const Case cases[] = {
      {"/blog/2023/05/new-website", "", Band::kSkip},
      {"/2021/01/hello-world/", "Hello world!", Band::kSkip},
      {"/news/2024-03-01-open-day", "", Band::kSkip},
      {"/blog/our-new-office", "Our new office", Band::kSkip},
      {"/blog/", "Blog", Band::kSkip},
      {"/products/widget-3000", "Widget 3000", Band::kSkip},
      {"/shop/cart", "", Band::kSkip},
      {"/checkout/", "", Band::kSkip},
      {"/my-account/", "My account", Band::kSkip},
      {"/wp-admin/", "", Band::kSkip},
      {"/wp-login.php", "Log in", Band::kSkip},
      {"/feed/", "RSS", Band::kSkip},
      {"/tag/plumbing/", "plumbing", Band::kSkip},
      {"/category/news/", "", Band::kSkip},
      {"/author/admin/", "", Band::kSkip},
      {"/page/2/", "2", Band::kSkip},
      {"/blog/page/3", "Older posts", Band::kSkip},
      {"/?replytocom=123", "Reply", Band::kSkip},
      {"/contact?share=facebook", "Share", Band::kSkip},
      {"/?s=plumber", "", Band::kSkip},
      {"/search?q=contact", "", Band::kSkip},
      {"/events/calendar/", "", Band::kSkip},
      {"/print/about", "", Band::kSkip},
      {"/brochure.pdf", "Download our brochure", Band::kSkip},
      {"/images/team.jpg", "Our team", Band::kSkip},
      {"/files/price-list.zip", "", Band::kSkip},
      {"/video/tour.mp4", "", Band::kSkip},
      {"/docs/contact-form.docx", "Contact form", Band::kSkip},
      {"mailto:info@acme.test", "Email us", Band::kSkip},
      {"tel:+441234567890", "Call us", Band::kSkip},
      {"javascript:void(0)", "Contact", Band::kSkip},
      {"/services/roofing", "Read more", Band::kSkip},
  };
  ExpectBands(cases, std::size(cases));
}

TEST(ContactScore, WholeSegmentsNotWordsMarkActions) {
  // A print shop's service page and a feedback form are real pages.
  EXPECT_GT(ContactScore("/print-services", "Print services"), 0);
  EXPECT_GT(ContactScore("/feedback", "Feedback"), 0);
  EXPECT_GT(ContactScore("/accounting-services", "Accounting"), 0);
  EXPECT_GT(ContactScore("/research", ""), 0);
}

TEST(ContactScore, RanksContactAboveImpressumAboveAboutAboveServicesAboveBlog) {
  const char* ordered[] = {
      "https://acme.test/contact",
      "https://acme.test/impressum",
      "https://acme.test/about-us",
      "https://acme.test/team",
      "https://acme.test/privacy",
      "https://acme.test/services",
      "https://acme.test/blog/2024/01/winter-offers",
  };
  for (size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_GT(ContactScore(ordered[i], ""), ContactScore(ordered[i + 1], ""))
        << ordered[i] << " vs " << ordered[i + 1];
  }
}

TEST(ContactScore, PrefersShallowPathsAndAgreement) {
  EXPECT_GT(ContactScore("/contact", ""), ContactScore("/company/offices/uk/contact", ""));
  EXPECT_GT(ContactScore("/services", ""), ContactScore("/services/roofing/flat/repairs", ""));
  // A language prefix is not a level of the site.
  EXPECT_EQ(ContactScore("/en/contact", ""), ContactScore("/contact", ""));
  EXPECT_EQ(ContactScore("/de-at/kontakt", ""), ContactScore("/kontakt", ""));
  EXPECT_GT(ContactScore("/kontakt", "Kontakt"), ContactScore("/kontakt", ""));
  EXPECT_GT(ContactScore("/kontakt", ""), ContactScore("/kontakt?lang=de", ""));
}

TEST(ContactScore, LongAnchorTextCountsLess) {
  std::string teaser =
      "We are proud to announce that our team has grown again this year, so contact us for more";
  EXPECT_LT(ContactScore("/x", teaser), ContactScore("/x", "Contact us"));
}

TEST(LooksLikeHtmlUrl, FalseForKnownNonHtml) {
  struct HtmlCase {
    const char* url;
    bool html;
  } cases[] = {
      {"https://acme.test/", true},
      {"https://acme.test", true},
      {"https://acme.test/contact", true},
      {"https://acme.test/contact.html", true},
      {"https://acme.test/index.php?id=3", true},
      {"https://acme.test/default.aspx", true},
      {"/about.htm", true},
      {"/v1.2/notes", true},
      {"https://acme.test/a.pdf", false},
      {"https://acme.test/A.PDF", false},
      {"https://acme.test/a.pdf?download=1", false},
      {"https://acme.test/a.pdf#page=2", false},
      {"/img/logo.png", false},
      {"/img/photo.JPEG", false},
      {"/files/x.zip", false},
      {"/files/x.docx", false},
      {"/media/tour.mp4", false},
      {"/sitemap.xml", false},
      {"/assets/app.js", false},
      {"/assets/site.css", false},
      {"mailto:info@acme.test", false},
      {"tel:+441234567890", false},
      {"javascript:void(0)", false},
      {"data:text/html,hi", false},
      {"ftp://acme.test/x.html", false},
  };
  for (const auto& c : cases) EXPECT_EQ(LooksLikeHtmlUrl(c.url), c.html) << c.url;
}

}  // namespace
}  // namespace trawl
