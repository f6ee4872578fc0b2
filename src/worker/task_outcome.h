// What becomes of a crawled domain in the job runner (job_runner.h): whether
// a failure is worth another attempt, the backoff before it, the error of a
// task whose worker died on every attempt, the stored form of a profile, and
// the one-line report of each outcome. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"
#include "extract/profile.h"
#include "store/store.h"
#include "worker/task_source.h"

namespace trawl {

// Whether a failed profile may succeed later: IsRetryable(code), or an
// http_error whose last page answered 429 or 5xx. False for an ok profile.
bool IsRetryableFailure(const Profile& profile);

// retry_base_ms × 2^(attempt − 1), attempt counting from 1, capped at one
// hour. Cannot fail.
int64_t RetryDelayForAttempt(int64_t retry_base_ms, int attempt);

// The error of a task delivered more often than its job allows without ever
// finishing: the task's last recorded error when it has one, else
// worker_crashed "the worker processing this domain stopped N times before
// finishing". Cannot fail.
Error ExhaustedError(const ClaimedTask& task);

// A failed profile that was never crawled (dead-lettered before a crawl).
Profile FailedProfile(const std::string& domain, int input_index, const Error& error);

// The stored form of `profile` for (job, domain): ok/error from the profile,
// the JSON of profile_json.h, `approval`, updated now. Cannot fail (invalid
// UTF-8 in the profile is replaced, not refused).
StoredProfile ToStoredProfile(const std::string& job_id, const std::string& domain, int input_index,
                              const Profile& profile, const std::string& approval);

// Output lines, one per outcome:
//   ok firesand.co.uk job=1a2b3c4d pages=4 1234ms
//   failed x.test job=1a2b3c4d timeout: message
//   retry x.test job=1a2b3c4d attempt=1/3 in 2000ms timeout: message
//   dead x.test job=1a2b3c4d attempt=3/3 worker_crashed: message
std::string FinishedLine(const std::string& domain, const std::string& job_id,
                         const Profile& profile);
std::string RetryLine(const ClaimedTask& task, int max_attempts, int64_t delay_ms,
                      const Error& error);
std::string DeadLine(const ClaimedTask& task, int max_attempts, const Error& error);

}  // namespace trawl
