// Scoring of extracted profiles against the fixture corpus's truth files
// (tests/fixtures/README.md): per-field precision/recall/F1, company-name
// accuracy and "negatives" (values that must never be extracted).
// Pure functions over plain values; thread-safe; results are owned by the caller.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace trawl::score {

// The scored fields, in report order.
inline const char* const kFields[] = {"emails",         "phones",     "social",
                                      "company_number", "vat_number", "postcode"};

// Values a careful human would say must never appear in the profile.
struct MustNot {
  std::vector<std::string> emails, phones, social, company_number, vat_number, postcodes;
};

struct TruthPhone {
  std::string value;  // E.164
  bool fax = false;
};

// One truth file: what a careful human extracts from the pages a crawler
// with --max-pages 10 reaches.
struct Truth {
  std::string domain;          // A-label form, the site folder's name
  std::string domain_unicode;  // U-label form (equals domain when not an IDN)
  std::string country;
  std::string company_name;
  std::vector<std::string> company_name_alternatives;
  std::vector<std::string> emails;
  std::vector<TruthPhone> phones;
  std::vector<std::string> postcodes;
  std::map<std::string, std::string> social;  // network -> canonical URL; nulls left out
  std::optional<std::string> company_number, vat_number;
  MustNot must_not;
};

struct FieldCounts {
  int tp = 0, fp = 0, fn = 0;
  // Conventions for empty denominators: precision 1 when nothing was
  // extracted, recall 1 when nothing was expected, F1 1 when both hold.
  double Precision() const;
  double Recall() const;
  double F1() const;
  FieldCounts& operator+=(const FieldCounts& other);
};

struct DomainScore {
  std::string domain;
  bool profiled = false;  // a profile for this domain was found
  std::map<std::string, FieldCounts> fields;
  std::map<std::string, std::vector<std::string>> false_positives, false_negatives;
  bool name_correct = false;
  std::string name_extracted;
  std::vector<std::string> negatives;  // human-readable, e.g. "emails: x@y (must_not)"
};

struct Report {
  std::map<std::string, FieldCounts> fields;  // keyed by kFields
  FieldCounts micro;                          // sum over the six fields
  int domains = 0;                            // truth domains
  int profiled = 0;                           // truth domains that had a profile
  int names_correct = 0;
  int negatives = 0;
  int extra_profiles = 0;               // profiles whose domain has no truth file
  int duplicate_profiles = 0;           // second and later profiles of one domain
  std::vector<DomainScore> per_domain;  // in truth order

  double NameAccuracy() const { return domains ? double(names_correct) / domains : 1.0; }
};

// Parses one truth object. Fails with kUsage naming the bad key.
Result<Truth> ParseTruth(const nlohmann::json& j);

// Reads every *.json in `dir`, sorted by file name. Fails with kIo/kUsage
// for an unreadable directory or a malformed file.
Result<std::vector<Truth>> LoadTruthDir(const std::string& dir);

// Reads JSON lines; blank lines are skipped. A line that is not a JSON object
// is skipped and counted in *bad_lines (when given). Fails with kIo when the
// file cannot be read.
Result<std::vector<nlohmann::json>> LoadProfiles(const std::string& path, int* bad_lines = nullptr);

// Scores profiles (DESIGN.md §4 objects) against the truth. Cannot fail:
// missing keys count as empty, missing domains as all false negatives.
Report Score(const std::vector<Truth>& truth, const std::vector<nlohmann::json>& profiles);

// Normalizations the scorer applies, exposed for tests and for the truth's authors.
std::string NormalizeName(
    const std::string& name);  // case-folded, spaces collapsed, no trailing punctuation
std::string NormalizeId(const std::string& id);        // upper case, letters and digits only
std::string NormalizePostcode(const std::string& pc);  // upper case, no spaces

// Renderings. `verbose` adds every false positive/negative per domain.
std::string FormatText(const Report& report, bool verbose);
nlohmann::json ToJson(const Report& report, bool verbose);

}  // namespace trawl::score
