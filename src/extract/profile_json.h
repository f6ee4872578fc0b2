// The profile as JSON (DESIGN.md §4, plus "input_index" and "sources") and as
// CSV, and JSON read back into a Profile (the scorer and tests use it). Pure;
// thread-safe. nlohmann stays out of profile.h to keep compile times down.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/error.h"
#include "extract/profile.h"

namespace trawl {

// Every key of §4 is present; missing values are null; every network of
// kSocialNetworks is a key of "social". "sources" maps company_name,
// description, company_number and vat_number to their page URL (null when
// the value is missing). Cannot fail.
nlohmann::json ProfileToJson(const Profile& profile);

// Reads what ProfileToJson writes (unknown keys ignored, missing keys
// default). Fails with kUsage when the input is not an object, "domain" is
// missing, or a field has the wrong type.
Result<Profile> ProfileFromJson(const nlohmann::json& json);

// CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote,
// CR or LF). Multi-valued fields are joined with "; "; one column per social
// network. The header and a row end with CRLF.
std::string ProfileCsvHeader();
std::string ProfileToCsvRow(const Profile& profile);

}  // namespace trawl
