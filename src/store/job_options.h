// A job's options (the "options" object of POST /api/process*): parsed and
// validated once by the API, stored with the job as JSON, read back by
// whoever runs its tasks. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"

namespace trawl {

struct JobOptions {
  int max_pages = 10;                // 1..100
  std::optional<bool> auto_approve;  // unset: parallel jobs approve, embedded ones queue
  int max_attempts = 3;              // 1..10, deliveries per domain
  std::string webhook_url;           // "" none; else http(s), POSTed when the job ends
};

// Parses a JSON object; unknown keys are refused so typos surface. Fails with
// kUsage naming the key and what was expected. "" and "{}" give defaults.
Result<JobOptions> ParseJobOptions(const std::string& json);
// Compact JSON of every option, the form stored with the job.
std::string JobOptionsToJson(const JobOptions& options);
// The approval a finished profile of a job in `mode` gets: "approved" or "pending".
std::string InitialApproval(const JobOptions& options, const std::string& mode);

}  // namespace trawl
