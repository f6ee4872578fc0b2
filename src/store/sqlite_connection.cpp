// SqlConnection over the sqlite3 C API (sqlite_connection.h).
#include "store/sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <thread>

namespace trawl {
namespace {

// Long enough for a writer holding the lock through a 100,000-domain job
// insert; short enough that a stuck writer surfaces as an error.
constexpr int kBusyTimeoutMs = 5000;

// WAL lets readers run beside the one writer; synchronous=NORMAL is the
// setting WAL is designed for (a power cut may lose the last commits, never
// corrupt the file).
constexpr const char* kPragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

// "$12" → 12; 0 when the name is not of that form.
int ParamNumber(const char* name) {
  if (name == nullptr || name[0] != '$') return 0;
  int n = 0;
  const char* end = name + std::strlen(name);
  auto [ptr, ec] = std::from_chars(name + 1, end, n);
  return ec == std::errc() && ptr == end ? n : 0;
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  // NOMUTEX: the store serializes calls itself; EXRESCODE: extended codes
  // tell a foreign-key violation from a unique one.
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Fail(ErrorCode::kUnavailable,
                fmt::format("cannot open SQLite database '{}': {}", path, message));
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  char* error = nullptr;
  // Switching a new file to WAL takes an exclusive lock without going through
  // the busy handler, so processes opening the same new database at once can
  // get SQLITE_BUSY here: retry for as long as the busy timeout.
  for (int waited_ms = 0;; waited_ms += 20) {
    rc = sqlite3_exec(db, kPragmas, nullptr, nullptr, &error);
    if ((rc & 0xff) != SQLITE_BUSY || waited_ms >= kBusyTimeoutMs) break;
    sqlite3_free(error);
    error = nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    sqlite3_close_v2(db);
    return Fail(ErrorCode::kUnavailable,
                fmt::format("cannot use SQLite database '{}': {}", path, message));
  }
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
}

SqliteConnection::~SqliteConnection() {
  for (auto& [name, statement] : statements_) sqlite3_finalize(statement.stmt);
  sqlite3_close_v2(db_);
}

Error SqliteConnection::LastError(int rc, const char* what) const {
  std::string message = fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db_));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::kUnavailable, message};
    case SQLITE_CONSTRAINT:
      return {rc == SQLITE_CONSTRAINT_FOREIGNKEY ? ErrorCode::kNotFound : ErrorCode::kUsage,
              message};
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {ErrorCode::kIo, message};
    default:
      return {ErrorCode::kInternal, message};
  }
}

Result<SqliteConnection::Statement*> SqliteConnection::Prepare(const NamedQuery& query) {
  auto it = statements_.find(query.name);
  if (it != statements_.end()) return &it->second;
  Statement statement;
  int rc =
      sqlite3_prepare_v3(db_, query.sql, -1, SQLITE_PREPARE_PERSISTENT, &statement.stmt, nullptr);
  if (rc != SQLITE_OK) {
    Error error = LastError(rc, query.name);
    sqlite3_finalize(statement.stmt);
    return tl::unexpected(error);
  }
  int slots = sqlite3_bind_parameter_count(statement.stmt);
  for (int slot = 1; slot <= slots; ++slot) {
    int number = ParamNumber(sqlite3_bind_parameter_name(statement.stmt, slot));
    if (number == 0) {
      sqlite3_finalize(statement.stmt);
      return Fail(ErrorCode::kInternal,
                  fmt::format("sqlite: {}: parameters must be written $1, $2, ...", query.name));
    }
    statement.param_of_slot.push_back(number);
  }
  return &statements_.emplace(query.name, std::move(statement)).first->second;
}

Result<SqlResult> SqliteConnection::Run(const NamedQuery& query,
                                        const std::vector<SqlValue>& params) {
  auto statement = Prepare(query);
  if (!statement) return tl::unexpected(statement.error());
  sqlite3_stmt* stmt = (*statement)->stmt;
  // Reset even on early return, so the statement never holds a read lock.
  struct ResetOnExit {
    sqlite3_stmt* stmt;
    ~ResetOnExit() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } reset{stmt};

  const auto& slots = (*statement)->param_of_slot;
  for (size_t i = 0; i < slots.size(); ++i) {
    size_t index = static_cast<size_t>(slots[i]) - 1;
    if (index >= params.size()) {
      return Fail(ErrorCode::kInternal,
                  fmt::format("sqlite: {}: parameter ${} not given", query.name, slots[i]));
    }
    int slot = static_cast<int>(i) + 1;
    const SqlValue& value = params[index];
    int rc = SQLITE_OK;
    if (const auto* number = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt, slot, *number);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text64(stmt, slot, text->data(), text->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, slot);
    }
    if (rc != SQLITE_OK) return tl::unexpected(LastError(rc, query.name));
  }

  SqlResult result;
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return tl::unexpected(LastError(rc, query.name));
    int columns = sqlite3_column_count(stmt);
    SqlRow& row = result.rows.emplace_back();
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
        row.emplace_back(std::nullopt);
        continue;
      }
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      row.emplace_back(std::string(text ? text : "", sqlite3_column_bytes(stmt, c)));
    }
  }
  if (!sqlite3_stmt_readonly(stmt)) result.changed = sqlite3_changes64(db_);
  return result;
}

Result<void> SqliteConnection::RunScript(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return {};
  Error failure = LastError(rc, "script");
  if (error != nullptr) {
    failure.message = fmt::format("sqlite: {}", error);
    sqlite3_free(error);
  }
  return tl::unexpected(failure);
}

}  // namespace trawl
