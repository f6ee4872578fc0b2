// The SQLite schema and SQLite's own queries (dialect.h).
#include "store/dialect.h"

namespace trawl {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE jobs (
  id              TEXT PRIMARY KEY,
  mode            TEXT NOT NULL CHECK (mode IN ('redis_parallel', 'sequential')),
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'processing', 'completed', 'cancelled')),
  total           INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  started_at      INTEGER,
  finished_at     INTEGER,
  options         TEXT NOT NULL DEFAULT '{}',
  fallback_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_created ON jobs (created_at, id);

CREATE TABLE tasks (
  job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  domain        TEXT NOT NULL,
  input_index   INTEGER NOT NULL,
  state         TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'processing', 'done', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  error_code    TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  started_at    INTEGER,
  finished_at   INTEGER,
  PRIMARY KEY (job_id, domain)
);
CREATE INDEX tasks_by_state ON tasks (job_id, state, input_index);
CREATE INDEX tasks_by_index ON tasks (job_id, input_index);

CREATE TABLE profiles (
  job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  domain        TEXT NOT NULL,
  input_index   INTEGER NOT NULL,
  ok            INTEGER NOT NULL,
  error_code    TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  profile_json  TEXT NOT NULL,
  approval      TEXT NOT NULL DEFAULT 'pending'
                CHECK (approval IN ('pending', 'approved', 'rejected')),
  edited_json   TEXT NOT NULL DEFAULT '',
  reviewed_by   TEXT NOT NULL DEFAULT '',
  reviewed_at   INTEGER,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (job_id, domain)
);
CREATE INDEX profiles_by_approval ON profiles (job_id, approval, input_index);
CREATE INDEX profiles_by_index ON profiles (job_id, input_index);
)sql";

// The completion webhook of a job (src/api/webhook.h). Its delivery state
// is here, not in the sender's memory, so a restart loses nothing and
// servers sharing the database never deliver one twice (claim_webhooks).
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE jobs ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN webhook_status TEXT NOT NULL DEFAULT 'none'
  CHECK (webhook_status IN ('none', 'pending', 'delivered', 'failed'));
ALTER TABLE jobs ADD COLUMN webhook_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN webhook_next_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN webhook_last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN webhook_delivered_at INTEGER;
CREATE INDEX jobs_webhooks_due ON jobs (webhook_next_at) WHERE webhook_status = 'pending';
)sql";

// GET /metrics counts every task by state and error code: an index it can
// read alone instead of the table.
constexpr const char* kSchemaV3 = R"sql(
CREATE INDEX tasks_by_outcome ON tasks (state, error_code);
)sql";

constexpr Migration kMigrations[] = {
    {1, "jobs, tasks and profiles", kSchemaV1},
    {2, "job completion webhooks", kSchemaV2},
    {3, "task counts by outcome", kSchemaV3},
};

// One statement, and run inside BEGIN IMMEDIATE: SQLite has one writer at a
// time, so two stores can never pick the same pending rows.
constexpr NamedQuery kClaimTasks = {
    "claim_tasks",
    "UPDATE tasks SET state = " TRAWL_Q_PROCESSING
    ", attempts = attempts + 1, started_at = $3, "
    "finished_at = NULL "
    "WHERE job_id = $1 AND state = " TRAWL_Q_PENDING
    " AND domain IN ("
    "  SELECT domain FROM tasks WHERE job_id = $1 AND state = " TRAWL_Q_PENDING
    " "
    "  ORDER BY input_index LIMIT $2) "
    "RETURNING job_id, domain, input_index, state, attempts, error_code, error_message, "
    "started_at, finished_at"};

// json_each yields the array's elements in order with their 0-based index as
// `key`: one statement inserts a whole chunk of domains.
constexpr NamedQuery kInsertTasks = {"insert_tasks",
                                     "INSERT INTO tasks (job_id, domain, input_index) "
                                     "SELECT $1, value, $2 + key FROM json_each($3)"};

// Under BEGIN IMMEDIATE, like kClaimTasks: one writer, so one claimer.
constexpr NamedQuery kClaimWebhooks = {
    "claim_webhooks",
    "UPDATE jobs SET webhook_next_at = $2 "
    "WHERE id IN ("
    "  SELECT id FROM jobs WHERE webhook_status = " TRAWL_Q_PENDING
    " AND webhook_next_at <= $1 "
    "  AND status IN (" TRAWL_Q_COMPLETED ", " TRAWL_Q_CANCELLED
    ") ORDER BY webhook_next_at, id LIMIT $3) "
    "RETURNING id"};

constexpr Dialect kSqlite = {
    .backend = "sqlite",
    .begin_write = "BEGIN IMMEDIATE",
    .create_migrations_table =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    .migration_lock = "",  // BEGIN IMMEDIATE already excludes other writers
    .migrations = kMigrations,
    .claim_tasks = kClaimTasks,
    .insert_tasks = kInsertTasks,
    .claim_webhooks = kClaimWebhooks,
};

}  // namespace

const Dialect& SqliteDialect() { return kSqlite; }

}  // namespace trawl
