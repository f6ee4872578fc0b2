// The company profile: the data contract of DESIGN.md §4, shared by the
// crawler, exports, the API and the scorer. Plain values; copyable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace trawl {

// A value and the URL of the page it was read from.
struct Sourced {
  std::string value;
  std::string source;
};

struct Phone {
  std::string value;    // E.164, e.g. "+441234567890"
  std::string display;  // as written on the page
  std::string kind;     // "phone", "mobile" or "fax"
  std::string source;
};

struct Address {
  std::optional<std::string> street, locality, region, postcode, country;
  std::string text;  // the address as one line
  std::string source;
};

struct PageVisit {
  std::string url;
  int status = 0;
  int64_t bytes = 0;
  int64_t ms = 0;
};

// The social networks a profile reports, in output order.
inline const char* const kSocialNetworks[] = {"linkedin", "twitter", "facebook", "instagram",
                                              "youtube",  "github",  "tiktok"};

struct Profile {
  std::string domain;
  int input_index = -1;        // position in the input list, 0-based
  std::optional<Error> error;  // set: status "failed"
  std::string final_url;
  std::optional<Sourced> company_name;
  std::optional<Sourced> description;
  std::vector<Sourced> emails;  // lower case, best first
  std::vector<Phone> phones;    // best first
  std::vector<Address> addresses;
  std::map<std::string, Sourced> social;  // network -> canonical profile URL
  std::optional<Sourced> company_number;
  std::optional<Sourced> vat_number;
  std::optional<std::string> country;  // ISO 3166-1 alpha-2
  std::vector<PageVisit> pages;
  int64_t elapsed_ms = 0;

  bool ok() const { return !error.has_value(); }
};

}  // namespace trawl
