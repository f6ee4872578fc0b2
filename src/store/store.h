// Storage of jobs, tasks and profiles (DESIGN.md §6): one interface, two back
// ends — SQLite (a file; the default) and PostgreSQL (`postgresql://` URL,
// for workers on several machines). Versioned migrations run on Open.
// Prepared statements only: no value is ever spliced into SQL text.
//
// Ownership of a job's facts (docs/operations.md): the database owns every
// job, its options, tasks, profiles, approvals and webhook; for an embedded
// job also its status and counters. For a parallel job Redis owns the live
// status and counters (task_queue.h); the copies here catch up as workers
// store profiles and mark the job started and completed.
//
// Thread-safety: every method may be called from any thread; a Store
// serializes calls on its one connection internally. Open one Store per
// process (or per busy thread) — SQLite files and PostgreSQL servers take
// many connections at once.
//
// Every call fails with kUnavailable when the database cannot be reached (or
// SQLite stays locked past its 5 s busy timeout); list calls return at most
// 10,000 rows (a larger limit is capped, a negative offset counts as 0).
//
// Times are milliseconds since the Unix epoch. Records keep states as the
// words they are stored and sent as (core/states.h: JobStatus, TaskState,
// ApprovalState, WebhookState; compare with Is(word, state)); job mode is
// redis_parallel|sequential.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/states.h"

namespace trawl {

inline constexpr const char* kModeParallel = "redis_parallel";
inline constexpr const char* kModeEmbedded = "sequential";

struct JobRecord {
  std::string id;
  std::string mode;  // kModeParallel | kModeEmbedded
  // The job's JobStatus word.
  std::string status = ToString(JobStatus::kPending);
  int64_t total = 0;      // distinct domains in the job
  int64_t completed = 0;  // read only: tasks done (profile ok)
  int64_t failed = 0;     // read only: tasks failed (incl. dead-lettered)
  int64_t created_at_ms = 0;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> finished_at_ms;
  std::string options_json = "{}";  // the job's options object (validated JSON)
  std::string fallback_reason;      // why a parallel request ran embedded; "" if not
  // The completion webhook (options.webhook_url; src/api/webhook.h). Read
  // only: CreateJob takes the URL from options_json, the sender the rest.
  std::string webhook_url;  // "" none
  // The webhook's WebhookState word.
  std::string webhook_status = ToString(WebhookState::kNone);
  int webhook_attempts = 0;        // POSTs made for the current completion
  int64_t webhook_next_at_ms = 0;  // due time of the next attempt (pending)
  std::string webhook_last_error;  // "" until an attempt failed
  std::optional<int64_t> webhook_delivered_at_ms;
};

struct TaskRecord {
  std::string job_id;
  std::string domain;
  int input_index = 0;  // position in the job's domain list
  // The task's TaskState word.
  std::string state = ToString(TaskState::kPending);
  int attempts = 0;        // times handed to a runner
  std::string error_code;  // "" unless failed
  std::string error_message;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> finished_at_ms;
};

struct StoredProfile {
  std::string job_id;
  std::string domain;
  int input_index = 0;
  bool ok = false;         // profile status "ok"
  std::string error_code;  // "" when ok
  std::string error_message;
  std::string profile_json;  // ProfileToJson(...).dump()
  // The profile's ApprovalState word.
  std::string approval = ToString(ApprovalState::kPending);
  std::string edited_json;  // fields the reviewer changed, "" if none
  std::string reviewed_by;  // "" until approved/rejected
  std::optional<int64_t> reviewed_at_ms;
  int64_t updated_at_ms = 0;
};

// Jobs in one status (CountJobsByStatus).
struct StatusCount {
  std::string status;
  int64_t count = 0;
};

// Tasks of every job in one state with one error code (CountTasksByOutcome).
struct TaskOutcomeCount {
  std::string state;       // pending|processing|done|failed
  std::string error_code;  // "" unless failed (ErrorCodeName)
  int64_t count = 0;
};

struct ProfileQuery {
  std::string job_id;
  std::string approval;  // "" any, else pending|approved|rejected
  int limit = 100;       // at most 10,000 per call
  int64_t offset = 0;
};

// The database of --db when none is given: a SQLite file in the working folder.
inline constexpr const char* kDefaultDbPath = "trawl.db";

// A database URL fit for a log or a banner: the password of a
// postgresql:// URL replaced by "***"; a file path unchanged. Cannot fail.
std::string RedactDbUrl(const std::string& url);

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating if needed) and migrates. `url` is a file path (SQLite;
  // "" means "trawl.db") or `postgresql://user:pw@host:port/db` (also
  // `postgres://`). Fails with kUnavailable when the database cannot be
  // reached or migrated, kUsage on a malformed URL.
  static Result<std::unique_ptr<Store>> Open(const std::string& url);

  virtual std::string backend() const = 0;  // "sqlite" | "postgresql"
  // Highest migration applied.
  virtual Result<int> SchemaVersion() = 0;
  // A trivial round trip; kUnavailable when the connection is gone (a
  // PostgreSQL connection is re-established on the next call).
  virtual Result<void> Ping() = 0;

  // --- jobs ---------------------------------------------------------------
  // Inserts the job and one pending task per domain (input_index = position)
  // in one transaction. Domains must already be normalized and distinct.
  // Fails with kUsage if the id exists.
  // total is stored as domains.size(); kUsage too when a domain repeats or
  // mode/status is not one of the words above (nothing is stored then).
  // The options' webhook_url is stored with the job, its webhook pending;
  // options_json that ParseJobOptions refuses is kUsage.
  virtual Result<void> CreateJob(const JobRecord& job, const std::vector<std::string>& domains) = 0;
  // The job with completed/failed counted from its tasks; nullopt if unknown.
  virtual Result<std::optional<JobRecord>> GetJob(const std::string& id) = 0;
  // Newest first.
  virtual Result<std::vector<JobRecord>> ListJobs(int limit, int64_t offset) = 0;
  virtual Result<int64_t> CountJobs() = 0;
  // pending → processing and started_at set, only if still pending.
  virtual Result<void> MarkJobStarted(const std::string& id, int64_t now_ms) = 0;
  // Sets status (completed | cancelled) and finished_at unless the job is
  // already completed or cancelled. Returns true if it changed the job.
  // kUsage for any other status.
  virtual Result<bool> MarkJobFinished(const std::string& id, const std::string& status,
                                       int64_t now_ms) = 0;
  // Changes a job's mode (a parallel job whose enqueue failed runs embedded)
  // and records why. Returns false if no such job; kUsage for an unknown mode.
  virtual Result<bool> SetJobMode(const std::string& id, const std::string& mode,
                                  const std::string& fallback_reason) = 0;
  // Back to processing with finished_at cleared (retrying failed domains);
  // a webhook goes back to pending (attempts 0), so the next completion is
  // announced again.
  virtual Result<void> ReopenJob(const std::string& id) = 0;
  // Embedded jobs (mode sequential) in status pending or processing, oldest
  // first: what a restarted server resumes.
  virtual Result<std::vector<std::string>> UnfinishedEmbeddedJobs() = 0;

  // --- completion webhooks (src/api/webhook.h) ------------------------------
  // Up to `limit` jobs that are completed or cancelled, with a webhook
  // pending and due (webhook_next_at <= now_ms), oldest due first. Their
  // next_at moves to now_ms + lease_ms in the same transaction, so another
  // store (another server on the same database) does not claim them until
  // the lease ends: a claimer that dies is replaced after lease_ms.
  virtual Result<std::vector<JobRecord>> ClaimDueWebhooks(int64_t now_ms, int64_t lease_ms,
                                                          int limit) = 0;
  // Records one attempt of a claimed webhook: attempts + 1, last_error, and
  // status `outcome` (delivered: delivered_at = now_ms; pending: due again
  // at next_at_ms; failed). Only while the webhook is pending and the job's
  // finished_at is still `finished_at_ms` (0 for none): a job reopened
  // meanwhile is left to announce its next completion. Returns whether it
  // recorded; kUsage for another outcome.
  virtual Result<bool> RecordWebhookAttempt(const std::string& job_id, int64_t finished_at_ms,
                                            const std::string& outcome, const std::string& error,
                                            int64_t next_at_ms, int64_t now_ms) = 0;

  // --- tasks --------------------------------------------------------------
  // Up to `n` pending tasks of `job_id`, in input order, turned to
  // processing (attempts + 1, started_at = now). Empty when none are left.
  virtual Result<std::vector<TaskRecord>> ClaimTasks(const std::string& job_id, int n,
                                                     int64_t now_ms) = 0;
  // processing → pending for every task of the job (a restart resumes them).
  virtual Result<int64_t> ResetProcessingTasks(const std::string& job_id) = 0;
  // failed → pending for every failed task of the job, attempts reset;
  // returns the domains reopened (their stored profiles stay until replaced).
  virtual Result<std::vector<std::string>> ReopenFailedTasks(const std::string& job_id) = 0;
  // Tasks of a job in input order; `state` "" means any. (Cancelling a job
  // leaves its tasks as they are: the job status stops the runners.)
  virtual Result<std::vector<TaskRecord>> ListTasks(const std::string& job_id,
                                                    const std::string& state, int limit,
                                                    int64_t offset) = 0;

  // The task of `domain` in the job; nullopt if the job has no such domain.
  virtual Result<std::optional<TaskRecord>> GetTask(const std::string& job_id,
                                                    const std::string& domain) = 0;
  // Tasks of a job; `state` "" means any.
  virtual Result<int64_t> CountTasks(const std::string& job_id, const std::string& state) = 0;

  // --- profiles -----------------------------------------------------------
  // Upserts the profile by (job, domain) and sets the task's state (done when
  // ok, failed otherwise, with error and finished_at) in one transaction. An
  // upsert keeps an approval that was already given, unless the new profile's
  // approval is not pending (auto-approve). Returns true if the profile is new.
  // Fails with kNotFound when the job does not exist, kUsage on an unknown
  // approval word.
  virtual Result<bool> PutProfile(const StoredProfile& profile) = 0;
  virtual Result<std::optional<StoredProfile>> GetProfile(const std::string& job_id,
                                                          const std::string& domain) = 0;
  // In input order.
  virtual Result<std::vector<StoredProfile>> ListProfiles(const ProfileQuery& query) = 0;
  virtual Result<int64_t> CountProfiles(const std::string& job_id, const std::string& approval) = 0;
  // Sets approval (approved|rejected|pending), reviewer, time and, when given,
  // the reviewer's edited fields. Returns false if no such profile; kUsage on
  // an unknown approval word.
  virtual Result<bool> SetApproval(const std::string& job_id, const std::string& domain,
                                   const std::string& approval, const std::string& who,
                                   const std::string& edited_json, int64_t now_ms) = 0;
  // Sets every pending profile of the job to `approval` (approved|rejected)
  // with reviewer and time, in one statement; edits are kept as they are.
  // Returns how many changed; kUsage on another approval word.
  virtual Result<int64_t> ReviewAllPending(const std::string& job_id, const std::string& approval,
                                           const std::string& who, int64_t now_ms) = 0;

  // --- figures over every job (GET /metrics) --------------------------------
  // Jobs by status; a status no job is in is absent.
  virtual Result<std::vector<StatusCount>> CountJobsByStatus() = 0;
  // Tasks of every job by (state, error code); absent groups are absent.
  // Scans the whole tasks table: its cost grows with every domain ever stored.
  virtual Result<std::vector<TaskOutcomeCount>> CountTasksByOutcome() = 0;
};

}  // namespace trawl
