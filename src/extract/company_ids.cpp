// STUB until implemented: returns nothing.
#include "extract/company_ids.h"
namespace trawl {
std::vector<Sourced> ExtractCompanyNumbers(const Document&, std::string_view) { return {}; }
std::vector<Sourced> ExtractVatNumbers(const Document&, std::string_view) { return {}; }
bool VatChecksumValid(std::string_view) { return false; }
}  // namespace trawl
