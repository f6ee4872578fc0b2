// Storage: opening a store by URL (store.h). The URL picks the back end; the
// store behind it is the same SqlStore with that back end's connection and
// dialect.
#include "store/store.h"

#include <fmt/format.h>

#include <string_view>

#include "store/postgres_connection.h"
#include "store/sql_store.h"
#include "store/sqlite_connection.h"

namespace trawl {
namespace {

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

// Finishes opening: migrates, and hands the store out only if that worked.
Result<std::unique_ptr<Store>> Migrated(std::unique_ptr<SqlStore> store) {
  if (auto migrated = store->Migrate(); !migrated) {
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot migrate the {} database: {}",
                                                     store->backend(), migrated.error().message));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& url) {
  if (IsPostgresUrl(url)) {
    auto connection = PostgresConnection::Open(url);
    if (!connection) return tl::unexpected(connection.error());
    return Migrated(std::make_unique<SqlStore>(std::move(*connection), PostgresDialect()));
  }
  // Any other scheme ("mysql://", "redis://") is a mistake, not a file
  // name; a "://" after the first slash is part of a path.
  if (auto scheme_end = url.find("://");
      scheme_end != std::string::npos && url.find('/') > scheme_end) {
    return Fail(ErrorCode::kUsage,
                fmt::format("unsupported database URL '{}': want a file path or postgresql://",
                            url.substr(0, scheme_end + 3)));
  }
  auto connection = SqliteConnection::Open(url.empty() ? kDefaultDbPath : url);
  if (!connection) return tl::unexpected(connection.error());
  return Migrated(std::make_unique<SqlStore>(std::move(*connection), SqliteDialect()));
}

std::string RedactDbUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace trawl
