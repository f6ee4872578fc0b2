// STUB until implemented: returns nothing.
#include "extract/addresses.h"
namespace trawl {
std::vector<Address> ExtractAddresses(const Document&, std::string_view) { return {}; }
}  // namespace trawl
