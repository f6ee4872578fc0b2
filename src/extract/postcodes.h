// Postcode patterns per country (GB, US, DE, FR, AU, IE, NL, ES, IT): finds
// postcodes in one line of visible text, with the country each belongs to.
// Patterns are compiled once (function-local statics); thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/text_scan.h"

namespace trawl {

struct PostcodeMatch {
  size_t begin = 0;         // byte offset where the match starts (US/AU: the state)
  size_t end = 0;           // byte offset after the match (incl. town/province)
  std::string postcode;     // normalised: upper case, one space where the format has one
  std::string country;      // ISO 3166-1 alpha-2
  std::string region;       // US/AU state, IT province code; else empty
  std::string locality;     // town written after the postcode (DE/FR/ES/IT/NL); else empty
  bool town_first = false;  // true: locality and street come before (GB/IE/US/AU)
};

// Every postcode in `text`, in order, non-overlapping. Formats that are only
// five digits (DE/FR/ES/IT) need address-like context: a street word nearby,
// or `country_hint`/`tld_country` (ISO alpha-2 or empty) naming the country;
// prices, phone fragments and register numbers are skipped.
std::vector<PostcodeMatch> FindPostcodes(std::string_view text, std::string_view country_hint,
                                         std::string_view tld_country);
// The same with `text`'s digit runs found by the caller (DigitRuns(text)).
std::vector<PostcodeMatch> FindPostcodes(std::string_view text, const std::vector<DigitRun>& runs,
                                         std::string_view country_hint,
                                         std::string_view tld_country);

// The country a street line's wording points to ("Musterstraße 1" -> "DE",
// "12 rue de la Paix" -> "FR"), or "" if none.
std::string StreetWordCountry(std::string_view text);

// True when the text reads like a street line: a house number, or a street
// word in any of the supported languages.
bool LooksLikeStreet(std::string_view text);

}  // namespace trawl
