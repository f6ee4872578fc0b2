// The narrow database interface the store is written against: run a named
// prepared query with typed parameters, or run constant SQL text. One
// implementation per back end (sqlite_connection.h, postgres_connection.h).
// Not thread-safe: SqlStore serializes every call on a connection.
// Internal to src/store; callers use store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"

namespace trawl {

// A query with a stable name: the key of the per-connection prepared-statement
// cache. Parameters are written $1, $2, ... in both dialects (SQLite binds
// them by name, so a query may use them in any order).
struct NamedQuery {
  const char* name;
  const char* sql;
};

// A bound parameter: NULL, an integer, or text. Values are always bound,
// never spliced into SQL text.
using SqlValue = std::variant<std::monostate, int64_t, std::string>;

// One result row, every column as text (integers in decimal, PostgreSQL
// booleans as "t"/"f"); nullopt for NULL.
using SqlRow = std::vector<std::optional<std::string>>;

struct SqlResult {
  std::vector<SqlRow> rows;
  int64_t changed = 0;  // rows inserted, updated or deleted by the statement
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs `query` (prepared on first use, then reused) with `params` bound to
  // $1..$n. Fails with kUnavailable (connection lost, database busy,
  // deadlock), kUsage (unique or check constraint violated), kNotFound
  // (foreign key violated: the job does not exist), kIo (disk) or kInternal.
  virtual Result<SqlResult> Run(const NamedQuery& query, const std::vector<SqlValue>& params) = 0;

  // Runs constant SQL text without parameters, possibly several statements:
  // transaction control and migrations. Fails like Run.
  virtual Result<void> RunScript(const char* sql) = 0;
};

}  // namespace trawl
