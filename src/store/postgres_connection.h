// SqlConnection over one libpq connection: named queries go through
// PQprepare/PQexecPrepared with text parameters (prepared once per session);
// constant scripts through PQexec. A connection found broken at the start of
// a call is re-established first (PQreset), and its statements prepared
// again. Not thread-safe; SqlStore holds a mutex around every call.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/sql_connection.h"

struct pg_conn;

namespace trawl {

class PostgresConnection final : public SqlConnection {
 public:
  // Connects to `url` (postgresql:// or postgres:// URI, as libpq reads it).
  // Fails with kUsage when libpq cannot parse the URL, kUnavailable when the
  // server cannot be reached or refuses the login.
  static Result<std::unique_ptr<PostgresConnection>> Open(const std::string& url);

  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Result<SqlResult> Run(const NamedQuery& query, const std::vector<SqlValue>& params) override;
  Result<void> RunScript(const char* sql) override;

 private:
  explicit PostgresConnection(pg_conn* conn) : conn_(conn) {}
  // Resets a broken connection; kUnavailable when that fails too.
  Result<void> EnsureConnected();

  pg_conn* conn_;
  std::unordered_set<std::string> prepared_;  // statement names of this session
};

}  // namespace trawl
