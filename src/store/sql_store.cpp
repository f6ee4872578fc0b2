// The Store over a SqlConnection (sql_store.h).
#include "store/sql_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/clock.h"
#include "core/states.h"
#include "store/job_options.h"
#include "store/queries.h"

namespace trawl {
namespace {

// The most rows one list call returns (ProfileQuery's documented cap).
constexpr int kMaxListLimit = 10'000;
// Domains per task-insert statement: 100,000 domains take ten round trips,
// and no statement's parameter grows past a few hundred kilobytes.
constexpr size_t kInsertChunk = 10'000;

// --- reading rows ----------------------------------------------------------

int64_t Int(const std::optional<std::string>& value) {
  int64_t number = 0;
  if (value) std::from_chars(value->data(), value->data() + value->size(), number);
  return number;
}

std::optional<int64_t> OptionalInt(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return Int(value);
}

std::string Text(const std::optional<std::string>& value) { return value.value_or(""); }

// SQLite stores booleans as 1/0, PostgreSQL prints them as t/f.
bool Bool(const std::optional<std::string>& value) {
  return value && (*value == "1" || *value == "t" || *value == "true");
}

SqlValue OptionalValue(const std::optional<int64_t>& value) {
  if (!value) return std::monostate{};
  return *value;
}

// Columns in the order of TRAWL_JOB_SELECT.
JobRecord JobFromRow(const SqlRow& row) {
  JobRecord job;
  job.id = Text(row[0]);
  job.mode = Text(row[1]);
  job.status = Text(row[2]);
  job.total = Int(row[3]);
  job.created_at_ms = Int(row[4]);
  job.started_at_ms = OptionalInt(row[5]);
  job.finished_at_ms = OptionalInt(row[6]);
  job.options_json = Text(row[7]);
  job.fallback_reason = Text(row[8]);
  job.completed = Int(row[9]);
  job.failed = Int(row[10]);
  job.webhook_url = Text(row[11]);
  job.webhook_status = Text(row[12]);
  job.webhook_attempts = static_cast<int>(Int(row[13]));
  job.webhook_next_at_ms = Int(row[14]);
  job.webhook_last_error = Text(row[15]);
  job.webhook_delivered_at_ms = OptionalInt(row[16]);
  return job;
}

// Columns in the order of TRAWL_TASK_COLUMNS.
TaskRecord TaskFromRow(const SqlRow& row) {
  TaskRecord task;
  task.job_id = Text(row[0]);
  task.domain = Text(row[1]);
  task.input_index = static_cast<int>(Int(row[2]));
  task.state = Text(row[3]);
  task.attempts = static_cast<int>(Int(row[4]));
  task.error_code = Text(row[5]);
  task.error_message = Text(row[6]);
  task.started_at_ms = OptionalInt(row[7]);
  task.finished_at_ms = OptionalInt(row[8]);
  return task;
}

// Columns in the order of TRAWL_PROFILE_COLUMNS.
StoredProfile ProfileFromRow(const SqlRow& row) {
  StoredProfile profile;
  profile.job_id = Text(row[0]);
  profile.domain = Text(row[1]);
  profile.input_index = static_cast<int>(Int(row[2]));
  profile.ok = Bool(row[3]);
  profile.error_code = Text(row[4]);
  profile.error_message = Text(row[5]);
  profile.profile_json = Text(row[6]);
  profile.approval = Text(row[7]);
  profile.edited_json = Text(row[8]);
  profile.reviewed_by = Text(row[9]);
  profile.reviewed_at_ms = OptionalInt(row[10]);
  profile.updated_at_ms = Int(row[11]);
  return profile;
}

int64_t FirstInt(const SqlResult& result) {
  return result.rows.empty() || result.rows[0].empty() ? 0 : Int(result.rows[0][0]);
}

// --- checking input --------------------------------------------------------

bool OneOf(const std::string& value, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

Result<void> CheckWord(const char* what, const std::string& value,
                       std::initializer_list<std::string_view> allowed) {
  if (OneOf(value, allowed)) return {};
  return Fail(ErrorCode::kUsage, fmt::format("invalid {} '{}'", what, value));
}

int64_t ClampLimit(int limit) { return std::clamp(limit, 0, kMaxListLimit); }
int64_t ClampOffset(int64_t offset) { return std::max<int64_t>(offset, 0); }

}  // namespace

template <typename T, typename Body>
Result<T> SqlStore::InTransaction(Body&& body) {
  if (auto begun = db_->RunScript(dialect_.begin_write); !begun) {
    return tl::unexpected(begun.error());
  }
  Result<T> result = body();
  if (result) {
    auto committed = db_->RunScript("COMMIT");
    if (committed) return result;
    result = tl::unexpected(committed.error());
  }
  (void)db_->RunScript("ROLLBACK");  // best effort: the failure above is what counts
  return result;
}

// ============================================================================
// Schema
// ============================================================================

Result<void> SqlStore::Migrate() {
  std::lock_guard lock(mutex_);
  return InTransaction<void>([&]() -> Result<void> {
    if (*dialect_.migration_lock != '\0') {
      if (auto locked = db_->RunScript(dialect_.migration_lock); !locked) return locked;
    }
    if (auto created = db_->RunScript(dialect_.create_migrations_table); !created) return created;
    auto version = SchemaVersionLocked();
    if (!version) return tl::unexpected(version.error());
    for (const Migration& migration : dialect_.migrations) {
      if (migration.version <= *version) continue;
      if (auto applied = db_->RunScript(migration.sql); !applied) {
        return Fail(applied.error().code, fmt::format("migration {} ({}): {}", migration.version,
                                                      migration.name, applied.error().message));
      }
      auto recorded = db_->Run(queries::kRecordMigration, {int64_t{migration.version}, NowMs()});
      if (!recorded) return tl::unexpected(recorded.error());
    }
    return {};
  });
}

Result<int> SqlStore::SchemaVersionLocked() {
  auto result = db_->Run(queries::kSchemaVersion, {});
  if (!result) return tl::unexpected(result.error());
  return static_cast<int>(FirstInt(*result));
}

Result<int> SqlStore::SchemaVersion() {
  std::lock_guard lock(mutex_);
  return SchemaVersionLocked();
}

Result<void> SqlStore::Ping() {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kPing, {});
  if (!result) return Fail(ErrorCode::kUnavailable, result.error().message);
  return {};
}

// ============================================================================
// Jobs
// ============================================================================

Result<void> SqlStore::InsertTasks(const std::string& job_id,
                                   const std::vector<std::string>& domains) {
  for (size_t first = 0; first < domains.size(); first += kInsertChunk) {
    size_t last = std::min(domains.size(), first + kInsertChunk);
    nlohmann::json chunk = nlohmann::json::array();
    for (size_t i = first; i < last; ++i) chunk.push_back(domains[i]);
    // The replacing error handler keeps dump() from throwing on bad UTF-8.
    std::string array = chunk.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto inserted =
        db_->Run(dialect_.insert_tasks, {job_id, static_cast<int64_t>(first), std::move(array)});
    if (!inserted) {
      if (inserted.error().code == ErrorCode::kUsage) {
        return Fail(ErrorCode::kUsage, "job has a domain twice: " + inserted.error().message);
      }
      return tl::unexpected(inserted.error());
    }
  }
  return {};
}

Result<void> SqlStore::CreateJob(const JobRecord& job, const std::vector<std::string>& domains) {
  if (job.id.empty()) return Fail(ErrorCode::kUsage, "job id is empty");
  if (auto ok = CheckWord("job mode", job.mode, {kModeParallel, kModeEmbedded}); !ok) return ok;
  if (!ParseJobStatus(job.status)) {
    return Fail(ErrorCode::kUsage, fmt::format("invalid job status '{}'", job.status));
  }
  auto options = ParseJobOptions(job.options_json);
  if (!options) return Fail(ErrorCode::kUsage, "job options: " + options.error().message);
  const std::string& webhook_url = options->webhook_url;
  std::lock_guard lock(mutex_);
  return InTransaction<void>([&]() -> Result<void> {
    auto exists = db_->Run(queries::kJobExists, {job.id});
    if (!exists) return tl::unexpected(exists.error());
    if (!exists->rows.empty()) {
      return Fail(ErrorCode::kUsage, fmt::format("job '{}' already exists", job.id));
    }
    // total is the number of tasks created, whatever the record said.
    auto inserted = db_->Run(
        queries::kInsertJob,
        {job.id, job.mode, job.status, static_cast<int64_t>(domains.size()), job.created_at_ms,
         OptionalValue(job.started_at_ms), OptionalValue(job.finished_at_ms),
         job.options_json.empty() ? std::string("{}") : job.options_json, job.fallback_reason,
         webhook_url,
         std::string(
             ToString(webhook_url.empty() ? WebhookState::kNone : WebhookState::kPending))});
    if (!inserted) return tl::unexpected(inserted.error());
    return InsertTasks(job.id, domains);
  });
}

Result<std::optional<JobRecord>> SqlStore::GetJob(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kGetJob, {id});
  if (!result) return tl::unexpected(result.error());
  if (result->rows.empty()) return std::optional<JobRecord>();
  return JobFromRow(result->rows[0]);
}

Result<std::vector<JobRecord>> SqlStore::ListJobs(int limit, int64_t offset) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kListJobs, {ClampLimit(limit), ClampOffset(offset)});
  if (!result) return tl::unexpected(result.error());
  std::vector<JobRecord> jobs;
  jobs.reserve(result->rows.size());
  for (const SqlRow& row : result->rows) jobs.push_back(JobFromRow(row));
  return jobs;
}

Result<int64_t> SqlStore::CountJobs() {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kCountJobs, {});
  if (!result) return tl::unexpected(result.error());
  return FirstInt(*result);
}

Result<void> SqlStore::MarkJobStarted(const std::string& id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kMarkJobStarted, {id, now_ms});
  if (!result) return tl::unexpected(result.error());
  return {};
}

Result<bool> SqlStore::MarkJobFinished(const std::string& id, const std::string& status,
                                       int64_t now_ms) {
  if (!IsFinalJobStatus(status)) {
    return Fail(ErrorCode::kUsage, fmt::format("invalid final job status '{}'", status));
  }
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kMarkJobFinished, {id, status, now_ms});
  if (!result) return tl::unexpected(result.error());
  return result->changed > 0;
}

Result<bool> SqlStore::SetJobMode(const std::string& id, const std::string& mode,
                                  const std::string& fallback_reason) {
  if (auto ok = CheckWord("job mode", mode, {kModeParallel, kModeEmbedded}); !ok) {
    return tl::unexpected(ok.error());
  }
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kSetJobMode, {id, mode, fallback_reason});
  if (!result) return tl::unexpected(result.error());
  return result->changed > 0;
}

Result<void> SqlStore::ReopenJob(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kReopenJob, {id});
  if (!result) return tl::unexpected(result.error());
  return {};
}

Result<std::vector<std::string>> SqlStore::UnfinishedEmbeddedJobs() {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kUnfinishedEmbeddedJobs, {});
  if (!result) return tl::unexpected(result.error());
  std::vector<std::string> ids;
  for (const SqlRow& row : result->rows) ids.push_back(Text(row[0]));
  return ids;
}

// ============================================================================
// Completion webhooks
// ============================================================================

Result<std::vector<JobRecord>> SqlStore::ClaimDueWebhooks(int64_t now_ms, int64_t lease_ms,
                                                          int limit) {
  if (limit <= 0) return std::vector<JobRecord>();
  std::lock_guard lock(mutex_);
  auto due = db_->Run(queries::kAnyDueWebhook, {now_ms});
  if (!due) return tl::unexpected(due.error());
  if (due->rows.empty()) return std::vector<JobRecord>();
  return InTransaction<std::vector<JobRecord>>([&]() -> Result<std::vector<JobRecord>> {
    auto claimed =
        db_->Run(dialect_.claim_webhooks, {now_ms, now_ms + lease_ms, ClampLimit(limit)});
    if (!claimed) return tl::unexpected(claimed.error());
    std::vector<JobRecord> jobs;
    for (const SqlRow& row : claimed->rows) {
      auto job = db_->Run(queries::kGetJob, {Text(row[0])});
      if (!job) return tl::unexpected(job.error());
      if (!job->rows.empty()) jobs.push_back(JobFromRow(job->rows[0]));
    }
    return jobs;
  });
}

Result<bool> SqlStore::RecordWebhookAttempt(const std::string& job_id, int64_t finished_at_ms,
                                            const std::string& outcome, const std::string& error,
                                            int64_t next_at_ms, int64_t now_ms) {
  auto outcome_state = ParseWebhookState(outcome);
  if (!outcome_state || *outcome_state == WebhookState::kNone) {
    return Fail(ErrorCode::kUsage, fmt::format("invalid webhook outcome '{}'", outcome));
  }
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kRecordWebhookAttempt,
                         {job_id, finished_at_ms, outcome, error, next_at_ms, now_ms});
  if (!result) return tl::unexpected(result.error());
  return result->changed > 0;
}

// ============================================================================
// Tasks
// ============================================================================

Result<std::vector<TaskRecord>> SqlStore::ClaimTasks(const std::string& job_id, int n,
                                                     int64_t now_ms) {
  if (n <= 0) return std::vector<TaskRecord>();
  std::lock_guard lock(mutex_);
  return InTransaction<std::vector<TaskRecord>>([&]() -> Result<std::vector<TaskRecord>> {
    auto result = db_->Run(dialect_.claim_tasks, {job_id, ClampLimit(n), now_ms});
    if (!result) return tl::unexpected(result.error());
    std::vector<TaskRecord> tasks;
    tasks.reserve(result->rows.size());
    for (const SqlRow& row : result->rows) tasks.push_back(TaskFromRow(row));
    // RETURNING gives rows in no promised order.
    std::sort(tasks.begin(), tasks.end(), [](const TaskRecord& a, const TaskRecord& b) {
      return a.input_index < b.input_index;
    });
    return tasks;
  });
}

Result<int64_t> SqlStore::ResetProcessingTasks(const std::string& job_id) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kResetProcessingTasks, {job_id});
  if (!result) return tl::unexpected(result.error());
  return result->changed;
}

Result<std::vector<std::string>> SqlStore::ReopenFailedTasks(const std::string& job_id) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kReopenFailedTasks, {job_id});
  if (!result) return tl::unexpected(result.error());
  std::vector<std::pair<int64_t, std::string>> reopened;
  for (const SqlRow& row : result->rows) reopened.emplace_back(Int(row[1]), Text(row[0]));
  std::sort(reopened.begin(), reopened.end());
  std::vector<std::string> domains;
  domains.reserve(reopened.size());
  for (auto& [index, domain] : reopened) domains.push_back(std::move(domain));
  return domains;
}

Result<std::vector<TaskRecord>> SqlStore::ListTasks(const std::string& job_id,
                                                    const std::string& state, int limit,
                                                    int64_t offset) {
  std::lock_guard lock(mutex_);
  auto result = state.empty() ? db_->Run(queries::kListTasks,
                                         {job_id, ClampLimit(limit), ClampOffset(offset)})
                              : db_->Run(queries::kListTasksInState,
                                         {job_id, state, ClampLimit(limit), ClampOffset(offset)});
  if (!result) return tl::unexpected(result.error());
  std::vector<TaskRecord> tasks;
  tasks.reserve(result->rows.size());
  for (const SqlRow& row : result->rows) tasks.push_back(TaskFromRow(row));
  return tasks;
}

Result<std::optional<TaskRecord>> SqlStore::GetTask(const std::string& job_id,
                                                    const std::string& domain) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kGetTask, {job_id, domain});
  if (!result) return tl::unexpected(result.error());
  if (result->rows.empty()) return std::optional<TaskRecord>{};
  return std::optional<TaskRecord>{TaskFromRow(result->rows.front())};
}

Result<int64_t> SqlStore::CountTasks(const std::string& job_id, const std::string& state) {
  std::lock_guard lock(mutex_);
  auto result = state.empty() ? db_->Run(queries::kCountTasks, {job_id})
                              : db_->Run(queries::kCountTasksInState, {job_id, state});
  if (!result) return tl::unexpected(result.error());
  return FirstInt(*result);
}

// ============================================================================
// Profiles
// ============================================================================

Result<bool> SqlStore::PutProfile(const StoredProfile& profile) {
  if (!ParseApprovalState(profile.approval)) {
    return Fail(ErrorCode::kUsage, fmt::format("invalid approval '{}'", profile.approval));
  }
  std::vector<SqlValue> task = {
      profile.job_id,
      profile.domain,
      int64_t{profile.input_index},
      std::string(ToString(profile.ok ? TaskState::kDone : TaskState::kFailed)),
      profile.ok ? std::string() : profile.error_code,
      profile.ok ? std::string() : profile.error_message,
      profile.updated_at_ms};
  std::vector<SqlValue> row = {profile.job_id,
                               profile.domain,
                               int64_t{profile.input_index},
                               int64_t{profile.ok ? 1 : 0},
                               profile.error_code,
                               profile.error_message,
                               profile.profile_json,
                               profile.approval,
                               profile.edited_json,
                               profile.reviewed_by,
                               OptionalValue(profile.reviewed_at_ms),
                               profile.updated_at_ms};
  std::lock_guard lock(mutex_);
  auto is_new = InTransaction<bool>([&]() -> Result<bool> {
    auto outcome = db_->Run(queries::kUpsertTaskOutcome, task);
    if (!outcome) return tl::unexpected(outcome.error());
    auto inserted = db_->Run(queries::kInsertProfileIfNew, row);
    if (!inserted) return tl::unexpected(inserted.error());
    if (inserted->changed > 0) return true;
    auto updated = db_->Run(queries::kUpdateProfile, row);
    if (!updated) return tl::unexpected(updated.error());
    return false;
  });
  // A foreign key refused the task or the profile row.
  if (!is_new && is_new.error().code == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound, fmt::format("no job '{}'", profile.job_id));
  }
  return is_new;
}

Result<std::optional<StoredProfile>> SqlStore::GetProfile(const std::string& job_id,
                                                          const std::string& domain) {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kGetProfile, {job_id, domain});
  if (!result) return tl::unexpected(result.error());
  if (result->rows.empty()) return std::optional<StoredProfile>();
  return ProfileFromRow(result->rows[0]);
}

Result<std::vector<StoredProfile>> SqlStore::ListProfiles(const ProfileQuery& query) {
  std::lock_guard lock(mutex_);
  int64_t limit = ClampLimit(query.limit);
  int64_t offset = ClampOffset(query.offset);
  auto result = query.approval.empty()
                    ? db_->Run(queries::kListProfiles, {query.job_id, limit, offset})
                    : db_->Run(queries::kListProfilesByApproval,
                               {query.job_id, query.approval, limit, offset});
  if (!result) return tl::unexpected(result.error());
  std::vector<StoredProfile> profiles;
  profiles.reserve(result->rows.size());
  for (const SqlRow& row : result->rows) profiles.push_back(ProfileFromRow(row));
  return profiles;
}

Result<int64_t> SqlStore::CountProfiles(const std::string& job_id, const std::string& approval) {
  std::lock_guard lock(mutex_);
  auto result = approval.empty() ? db_->Run(queries::kCountProfiles, {job_id})
                                 : db_->Run(queries::kCountProfilesByApproval, {job_id, approval});
  if (!result) return tl::unexpected(result.error());
  return FirstInt(*result);
}

Result<bool> SqlStore::SetApproval(const std::string& job_id, const std::string& domain,
                                   const std::string& approval, const std::string& who,
                                   const std::string& edited_json, int64_t now_ms) {
  if (!ParseApprovalState(approval)) {
    return Fail(ErrorCode::kUsage, fmt::format("invalid approval '{}'", approval));
  }
  std::lock_guard lock(mutex_);
  auto result =
      db_->Run(queries::kSetApproval, {job_id, domain, approval, who, edited_json, now_ms});
  if (!result) return tl::unexpected(result.error());
  return result->changed > 0;
}

Result<int64_t> SqlStore::ReviewAllPending(const std::string& job_id, const std::string& approval,
                                           const std::string& who, int64_t now_ms) {
  auto review = ParseApprovalState(approval);
  if (!review || *review == ApprovalState::kPending) {
    return Fail(ErrorCode::kUsage, fmt::format("invalid approval '{}'", approval));
  }
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kReviewAllPending, {job_id, approval, who, now_ms});
  if (!result) return tl::unexpected(result.error());
  return result->changed;
}

// ============================================================================
// Figures over every job
// ============================================================================

Result<std::vector<StatusCount>> SqlStore::CountJobsByStatus() {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kCountJobsByStatus, {});
  if (!result) return tl::unexpected(result.error());
  std::vector<StatusCount> out;
  for (const SqlRow& row : result->rows) out.push_back({Text(row[0]), Int(row[1])});
  return out;
}

Result<std::vector<TaskOutcomeCount>> SqlStore::CountTasksByOutcome() {
  std::lock_guard lock(mutex_);
  auto result = db_->Run(queries::kCountTasksByOutcome, {});
  if (!result) return tl::unexpected(result.error());
  std::vector<TaskOutcomeCount> out;
  for (const SqlRow& row : result->rows) out.push_back({Text(row[0]), Text(row[1]), Int(row[2])});
  return out;
}

}  // namespace trawl
