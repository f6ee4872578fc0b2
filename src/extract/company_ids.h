// Company registration numbers (UK Companies House, German Handelsregister,
// and labelled numbers elsewhere) and VAT numbers with check-digit validation
// where the country defines one (GB, DE, ...). Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/document.h"
#include "extract/profile.h"

namespace trawl {

// Company numbers found on the page, in a canonical form ("01234567",
// "HRB 12345"), best first. `country_hint` is ISO alpha-2 or empty.
std::vector<Sourced> ExtractCompanyNumbers(const Document& doc, std::string_view country_hint);

// VAT numbers with country prefix and no spaces ("GB123456789",
// "DE123456789"), only those that pass the country's check where it has one.
std::vector<Sourced> ExtractVatNumbers(const Document& doc, std::string_view country_hint);

// True when `vat` (canonical form) passes its country's check-digit rule, or
// the country has no rule trawl knows. Exposed for tests.
bool VatChecksumValid(std::string_view vat);

}  // namespace trawl
