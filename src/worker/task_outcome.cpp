// Outcome rules for one crawled domain (see task_outcome.h).
#include "worker/task_outcome.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "extract/profile_json.h"
#include "worker/worker_log.h"

namespace trawl {

bool IsRetryableFailure(const Profile& profile) {
  if (profile.ok()) return false;
  ErrorCode code = profile.error->code;
  if (IsRetryable(code)) return true;
  return code == ErrorCode::kHttpError && !profile.pages.empty() &&
         IsRetryableHttp(profile.pages.back().status);
}

int64_t RetryDelayForAttempt(int64_t retry_base_ms, int attempt) {
  constexpr int64_t kMaxDelayMs = 3'600'000;
  int shift = std::clamp(attempt - 1, 0, 30);
  int64_t delay = std::max<int64_t>(retry_base_ms, 0);
  for (int i = 0; i < shift && delay < kMaxDelayMs; ++i) delay *= 2;
  return std::min(delay, kMaxDelayMs);
}

Error ExhaustedError(const ClaimedTask& task) {
  if (!task.last_error_code.empty()) {
    return Error{ErrorCodeFromName(task.last_error_code), task.last_error_message};
  }
  int stops = std::max(1, task.attempt - 1);
  return Error{ErrorCode::kWorkerCrashed,
               fmt::format("the worker processing this domain stopped {} time{} before finishing",
                           stops, stops == 1 ? "" : "s")};
}

Profile FailedProfile(const std::string& domain, int input_index, const Error& error) {
  Profile p;
  p.domain = domain;
  p.input_index = input_index;
  p.error = error;
  return p;
}

StoredProfile ToStoredProfile(const std::string& job_id, const std::string& domain, int input_index,
                              const Profile& profile, const std::string& approval) {
  StoredProfile s;
  s.job_id = job_id;
  s.domain = domain;
  s.input_index = input_index;
  s.ok = profile.ok();
  if (profile.error) {
    s.error_code = std::string(ErrorCodeName(profile.error->code));
    s.error_message = profile.error->message;
  }
  Profile copy = profile;
  copy.input_index = input_index;
  s.profile_json =
      ProfileToJson(copy).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  s.approval = approval;
  s.updated_at_ms = NowMs();
  return s;
}

std::string FinishedLine(const std::string& domain, const std::string& job_id,
                         const Profile& profile) {
  if (profile.ok()) {
    return fmt::format("ok {} job={} pages={} {}ms", domain, ShortJobId(job_id),
                       profile.pages.size(), profile.elapsed_ms);
  }
  return fmt::format("failed {} job={} {}: {}", domain, ShortJobId(job_id),
                     ErrorCodeName(profile.error->code), profile.error->message);
}

std::string RetryLine(const ClaimedTask& task, int max_attempts, int64_t delay_ms,
                      const Error& error) {
  return fmt::format("retry {} job={} attempt={}/{} in {}ms {}: {}", task.domain,
                     ShortJobId(task.job->id), task.attempt, max_attempts, delay_ms,
                     ErrorCodeName(error.code), error.message);
}

std::string DeadLine(const ClaimedTask& task, int max_attempts, const Error& error) {
  return fmt::format("dead {} job={} attempt={}/{} {}: {}", task.domain, ShortJobId(task.job->id),
                     task.attempt, max_attempts, ErrorCodeName(error.code), error.message);
}

}  // namespace trawl
