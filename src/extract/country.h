// The company's country (ISO 3166-1 alpha-2) from weighed signals: JSON-LD
// addressCountry, extracted addresses, phone country codes, <html lang>
// region, ccTLD, and a few textual hints; and the default region used to read
// national-format phone numbers before the country is known. Pure;
// thread-safe (CountryVotes is a plain value, one per builder).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "extract/document.h"
#include "extract/jsonld.h"

namespace trawl {

// Evidence for each country; the heaviest wins.
class CountryVotes {
 public:
  // `code` is ISO alpha-2 (any case); empty codes are ignored.
  void Add(std::string_view code, int weight);
  // The heaviest country with at least `min_weight`, else "".
  std::string Best(int min_weight = 1) const;
  int WeightOf(std::string_view code) const;

 private:
  std::map<std::string, int> votes_;
};

// "GB" for .uk / .co.uk, "DE" for .de, ...; "" for generic TLDs (.com, .net,
// .org, .io, ...) and for TLDs used as generic (.co, .me, .tv, .ai).
std::string CountryFromTld(std::string_view domain);

// The region of a language tag ("en-GB" -> "GB", "de_AT" -> "AT"), or "".
std::string CountryFromLang(std::string_view lang);

// A country name or code as written ("United Kingdom", "UK", "Deutschland",
// "gb") as ISO alpha-2, or "" when unknown.
std::string NormalizeCountry(std::string_view text);

// The region of an E.164 number via libphonenumber ("+44..." -> "GB"), or "".
std::string CountryOfPhone(std::string_view e164);

// Adds one page's own hints: JSON-LD addressCountry (strong), microdata
// addressCountry, tel: links and "+CC" numbers in text, <html lang> region,
// legal forms (GmbH -> DE, Pty Ltd -> AU, ...), UK postcodes.
void AddPageCountryHints(const Document& doc, const std::vector<LdNode>& ld, CountryVotes& votes);

// The region for reading national phone numbers: the votes' best (callers
// add the ccTLD to the votes, weight 3), else the ccTLD, else the language of
// <html lang> where it implies one country ("de" -> "DE"), else "US".
std::string DefaultPhoneRegion(const CountryVotes& votes, std::string_view domain,
                               std::string_view lang);

}  // namespace trawl
