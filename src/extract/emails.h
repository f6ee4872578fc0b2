// Email addresses of a page: mailto links, visible text, de-obfuscated forms
// ("info [at] acme [dot] com"), Cloudflare-protected values, JSON-LD and
// microdata "email". Placeholders, image names, tracking addresses and
// addresses with unknown TLDs are never returned. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/designer_credit.h"
#include "extract/document.h"
#include "extract/jsonld.h"
#include "extract/profile.h"

namespace trawl {

// Emails of one page, lower case, de-duplicated, in page order; source is
// doc.url. An address that appears in a designer credit (`credits`) and is not
// at `own_domain` (registrable) is dropped.
std::vector<Sourced> ExtractEmails(const Document& doc, const std::vector<LdNode>& ld,
                                   std::string_view own_domain, const DesignerCredits& credits);

// Normalizes one candidate (trim, lower case, strip "mailto:" and a query,
// percent-decode) and checks it; returns "" when it is not a plausible
// company address. Exposed for tests.
std::string CleanEmail(std::string_view raw);

// Orders `emails` best first, stable: addresses at `own_domain` (role
// addresses info@, contact@, hello@, sales@, ... before personal ones), then
// free-mail addresses (gmail, ...), then any other domain.
void RankEmails(std::vector<Sourced>& emails, std::string_view own_domain);

// True for the big free-mail providers (gmail.com, outlook.com, web.de, ...).
bool IsFreeMailDomain(std::string_view domain);

}  // namespace trawl
