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

constexpr Migration kMigrations[] = {
    {1, "jobs, tasks and profiles", kSchemaV1},
};

// Several workers claim at once on PostgreSQL: each locks the rows it picks
// and skips rows another transaction has locked, so no task is handed out
// twice and nobody waits for anybody.
constexpr NamedQuery kClaimTasks = {
    "claim_tasks",
    "UPDATE tasks SET state = 'processing', attempts = attempts + 1, started_at = $3, "
    "finished_at = NULL "
    "WHERE state = 'pending' AND (job_id, domain) IN ("
    "  SELECT job_id, domain FROM tasks WHERE job_id = $1 AND state = 'pending' "
    "  ORDER BY input_index LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "RETURNING job_id, domain, input_index, state, attempts, error_code, error_message, "
    "started_at, finished_at"};

// One round trip per chunk of domains, passed as one JSON array parameter.
constexpr NamedQuery kInsertTasks = {
    "insert_tasks",
    "INSERT INTO tasks (job_id, domain, input_index) "
    "SELECT $1, d.value, $2::bigint + d.ord - 1 "
    "FROM json_array_elements_text($3::json) WITH ORDINALITY AS d(value, ord)"};

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
};

}  // namespace

const Dialect& PostgresDialect() { return kPostgres; }

}  // namespace trawl
