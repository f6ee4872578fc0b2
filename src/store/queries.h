// The store's SQL that SQLite and PostgreSQL share, one named query each
// (what differs is in dialect.h). Parameters are $1..$n; the column order of
// each SELECT is what sql_store.cpp reads. Constant data; thread-safe.
#pragma once

#include "core/states.h"
#include "store/sql_connection.h"

namespace trawl::queries {

// Column lists shared by several queries (undefined again at the end).
#define TRAWL_JOB_SELECT                                                                \
  "SELECT j.id, j.mode, j.status, j.total, j.created_at, j.started_at, j.finished_at, " \
  "j.options, j.fallback_reason, "                                                      \
  "(SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.state = " TRAWL_Q_DONE     \
  "), "                                                                                 \
  "(SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.state = " TRAWL_Q_FAILED   \
  "), "                                                                                 \
  "j.webhook_url, j.webhook_status, j.webhook_attempts, j.webhook_next_at, "            \
  "j.webhook_last_error, j.webhook_delivered_at FROM jobs j "
#define TRAWL_TASK_COLUMNS                                                                \
  "job_id, domain, input_index, state, attempts, error_code, error_message, started_at, " \
  "finished_at"
#define TRAWL_PROFILE_COLUMNS                                                            \
  "job_id, domain, input_index, ok, error_code, error_message, profile_json, approval, " \
  "edited_json, reviewed_by, reviewed_at, updated_at"

// --- schema ----------------------------------------------------------------

inline constexpr NamedQuery kSchemaVersion = {
    "schema_version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};
inline constexpr NamedQuery kRecordMigration = {
    "record_migration", "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)"};
inline constexpr NamedQuery kPing = {"ping", "SELECT 1"};

// --- jobs ------------------------------------------------------------------

inline constexpr NamedQuery kJobExists = {"job_exists", "SELECT 1 FROM jobs WHERE id = $1"};
inline constexpr NamedQuery kInsertJob = {
    "insert_job",
    "INSERT INTO jobs (id, mode, status, total, created_at, started_at, finished_at, options, "
    "fallback_reason, webhook_url, webhook_status) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};
inline constexpr NamedQuery kGetJob = {"get_job", TRAWL_JOB_SELECT "WHERE j.id = $1"};
inline constexpr NamedQuery kListJobs = {
    "list_jobs", TRAWL_JOB_SELECT "ORDER BY j.created_at DESC, j.id DESC LIMIT $1 OFFSET $2"};
inline constexpr NamedQuery kCountJobs = {"count_jobs", "SELECT count(*) FROM jobs"};
inline constexpr NamedQuery kMarkJobStarted = {
    "mark_job_started", "UPDATE jobs SET status = " TRAWL_Q_PROCESSING
                        ", started_at = $2 WHERE id = $1 AND status = " TRAWL_Q_PENDING};
inline constexpr NamedQuery kMarkJobFinished = {
    "mark_job_finished",
    "UPDATE jobs SET status = $2, finished_at = $3 "
    "WHERE id = $1 AND status NOT IN (" TRAWL_Q_COMPLETED ", " TRAWL_Q_CANCELLED ")"};
inline constexpr NamedQuery kSetJobMode = {
    "set_job_mode", "UPDATE jobs SET mode = $2, fallback_reason = $3 WHERE id = $1"};
// A job with a webhook announces its next completion afresh.
inline constexpr NamedQuery kReopenJob = {
    "reopen_job", "UPDATE jobs SET status = " TRAWL_Q_PROCESSING
                  ", finished_at = NULL, "
                  "webhook_status = CASE WHEN webhook_status = " TRAWL_Q_NONE " THEN " TRAWL_Q_NONE
                  " ELSE " TRAWL_Q_PENDING
                  " END, "
                  "webhook_attempts = 0, webhook_next_at = 0, webhook_last_error = '', "
                  "webhook_delivered_at = NULL WHERE id = $1"};
inline constexpr NamedQuery kUnfinishedEmbeddedJobs = {
    "unfinished_embedded_jobs",
    "SELECT id FROM jobs WHERE mode = 'sequential' AND status IN (" TRAWL_Q_PENDING
    ", " TRAWL_Q_PROCESSING
    ") "
    "ORDER BY created_at, id"};

// --- completion webhooks ---------------------------------------------------

// A read before the claim's write transaction: the sender asks every second,
// and on SQLite a write lock each time would stall the other writers.
inline constexpr NamedQuery kAnyDueWebhook = {
    "any_due_webhook", "SELECT 1 FROM jobs WHERE webhook_status = " TRAWL_Q_PENDING
                       " AND webhook_next_at <= $1 "
                       "AND status IN (" TRAWL_Q_COMPLETED ", " TRAWL_Q_CANCELLED ") LIMIT 1"};
// $1 job, $2 its finished_at when claimed (0: none), $3 outcome, $4 error,
// $5 next_at, $6 now.
inline constexpr NamedQuery kRecordWebhookAttempt = {
    "record_webhook_attempt",
    "UPDATE jobs SET webhook_status = $3, webhook_attempts = webhook_attempts + 1, "
    "webhook_last_error = $4, webhook_next_at = $5, "
    "webhook_delivered_at = CASE WHEN $3 = " TRAWL_Q_DELIVERED
    " THEN $6 ELSE webhook_delivered_at END "
    "WHERE id = $1 AND webhook_status = " TRAWL_Q_PENDING " AND COALESCE(finished_at, 0) = $2"};

// --- tasks -----------------------------------------------------------------

inline constexpr NamedQuery kResetProcessingTasks = {
    "reset_processing_tasks", "UPDATE tasks SET state = " TRAWL_Q_PENDING
                              " WHERE job_id = $1 AND state = " TRAWL_Q_PROCESSING};
inline constexpr NamedQuery kReopenFailedTasks = {
    "reopen_failed_tasks", "UPDATE tasks SET state = " TRAWL_Q_PENDING
                           ", attempts = 0, error_code = '', error_message = '', "
                           "finished_at = NULL WHERE job_id = $1 AND state = " TRAWL_Q_FAILED
                           " RETURNING domain, input_index"};
inline constexpr NamedQuery kListTasks = {
    "list_tasks", "SELECT " TRAWL_TASK_COLUMNS
                  " FROM tasks WHERE job_id = $1 ORDER BY input_index LIMIT $2 OFFSET $3"};
inline constexpr NamedQuery kListTasksInState = {
    "list_tasks_in_state",
    "SELECT " TRAWL_TASK_COLUMNS
    " FROM tasks WHERE job_id = $1 AND state = $2 ORDER BY input_index LIMIT $3 OFFSET $4"};
inline constexpr NamedQuery kGetTask = {
    "get_task", "SELECT " TRAWL_TASK_COLUMNS " FROM tasks WHERE job_id = $1 AND domain = $2"};
inline constexpr NamedQuery kCountTasks = {"count_tasks",
                                           "SELECT COUNT(*) FROM tasks WHERE job_id = $1"};
inline constexpr NamedQuery kCountTasksInState = {
    "count_tasks_in_state", "SELECT COUNT(*) FROM tasks WHERE job_id = $1 AND state = $2"};
// The task row follows its profile; inserted when a profile arrives for a
// domain the job's task list lacks.
inline constexpr NamedQuery kUpsertTaskOutcome = {
    "upsert_task_outcome",
    "INSERT INTO tasks (job_id, domain, input_index, state, error_code, error_message, "
    "finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (job_id, domain) DO UPDATE SET state = excluded.state, "
    "error_code = excluded.error_code, error_message = excluded.error_message, "
    "finished_at = excluded.finished_at"};

// --- profiles --------------------------------------------------------------

// Insert-or-nothing then update (not one upsert) because the caller must
// learn whether the row is new, and this works alike on both back ends; the
// INSERT waits for a concurrent insert of the same key, so it cannot race.
inline constexpr NamedQuery kInsertProfileIfNew = {
    "insert_profile_if_new", "INSERT INTO profiles (" TRAWL_PROFILE_COLUMNS
                             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                             "ON CONFLICT (job_id, domain) DO NOTHING"};
// A profile arriving with approval "pending" keeps the review already given
// (a re-crawl must not undo a reviewer's decision); any other approval is an
// auto-approval and replaces it.
inline constexpr NamedQuery kUpdateProfile = {
    "update_profile",
    "UPDATE profiles SET input_index = $3, ok = $4, error_code = $5, error_message = $6, "
    "profile_json = $7, "
    "approval = CASE WHEN $8 = " TRAWL_Q_PENDING
    " THEN approval ELSE $8 END, "
    "edited_json = CASE WHEN $8 = " TRAWL_Q_PENDING
    " THEN edited_json ELSE $9 END, "
    "reviewed_by = CASE WHEN $8 = " TRAWL_Q_PENDING
    " THEN reviewed_by ELSE $10 END, "
    "reviewed_at = CASE WHEN $8 = " TRAWL_Q_PENDING
    " THEN reviewed_at ELSE $11 END, "
    "updated_at = $12 WHERE job_id = $1 AND domain = $2"};
inline constexpr NamedQuery kGetProfile = {"get_profile",
                                           "SELECT " TRAWL_PROFILE_COLUMNS
                                           " FROM profiles WHERE job_id = $1 AND domain = $2"};
inline constexpr NamedQuery kListProfiles = {
    "list_profiles", "SELECT " TRAWL_PROFILE_COLUMNS
                     " FROM profiles WHERE job_id = $1 ORDER BY input_index, domain "
                     "LIMIT $2 OFFSET $3"};
inline constexpr NamedQuery kListProfilesByApproval = {
    "list_profiles_by_approval",
    "SELECT " TRAWL_PROFILE_COLUMNS
    " FROM profiles WHERE job_id = $1 AND approval = $2 ORDER BY input_index, domain "
    "LIMIT $3 OFFSET $4"};
inline constexpr NamedQuery kCountProfiles = {"count_profiles",
                                              "SELECT count(*) FROM profiles WHERE job_id = $1"};
inline constexpr NamedQuery kCountProfilesByApproval = {
    "count_profiles_by_approval",
    "SELECT count(*) FROM profiles WHERE job_id = $1 AND approval = $2"};
// Empty edited fields leave the earlier edit in place.
inline constexpr NamedQuery kSetApproval = {
    "set_approval",
    "UPDATE profiles SET approval = $3, reviewed_by = $4, "
    "edited_json = CASE WHEN $5 = '' THEN edited_json ELSE $5 END, "
    "reviewed_at = $6, updated_at = $6 WHERE job_id = $1 AND domain = $2"};
inline constexpr NamedQuery kReviewAllPending = {
    "review_all_pending",
    "UPDATE profiles SET approval = $2, reviewed_by = $3, reviewed_at = $4, updated_at = $4 "
    "WHERE job_id = $1 AND approval = " TRAWL_Q_PENDING};

// --- figures over every job (GET /metrics) ----------------------------------

inline constexpr NamedQuery kCountJobsByStatus = {
    "count_jobs_by_status", "SELECT status, count(*) FROM jobs GROUP BY status ORDER BY status"};
// A scan of the whole tasks table (no index leads with state).
inline constexpr NamedQuery kCountTasksByOutcome = {
    "count_tasks_by_outcome",
    "SELECT state, error_code, count(*) FROM tasks GROUP BY state, error_code "
    "ORDER BY state, error_code"};

#undef TRAWL_JOB_SELECT
#undef TRAWL_TASK_COLUMNS
#undef TRAWL_PROFILE_COLUMNS

}  // namespace trawl::queries
