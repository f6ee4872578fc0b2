// Postal addresses: schema.org PostalAddress in JSON-LD and microdata, and
// visible text anchored on postcode patterns (GB, US, DE, FR, AU, IE, NL, ES,
// IT at least). Thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "extract/document.h"
#include "extract/page_text.h"
#include "extract/profile.h"

namespace trawl {

// Every postal address found on the page, de-duplicated by postcode+street.
// `country_hint` (ISO alpha-2 or empty) breaks ties between postcode formats.
std::vector<Address> ExtractAddresses(const Document& doc, std::string_view country_hint);
// The same with the page's joined text made by the caller (PageText::Of(doc)).
std::vector<Address> ExtractAddresses(const Document& doc, const PageText& text,
                                      std::string_view country_hint);

}  // namespace trawl
