// What differs between the SQLite and PostgreSQL back ends: the schema
// (numbered migrations), how a writer takes its lock, and the queries whose
// dialects part ways (claiming tasks and webhooks, bulk-inserting tasks). The
// SQL both share is in queries.h. Constant data; thread-safe.
#pragma once

#include <span>

#include "core/states.h"
#include "store/sql_connection.h"

namespace trawl {

// One schema change. Versions start at 1 and only grow; a released
// migration is never edited, a new one is appended.
struct Migration {
  int version;
  const char* name;
  const char* sql;  // one or more statements, run as one script
};

struct Dialect {
  const char* backend;                  // "sqlite" | "postgresql"
  const char* begin_write;              // opens a transaction that will write
  const char* create_migrations_table;  // idempotent
  const char* migration_lock;           // run first in the migration transaction; "" none
  std::span<const Migration> migrations;
  // $1 job, $2 how many, $3 now → the claimed tasks (task columns, any order).
  NamedQuery claim_tasks;
  // $1 job, $2 input_index of the first domain, $3 JSON array of domains.
  NamedQuery insert_tasks;
  // $1 now, $2 lease end, $3 how many → ids of the claimed webhooks.
  NamedQuery claim_webhooks;
};

// Cannot fail; the objects live for the whole program.
const Dialect& SqliteDialect();
const Dialect& PostgresDialect();

}  // namespace trawl
