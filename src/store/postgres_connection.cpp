// SqlConnection over libpq (postgres_connection.h).
#include "store/postgres_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <string_view>

namespace trawl {
namespace {

// Seconds libpq waits for a server that does not answer; a URL's own
// connect_timeout wins (see Open).
constexpr const char* kConnectTimeoutSeconds = "10";

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trimmed(const char* text) {
  std::string_view view = text ? text : "";
  while (!view.empty() && (view.back() == '\n' || view.back() == ' ')) view.remove_suffix(1);
  return std::string(view);
}

// Maps a failed command to the store's codes by SQLSTATE (PostgreSQL
// documentation, appendix A "PostgreSQL Error Codes").
Error ResultError(PGconn* conn, const PGresult* result, const char* what) {
  if (result == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return {ErrorCode::kUnavailable,
            fmt::format("postgresql: {}: {}", what, Trimmed(PQerrorMessage(conn)))};
  }
  std::string message = fmt::format("postgresql: {}: {}", what,
                                    Trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
  std::string_view state = PQresultErrorField(result, PG_DIAG_SQLSTATE)
                               ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                               : "";
  if (state == "23503") return {ErrorCode::kNotFound, message};      // foreign_key_violation
  if (state.starts_with("23")) return {ErrorCode::kUsage, message};  // other integrity rules
  // Connection exceptions, operator intervention (shutdown), insufficient
  // resources, serialization failure and deadlock: worth trying again later.
  if (state.starts_with("08") || state.starts_with("57P") || state.starts_with("53") ||
      state == "40001" || state == "40P01") {
    return {ErrorCode::kUnavailable, message};
  }
  return {ErrorCode::kInternal, message};
}

bool CommandSucceeded(const PGresult* result) {
  ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// The server's notices ("relation already exists, skipping", "there is no
// transaction in progress") are expected here; libpq would print them to
// stderr.
void IgnoreNotice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(const std::string& url) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    std::string message = parse_error ? Trimmed(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return Fail(ErrorCode::kUsage, fmt::format("malformed PostgreSQL URL: {}", message));
  }
  PQconninfoFree(options);

  // With expand_dbname, the URL in "dbname" is expanded in place: settings
  // it carries override the ones listed before it.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, "trawl", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Fail(ErrorCode::kUnavailable, "postgresql: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot connect to PostgreSQL: {}", message));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<PostgresConnection>(new PostgresConnection(conn));
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

Result<void> PostgresConnection::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return {};
  prepared_.clear();  // a new session knows none of them
  PQreset(conn_);
  if (PQstatus(conn_) == CONNECTION_OK) return {};
  return Fail(ErrorCode::kUnavailable,
              fmt::format("postgresql: connection lost and not re-established: {}",
                          Trimmed(PQerrorMessage(conn_))));
}

Result<SqlResult> PostgresConnection::Run(const NamedQuery& query,
                                          const std::vector<SqlValue>& params) {
  if (auto connected = EnsureConnected(); !connected) return tl::unexpected(connected.error());
  if (!prepared_.contains(query.name)) {
    // Parameter types are left to the server, inferred from each query.
    ResultPtr prepared(PQprepare(conn_, query.name, query.sql, 0, nullptr));
    if (!prepared || !CommandSucceeded(prepared.get())) {
      return tl::unexpected(ResultError(conn_, prepared.get(), query.name));
    }
    prepared_.insert(query.name);
  }

  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    if (const auto* number = std::get_if<int64_t>(&params[i])) {
      texts[i] = std::to_string(*number);
      values[i] = texts[i].c_str();
    } else if (const auto* text = std::get_if<std::string>(&params[i])) {
      values[i] = text->c_str();
    }
  }
  ResultPtr result(PQexecPrepared(conn_, query.name, static_cast<int>(values.size()), values.data(),
                                  nullptr, nullptr, /*resultFormat=*/0));
  if (!result || !CommandSucceeded(result.get())) {
    return tl::unexpected(ResultError(conn_, result.get(), query.name));
  }

  SqlResult out;
  int rows = PQntuples(result.get());
  int columns = PQnfields(result.get());
  out.rows.reserve(rows);
  for (int r = 0; r < rows; ++r) {
    SqlRow& row = out.rows.emplace_back();
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(
            std::string(PQgetvalue(result.get(), r, c), PQgetlength(result.get(), r, c)));
      }
    }
  }
  const char* changed = PQcmdTuples(result.get());
  if (changed != nullptr && *changed != '\0') out.changed = std::strtoll(changed, nullptr, 10);
  return out;
}

Result<void> PostgresConnection::RunScript(const char* sql) {
  if (auto connected = EnsureConnected(); !connected) return tl::unexpected(connected.error());
  ResultPtr result(PQexec(conn_, sql));
  if (!result || !CommandSucceeded(result.get())) {
    return tl::unexpected(ResultError(conn_, result.get(), "script"));
  }
  return {};
}

}  // namespace trawl
