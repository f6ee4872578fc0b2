// STUB until implemented.
#include "extract/document.h"
namespace trawl {
std::string Document::Meta(std::string_view) const { return {}; }
Document ParseHtml(std::string_view, std::string_view url) { Document d; d.url = url; return d; }
}  // namespace trawl
