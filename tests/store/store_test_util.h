// Shared pieces of the storage suite: the PostgreSQL server of the test
// process, record builders, and StoreTest, the fixture that runs each test
// once per back end (SQLite in a temporary file, PostgreSQL in a fresh
// database). Single-threaded setup; the stores it opens are thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "servers/postgres_server.h"
#include "store/store.h"

namespace trawl::store_test {

inline constexpr const char* kSqlite = "sqlite";
inline constexpr const char* kPostgres = "postgresql";

// One server for the whole test process, started on first use and stopped
// (its folder removed) at exit.
trawl::testing::PostgresServer& SharedPostgres();
// The URL of a new, empty database on SharedPostgres(); "" on failure.
std::string FreshDatabase();
// A new folder under /tmp; "" on failure. The caller removes it.
std::string MakeTempDir();

// "d0.test", "d1.test", ... (`prefix` replaces "d").
std::vector<std::string> Domains(int n, const std::string& prefix = "d");
JobRecord Job(const std::string& id, const std::string& mode = kModeEmbedded,
              int64_t created_at_ms = 1000);
// An ok profile, or a failed one with error "timeout".
StoredProfile Profile(const std::string& job_id, const std::string& domain, int input_index,
                      bool ok, const std::string& approval = "pending",
                      int64_t updated_at_ms = 5000);

// The parameter is the back end: kSqlite or kPostgres. PostgreSQL tests are
// skipped (not failed) only when its server binaries are not installed, and
// fail then too under CI=true (TRAWL_REQUIRE_POSTGRES, servers/require.h).
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Another store on the test's database; nullptr (and a failure) if it
  // cannot be opened.
  std::unique_ptr<Store> OpenStore();

  // Each adds a test failure when the call fails or finds nothing.
  void Create(const JobRecord& job, const std::vector<std::string>& domains);
  JobRecord MustGetJob(const std::string& id);
  TaskRecord MustGetTask(const std::string& job_id, int input_index);
  StoredProfile MustGetProfile(const std::string& job_id, const std::string& domain);
  void Put(const StoredProfile& profile, bool expect_new);

  std::string dir_;  // SQLite only
  std::string url_;
  std::unique_ptr<Store> store_;
};

}  // namespace trawl::store_test
