// Reading what clients send: the body of POST /api/process*, domain lists
// (a JSON array, or one string separated by spaces, commas, semicolons or
// newlines), and ?limit=&offset= paging. Validation happens here, before
// anything is stored or queued, so a refused request leaves no trace.
// Internal to src/api; pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/json_error.h"
#include "store/job_options.h"

namespace trawl::api {

struct RejectedInput {
  std::string input;
  std::string reason;  // NormalizeDomain's message
};

// Inputs after normalization: distinct domains in first-seen order.
struct DomainList {
  std::vector<std::string> domains;
  std::vector<RejectedInput> rejected;
  int64_t duplicates = 0;  // inputs that normalized to a domain seen before
};

// A validated job request.
struct JobRequest {
  DomainList domains;
  JobOptions options;
  std::string options_json = "{}";  // JobOptionsToJson(options): what the store keeps
};

// Splits free text into inputs on whitespace, commas and semicolons; empty
// pieces are dropped. Cannot fail.
std::vector<std::string> SplitDomainText(std::string_view text);

// Normalizes each input (NormalizeDomain), folding duplicates and collecting
// the inputs that are not domains. Cannot fail.
DomainList NormalizeInputs(const std::vector<std::string>& inputs);

// Parses the body {"domains": [...] | "text", "options": {...}}. Refuses
// with 400 and code bad_json (not JSON), bad_request (not an object, a field
// of the wrong type or missing; the message names the field), bad_options
// (ParseJobOptions' message), no_domains (nothing left after
// normalization) or too_many_domains (more distinct domains than
// `max_job_domains`).
ApiResult<JobRequest> ParseJobRequest(std::string_view body, int64_t max_job_domains);

struct Paging {
  int limit = 100;
  int64_t offset = 0;
};

inline constexpr int kDefaultPageLimit = 100;
inline constexpr int kMaxPageLimit = 1000;

// Reads ?limit= (0..kMaxPageLimit, default kDefaultPageLimit) and ?offset=
// (>= 0, default 0). Refuses with 400 bad_request naming the parameter when
// a value is not a whole number in range.
ApiResult<Paging> ParsePaging(const std::optional<std::string>& limit,
                              const std::optional<std::string>& offset);

}  // namespace trawl::api
