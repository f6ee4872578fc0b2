// Company registration numbers (UK Companies House, German Handelsregister,
// and labelled numbers elsewhere) and VAT numbers with check-digit validation
// where the country defines one (GB, DE, ...). Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/document.h"
#include "extract/page_text.h"
#include "extract/profile.h"

namespace trawl {

// Company numbers found on the page, in a canonical form, best first (the
// hinted country's, then page order). `country_hint` is ISO alpha-2 or empty.
// Only labelled numbers count; canonical forms:
//   GB Companies House  "01234567", "SC123456" (7 digits padded only after a
//                       clear label such as "Company No")
//   DE Handelsregister  "HRB 123456", "HRA 1234", "HRB 98765 B", "VR 4567"
//   FR                  "SIREN 123456789", "SIRET 12345678900012" (Luhn checked;
//                       "RCS Paris B 123 456 789" gives the SIREN)
//   AU                  "ABN 12345678901", "ACN 123456789" (checksums)
//   IE "CRO 123456"     NL "KvK 12345678"     ES "CIF B12345674" (checked)
//   IT "REA MI-1234567" (P.IVA is a VAT number: see ExtractVatNumbers)
std::vector<Sourced> ExtractCompanyNumbers(const Document& doc, std::string_view country_hint);

// VAT numbers with country prefix and no spaces ("GB123456789",
// "DE123456789"), only those that pass the country's check where it has one.
std::vector<Sourced> ExtractVatNumbers(const Document& doc, std::string_view country_hint);

// Both of the above from one pass over the page's text: what the profile
// builder uses.
struct CompanyIds {
  std::vector<Sourced> numbers;
  std::vector<Sourced> vats;
};
CompanyIds ExtractCompanyIds(const Document& doc, std::string_view country_hint);
// The same with the page's joined text made by the caller (PageText::Of(doc)).
CompanyIds ExtractCompanyIds(const Document& doc, const PageText& text,
                             std::string_view country_hint);

// True when `vat` (canonical form) passes its country's check-digit rule, or
// the country has no rule trawl knows. Exposed for tests.
bool VatChecksumValid(std::string_view vat);

}  // namespace trawl
