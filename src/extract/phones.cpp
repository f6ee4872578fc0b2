// STUB until implemented: returns nothing.
#include "extract/phones.h"
namespace trawl {
std::vector<Phone> ExtractPhones(const Document&, std::string_view) { return {}; }
}  // namespace trawl
