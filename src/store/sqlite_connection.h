// SqlConnection over one SQLite connection (the sqlite3 C API): WAL journal,
// 5 s busy timeout, foreign keys on, every named query prepared once and kept.
// Not thread-safe (opened in SQLite's multi-thread mode); SqlStore holds a
// mutex around every call. Owns the connection and its statements.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/sql_connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace trawl {

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if needed) the database file at `path`. Fails with
  // kUnavailable when the file cannot be opened or is not a database.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path);

  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<SqlResult> Run(const NamedQuery& query, const std::vector<SqlValue>& params) override;
  Result<void> RunScript(const char* sql) override;

 private:
  struct Statement {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> param_of_slot;  // bind slot i+1 takes parameter $param_of_slot[i]
  };

  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  // The cached statement for `query`, prepared on first use; kInternal when
  // the SQL does not compile.
  Result<Statement*> Prepare(const NamedQuery& query);
  Error LastError(int rc, const char* what) const;

  sqlite3* db_;
  std::unordered_map<std::string, Statement> statements_;
};

}  // namespace trawl
