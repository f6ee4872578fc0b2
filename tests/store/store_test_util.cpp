// Shared pieces of the storage suite (store_test_util.h).
#include "store_test_util.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "servers/require.h"

namespace trawl::store_test {

namespace fs = std::filesystem;
using trawl::testing::PostgresServer;

PostgresServer& SharedPostgres() {
  static PostgresServer server;
  return server;
}

std::string FreshDatabase() {
  static int counter = 0;
  return SharedPostgres().CreateDatabase(fmt::format("store_test_{}", ++counter));
}

std::string MakeTempDir() {
  char pattern[] = "/tmp/trawl-store-XXXXXX";
  return mkdtemp(pattern) ? pattern : "";
}

std::vector<std::string> Domains(int n, const std::string& prefix) {
  std::vector<std::string> domains;
  domains.reserve(n);
  for (int i = 0; i < n; ++i) domains.push_back(fmt::format("{}{}.test", prefix, i));
  return domains;
}

JobRecord Job(const std::string& id, const std::string& mode, int64_t created_at_ms) {
  JobRecord job;
  job.id = id;
  job.mode = mode;
  job.created_at_ms = created_at_ms;
  job.options_json = R"({"max_pages":10})";
  return job;
}

StoredProfile Profile(const std::string& job_id, const std::string& domain, int input_index,
                      bool ok, const std::string& approval, int64_t updated_at_ms) {
  StoredProfile profile;
  profile.job_id = job_id;
  profile.domain = domain;
  profile.input_index = input_index;
  profile.ok = ok;
  if (!ok) {
    profile.error_code = "timeout";
    profile.error_message = "no answer within 10 s";
  }
  profile.profile_json =
      fmt::format(R"({{"domain":"{}","status":"{}"}})", domain, ok ? "ok" : "failed");
  profile.approval = approval;
  profile.updated_at_ms = updated_at_ms;
  return profile;
}

// ============================================================================
// StoreTest
// ============================================================================

void StoreTest::SetUp() {
  if (GetParam() == kSqlite) {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    url_ = dir_ + "/trawl.db";
  } else {
    TRAWL_REQUIRE_POSTGRES();
    ASSERT_TRUE(SharedPostgres().ok()) << "PostgreSQL did not start";
    url_ = FreshDatabase();
    ASSERT_FALSE(url_.empty());
  }
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  ASSERT_EQ(store_->backend(), GetParam());
}

void StoreTest::TearDown() {
  store_.reset();
  if (!dir_.empty()) fs::remove_all(dir_);
}

std::unique_ptr<Store> StoreTest::OpenStore() {
  auto store = Store::Open(url_);
  EXPECT_TRUE(store) << store.error().message;
  return store ? std::move(*store) : nullptr;
}

void StoreTest::Create(const JobRecord& job, const std::vector<std::string>& domains) {
  auto created = store_->CreateJob(job, domains);
  ASSERT_TRUE(created) << created.error().message;
}

JobRecord StoreTest::MustGetJob(const std::string& id) {
  auto job = store_->GetJob(id);
  EXPECT_TRUE(job && job->has_value()) << id;
  return job && *job ? **job : JobRecord{};
}

TaskRecord StoreTest::MustGetTask(const std::string& job_id, int input_index) {
  auto tasks = store_->ListTasks(job_id, "", 1, input_index);
  EXPECT_TRUE(tasks && tasks->size() == 1) << job_id << " #" << input_index;
  return tasks && tasks->size() == 1 ? tasks->front() : TaskRecord{};
}

StoredProfile StoreTest::MustGetProfile(const std::string& job_id, const std::string& domain) {
  auto profile = store_->GetProfile(job_id, domain);
  EXPECT_TRUE(profile && profile->has_value()) << job_id << "/" << domain;
  return profile && *profile ? **profile : StoredProfile{};
}

void StoreTest::Put(const StoredProfile& profile, bool expect_new) {
  auto put = store_->PutProfile(profile);
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(*put, expect_new) << profile.domain;
}

}  // namespace trawl::store_test
