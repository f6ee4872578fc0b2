// The PostgreSQL schema and PostgreSQL's own queries (dialect.h).
#include "store/dialect.h"

namespace trawl {
namespace {

// Times are BIGINT milliseconds, as in SQLite, so that both back ends read
// and write the same values. JSON is kept as TEXT: byte-for-byte what was
// stored (JSONB would reorder keys).
//
// Unlike SQLite, tasks.job_id has no foreign key here: PostgreSQL checks one
// row at a time, which doubled the time of a 100,000-domain CreateJob. Tasks
// are only written with their job (CreateJob) or with a profile, and the
// profile's foreign key refuses an unknown job in that same transaction.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE jobs (
  id              TEXT PRIMARY KEY,
  mode            TEXT NOT NULL CHECK (mode IN ('redis_parallel', 'sequential')),
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'processing', 'completed', 'cancelled')),
  total           BIGINT NOT NULL DEFAULT 0,
  created_at      BIGINT NOT NULL,
  started_at      BIGINT,
  finished_at     BIGINT,
  options         TEXT NOT NULL DEFAULT '{}',
  fallback_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_created ON jobs (created_at, id);

CREATE TABLE tasks (
  job_id        TEXT NOT NULL,
  domain        TEXT NOT NULL,
  input_index   INTEGER NOT NULL,
  state         TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'processing', 'done', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  error_code    TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  started_at    BIGINT,
  finished_at   BIGINT,
  PRIMARY KEY (job_id, domain)
);
CREATE INDEX tasks_by_state ON tasks (job_id, state, input_index);
CREATE INDEX tasks_by_index ON tasks (job_id, input_index);

CREATE TABLE profiles (
  job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  domain        TEXT NOT NULL,
  input_index   INTEGER NOT NULL,
  ok            BOOLEAN NOT NULL,
  error_code    TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  profile_json  TEXT NOT NULL,
  approval      TEXT NOT NULL DEFAULT 'pending'
                CHECK (approval IN ('pending', 'approved', 'rejected')),
  edited_json   TEXT NOT NULL DEFAULT '',
  reviewed_by   TEXT NOT NULL DEFAULT '',
  reviewed_at   BIGINT,
  updated_at    BIGINT NOT NULL,
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
ALTER TABLE jobs ADD COLUMN webhook_next_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN webhook_last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN webhook_delivered_at BIGINT;
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

// Several workers claim at once on PostgreSQL: each locks the rows it picks
// and skips rows another transaction has locked, so no task is handed out
// twice and nobody waits for anybody.
constexpr NamedQuery kClaimTasks = {
    "claim_tasks",
    "UPDATE tasks SET state = " TRAWL_Q_PROCESSING
    ", attempts = attempts + 1, started_at = $3, "
    "finished_at = NULL "
    "WHERE state = " TRAWL_Q_PENDING
    " AND (job_id, domain) IN ("
    "  SELECT job_id, domain FROM tasks WHERE job_id = $1 AND state = " TRAWL_Q_PENDING
    " "
    "  ORDER BY input_index LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "RETURNING job_id, domain, input_index, state, attempts, error_code, error_message, "
    "started_at, finished_at"};

// One round trip per chunk of domains, passed as one JSON array parameter.
constexpr NamedQuery kInsertTasks = {
    "insert_tasks",
    "INSERT INTO tasks (job_id, domain, input_index) "
    "SELECT $1, d.value, $2::bigint + d.ord - 1 "
    "FROM json_array_elements_text($3::json) WITH ORDINALITY AS d(value, ord)"};

// As kClaimTasks: rows another server is claiming are skipped, not waited
// for. The outer conditions are checked again on the row as it is once
// locked, so a row claimed by another transaction meanwhile is not taken.
constexpr NamedQuery kClaimWebhooks = {
    "claim_webhooks",
    "UPDATE jobs SET webhook_next_at = $2 "
    "WHERE webhook_status = " TRAWL_Q_PENDING
    " AND webhook_next_at <= $1 AND id IN ("
    "  SELECT id FROM jobs WHERE webhook_status = " TRAWL_Q_PENDING
    " AND webhook_next_at <= $1 "
    "  AND status IN (" TRAWL_Q_COMPLETED ", " TRAWL_Q_CANCELLED
    ") ORDER BY webhook_next_at, id LIMIT $3 "
    "  FOR UPDATE SKIP LOCKED) "
    "RETURNING id"};

constexpr Dialect kPostgres = {
    .backend = "postgresql",
    .begin_write = "BEGIN",
    .create_migrations_table =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
    // Workers starting together on an empty database would otherwise race
    // to create the same tables; the lock is released at COMMIT. The key is
    // an arbitrary constant of trawl's own: "trawl" in ASCII, 0x747261776C.
    .migration_lock = "SELECT pg_advisory_xact_lock(500135196524)",
    .migrations = kMigrations,
    .claim_tasks = kClaimTasks,
    .insert_tasks = kInsertTasks,
    .claim_webhooks = kClaimWebhooks,
};

}  // namespace

const Dialect& PostgresDialect() { return kPostgres; }

}  // namespace trawl
