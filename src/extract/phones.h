// Phone numbers from tel: links and visible text, via libphonenumber.
// Thread-safe (libphonenumber's PhoneNumberUtil is a thread-safe singleton).
#pragma once

#include <string_view>
#include <vector>

#include "extract/document.h"
#include "extract/profile.h"

namespace trawl {

// Every phone number on the page, E.164 in `value`, `kind` from labels
// ("Fax", "Mobile", "Tel") and libphonenumber's number type; a number labelled
// fax is "fax". `default_region` is an ISO 3166-1 alpha-2 code used to read
// national-format numbers ("GB" for "01234 567890"). Company numbers, VAT
// numbers, dates, prices and postcodes are never returned. Sources are doc.url.
std::vector<Phone> ExtractPhones(const Document& doc, std::string_view default_region);

}  // namespace trawl
