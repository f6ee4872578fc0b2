// Opening a store by URL: which back end, which errors; and a PostgreSQL
// store that outlives a server restart.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "servers/ports.h"
#include "servers/require.h"
#include "store_test_util.h"

namespace trawl::store_test {
namespace {

namespace fs = std::filesystem;
using trawl::testing::PostgresServer;

TEST(StoreOpenTest, OtherUrlSchemesAreUsageErrors) {
  for (const char* url : {"mysql://127.0.0.1/trawl", "redis://127.0.0.1:6379/0"}) {
    auto store = Store::Open(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code, ErrorCode::kUsage) << url;
  }
}

TEST(StoreOpenTest, MalformedPostgresUrlIsUsageError) {
  auto store = Store::Open("postgresql://127.0.0.1/trawl?no_such_setting=1");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUsage) << store.error().message;
}

TEST(StoreOpenTest, PostgresWithNothingListeningIsUnavailable) {
  auto start = std::chrono::steady_clock::now();
  auto store = Store::Open(
      fmt::format("postgresql://trawl@127.0.0.1:{}/trawl", testing::FreeLoopbackPort()));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  std::printf("store_tests unreachable_postgres_open_ms=%lld\n", static_cast<long long>(ms));
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable) << store.error().message;
}

TEST(StoreOpenTest, SqliteFileThatCannotBeOpenedIsUnavailable) {
  std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  std::ofstream(dir + "/not-a-db") << "this is not a SQLite database, just text, long enough "
                                      "to fill a header and then some more text";
  for (const std::string& path : {dir + "/no/such/folder/trawl.db", dir, dir + "/not-a-db"}) {
    auto store = Store::Open(path);
    ASSERT_FALSE(store) << path;
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable) << path << ": " << store.error().message;
  }
  fs::remove_all(dir);
}

TEST(StoreOpenTest, EmptyUrlMeansTrawlDbInTheWorkingFolder) {
  std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  fs::path previous = fs::current_path();
  fs::current_path(dir);
  {
    auto store = Store::Open("");
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ((*store)->backend(), "sqlite");
  }
  EXPECT_TRUE(fs::exists(fs::path(dir) / "trawl.db"));
  fs::current_path(previous);
  fs::remove_all(dir);
}

TEST(PostgresStoreTest, ReconnectsOnTheCallAfterTheServerCameBack) {
  TRAWL_REQUIRE_POSTGRES();
  PostgresServer& server = SharedPostgres();
  ASSERT_TRUE(server.ok());
  std::string url = FreshDatabase();
  ASSERT_FALSE(url.empty());
  auto store = Store::Open(url);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->CreateJob(Job("kept"), Domains(3)));

  server.Stop();
  auto down = (*store)->Ping();
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  auto still_down = (*store)->GetJob("kept");
  ASSERT_FALSE(still_down);
  EXPECT_EQ(still_down.error().code, ErrorCode::kUnavailable) << still_down.error().message;

  ASSERT_TRUE(server.Start());
  auto up = (*store)->Ping();
  EXPECT_TRUE(up) << up.error().message;
  auto job = (*store)->GetJob("kept");  // statements prepared again on the new session
  ASSERT_TRUE(job) << job.error().message;
  ASSERT_TRUE(job->has_value());
  EXPECT_EQ((*job)->total, 3);
  auto claimed = (*store)->ClaimTasks("kept", 2, 100);
  ASSERT_TRUE(claimed) << claimed.error().message;
  EXPECT_EQ(claimed->size(), 2u);
}

}  // namespace
}  // namespace trawl::store_test
