// Postal addresses in visible text: a postcode (postcodes.h) anchors each
// one; the street and town come from the same line or the lines just before.
// Internal to addresses.cpp, split out for size. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/document.h"
#include "extract/page_text.h"
#include "extract/profile.h"

namespace trawl {

// Appends one Address per postcode found in doc.blocks (text filled, source
// left empty). `country_hint` is ISO alpha-2 or empty; the URL's TLD is a
// second hint.
void AddTextAddresses(const Document& doc, std::string_view country_hint,
                      std::vector<Address>& out);
// The same with the page's joined text made by the caller (PageText::Of(doc)).
void AddTextAddresses(const Document& doc, const PageText& text, std::string_view country_hint,
                      std::vector<Address>& out);

// The address as one comma-separated line, in the order its country writes
// it ("Musterstraße 1, 80331 München"; "1 High St, Bedford, MK40 1AA").
std::string FormatAddressText(const Address& a);

// ISO alpha-2 for a country name or code as sites write it ("Deutschland",
// "United Kingdom", "gb"), or "" if unknown.
std::string CountryCode(std::string_view name);

}  // namespace trawl
