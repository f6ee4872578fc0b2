// The company's name and a short description, weighed across pages from
// JSON-LD Organization data, og:site_name, the copyright line, <title>
// segments, the logo's alt text and the domain. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/document.h"
#include "extract/jsonld.h"
#include "extract/profile.h"

namespace trawl {

struct NameCandidate {
  std::string text;
  std::string source;  // page URL
  int weight = 0;      // how much this kind of evidence says "this is the company name"
};

// Name candidates of one page. `home` marks the site's entry page, whose
// title and logo weigh more.
std::vector<NameCandidate> CompanyNameCandidates(const Document& doc, const std::vector<LdNode>& ld,
                                                 bool home);

// The copyright holder of a line like "© 2024 Acme Widgets Ltd. All rights
// reserved", or "" when `text` holds none. Exposed for tests.
std::string CopyrightHolder(std::string_view text);

// The best-supported name: candidates naming the same company (case, spacing
// and legal suffix aside) pool their weight, names that resemble the domain
// get a bonus, and the chosen spelling keeps a legal suffix ("Ltd", "GmbH")
// when one of the pooled candidates has it. nullopt when there is no
// candidate at all.
std::optional<Sourced> ChooseCompanyName(const std::vector<NameCandidate>& candidates,
                                         std::string_view own_domain);

// The name without its legal suffix, lower case, letters and digits only:
// the key under which candidates pool. Exposed for tests and other fields.
std::string CompanyNameKey(std::string_view name);

// A description of one page: meta description, og:description, JSON-LD
// description, else (when `home`) the first substantial paragraph. Whitespace
// collapsed; at most about 300 characters, cut at a sentence or word end.
std::optional<Sourced> PageDescription(const Document& doc, const std::vector<LdNode>& ld,
                                       bool home);

}  // namespace trawl
