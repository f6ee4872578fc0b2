// Ranks same-site links by how likely the page holds contact data (address,
// phone, email, company number), so a crawl capped at a few pages reads the
// right ones. Pure functions on their arguments; thread-safe; no state.
//
// The scale of ContactScore (higher = fetch sooner; ≤ 0 = don't fetch):
//   100  contact pages        contact, kontakt, contacto, contatti, nous-contacter, get in touch
//    95  enquiry pages        enquiries, inquiry (mostly contact forms)
//    85  legal-notice pages   impressum, imprint, mentions-legales, aviso-legal, note-legali,
//                             legal notice, colofon (the law puts the address and numbers here)
//    76  legal                "legal" alone
//    70  about pages          about(-us), über uns, qui sommes nous, à propos, quiénes somos,
//                             chi siamo, over ons, who we are
//    60  quote requests       devis, quote, presupuesto, preventivo, offerte
//    55  disclaimer, company  disclaimer, unternehmen, company
//    50  team pages           team, people, staff, mitarbeiter, équipe
//    45  location pages       locations, find us, anfahrt, directions, standort
//    25  privacy pages        privacy, datenschutz, confidentialité, privacidad (often name the
//                             data controller with address and company number)
//    20  terms pages          terms, agb, cgv, conditions
//    12  any other page       services, products overview, gallery …
//  +3 when URL and link text agree; −2 per path segment past the first
//  (a leading language segment such as /en/ or /de-at/ is free); −3 for a
//  query string; −15 for the index of a blog/news/shop section, −60 for a
//  page inside one (a post, a product); −20 for "read more" link text.
//  −100 never useful: files (.pdf .jpg .zip …), mailto:/tel:, dated or archive
//  paths (/2023/05/…), tag/category/author listings, pagination (/page/2,
//  ?page=2), login/account/cart/checkout, wp-admin, feeds, search, print,
//  share and calendar links (whole path segments), ?replytocom= and similar
//  query actions.
//
// Matching folds case and Latin diacritics ("Über uns" = "uber uns"),
// percent-decodes the path, and treats - _ . / + and spaces as word breaks.
#pragma once

#include <string_view>

namespace trawl {

// The highest score ContactScore returns (a contact page whose link text
// agrees). Callers may use it to normalize.
inline constexpr double kMaxContactScore = 103.0;

// Scores one link: `url` absolute or a path ("/kontakt"), `link_text` the
// anchor text as seen (UTF-8, any case, may be empty). Cannot fail.
// Cost: one pass over each argument plus a fixed keyword table; one small
// allocation per argument.
double ContactScore(std::string_view url, std::string_view link_text);

// False when the URL's last path segment ends in an extension that is never
// HTML (.pdf, .jpg, .png, .zip, .doc, .mp4, .css, .js, .xml, …) or the URL is
// not http(s) (mailto:, tel:, javascript:, data:). True otherwise, including
// for .html, .php, .aspx and extensionless paths. Cannot fail.
bool LooksLikeHtmlUrl(std::string_view url);

}  // namespace trawl
