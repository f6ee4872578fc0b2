// The storage contract (src/store/store.h), one suite run against both back
// ends: SQLite in a temporary file and a real PostgreSQL (started once per
// test process, a fresh database per test). This file: schema, jobs, tasks;
// store_profiles_test.cpp: profiles and size; store_open_test.cpp: URLs and
// reconnecting.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "store_test_util.h"

namespace trawl::store_test {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(kSqlite, kPostgres),
                         [](const auto& info) { return info.param; });

// --- schema ----------------------------------------------------------------

TEST_P(StoreTest, MigrationsAreAppliedOnceAndReopeningKeepsTheVersion) {
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_GE(*version, 1);
  Create(Job("j1"), Domains(2));
  store_.reset();

  auto again = OpenStore();
  ASSERT_NE(again, nullptr);
  auto version_again = again->SchemaVersion();
  ASSERT_TRUE(version_again);
  EXPECT_EQ(*version_again, *version);
  auto job = again->GetJob("j1");
  ASSERT_TRUE(job && job->has_value()) << "data survives reopening";
  EXPECT_EQ((*job)->total, 2);
}

TEST_P(StoreTest, StoresOpenedTogetherOnAnEmptyDatabaseMigrateIt) {
  std::string url;
  if (GetParam() == kSqlite) {
    url = dir_ + "/together.db";
  } else {
    url = FreshDatabase();
    ASSERT_FALSE(url.empty());
  }
  constexpr int kOpeners = 4;
  std::vector<Result<int>> versions(kOpeners, Fail(ErrorCode::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto store = Store::Open(url);
      versions[i] = store ? (*store)->SchemaVersion() : tl::unexpected(store.error());
    });
  }
  for (auto& thread : threads) thread.join();
  auto expected = store_->SchemaVersion();
  ASSERT_TRUE(expected);
  for (const auto& version : versions) {
    ASSERT_TRUE(version) << version.error().message;
    EXPECT_EQ(*version, *expected);
  }
}

TEST_P(StoreTest, PingAnswers) {
  auto ping = store_->Ping();
  EXPECT_TRUE(ping) << ping.error().message;
}

// --- jobs ------------------------------------------------------------------

TEST_P(StoreTest, CreatedJobHasItsFieldsAndCountsFromTasks) {
  JobRecord job = Job("job-a", kModeParallel, 1234);
  job.fallback_reason = "";
  Create(job, Domains(3));

  JobRecord got = MustGetJob("job-a");
  EXPECT_EQ(got.id, "job-a");
  EXPECT_EQ(got.mode, kModeParallel);
  EXPECT_EQ(got.status, "pending");
  EXPECT_EQ(got.total, 3);
  EXPECT_EQ(got.completed, 0);
  EXPECT_EQ(got.failed, 0);
  EXPECT_EQ(got.created_at_ms, 1234);
  EXPECT_FALSE(got.started_at_ms.has_value());
  EXPECT_FALSE(got.finished_at_ms.has_value());
  EXPECT_EQ(got.options_json, R"({"max_pages":10})");

  Put(Profile("job-a", "d0.test", 0, true), true);
  Put(Profile("job-a", "d2.test", 2, false), true);
  got = MustGetJob("job-a");
  EXPECT_EQ(got.completed, 1);
  EXPECT_EQ(got.failed, 1);
  EXPECT_EQ(got.total, 3);
}

TEST_P(StoreTest, UnknownJobIsNullopt) {
  auto job = store_->GetJob("nope");
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_FALSE(job->has_value());
}

TEST_P(StoreTest, DuplicateJobIdIsRefusedAndChangesNothing) {
  Create(Job("dup"), Domains(2));
  auto again = store_->CreateJob(Job("dup"), Domains(5, "other"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kUsage);
  EXPECT_EQ(MustGetJob("dup").total, 2);
  auto tasks = store_->ListTasks("dup", "", 100, 0);
  ASSERT_TRUE(tasks);
  EXPECT_EQ(tasks->size(), 2u);
}

TEST_P(StoreTest, JobWithADomainTwiceIsRefusedWhole) {
  auto created = store_->CreateJob(Job("twice"), {"a.test", "b.test", "a.test"});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kUsage);
  auto job = store_->GetJob("twice");
  ASSERT_TRUE(job);
  EXPECT_FALSE(job->has_value()) << "the transaction was rolled back";
}

TEST_P(StoreTest, ListJobsIsNewestFirstWithPaging) {
  for (int i = 1; i <= 5; ++i) Create(Job(fmt::format("job{}", i), kModeEmbedded, i * 1000), {});
  auto count = store_->CountJobs();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 5);

  auto ids = [&](int limit, int64_t offset) {
    std::vector<std::string> out;
    auto jobs = store_->ListJobs(limit, offset);
    EXPECT_TRUE(jobs) << jobs.error().message;
    if (jobs) {
      for (const auto& job : *jobs) out.push_back(job.id);
    }
    return out;
  };
  EXPECT_EQ(ids(2, 0), (std::vector<std::string>{"job5", "job4"}));
  EXPECT_EQ(ids(2, 2), (std::vector<std::string>{"job3", "job2"}));
  EXPECT_EQ(ids(2, 4), (std::vector<std::string>{"job1"}));
  EXPECT_TRUE(ids(2, 5).empty());
  EXPECT_EQ(ids(100, 0).size(), 5u);
}

TEST_P(StoreTest, JobStartsOnlyFromPendingAndFinishesOnce) {
  Create(Job("life"), Domains(1));
  ASSERT_TRUE(store_->MarkJobStarted("life", 200));
  ASSERT_TRUE(store_->MarkJobStarted("life", 300));
  JobRecord job = MustGetJob("life");
  EXPECT_EQ(job.status, "processing");
  EXPECT_EQ(job.started_at_ms, std::optional<int64_t>(200));

  auto finished = store_->MarkJobFinished("life", "completed", 400);
  ASSERT_TRUE(finished);
  EXPECT_TRUE(*finished);
  auto again = store_->MarkJobFinished("life", "cancelled", 500);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "a completed job stays completed";
  job = MustGetJob("life");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.finished_at_ms, std::optional<int64_t>(400));

  auto bad = store_->MarkJobFinished("life", "processing", 600);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kUsage);
  auto unknown = store_->MarkJobFinished("nope", "completed", 600);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);

  ASSERT_TRUE(store_->ReopenJob("life"));
  job = MustGetJob("life");
  EXPECT_EQ(job.status, "processing");
  EXPECT_FALSE(job.finished_at_ms.has_value());
  EXPECT_EQ(job.started_at_ms, std::optional<int64_t>(200));
  auto cancelled = store_->MarkJobFinished("life", "cancelled", 700);
  ASSERT_TRUE(cancelled);
  EXPECT_TRUE(*cancelled);
  EXPECT_EQ(MustGetJob("life").status, "cancelled");
  ASSERT_TRUE(store_->MarkJobStarted("life", 800));
  EXPECT_EQ(MustGetJob("life").status, "cancelled") << "only a pending job starts";
}

TEST_P(StoreTest, SetJobModeRecordsTheFallback) {
  Create(Job("p", kModeParallel), Domains(1));
  auto changed = store_->SetJobMode("p", kModeEmbedded, "redis unreachable");
  ASSERT_TRUE(changed);
  EXPECT_TRUE(*changed);
  JobRecord job = MustGetJob("p");
  EXPECT_EQ(job.mode, kModeEmbedded);
  EXPECT_EQ(job.fallback_reason, "redis unreachable");
  auto unknown = store_->SetJobMode("nope", kModeEmbedded, "x");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  auto bad = store_->SetJobMode("p", "turbo", "x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kUsage);
}

TEST_P(StoreTest, UnfinishedEmbeddedJobsAreOldestFirst) {
  Create(Job("e-new", kModeEmbedded, 3000), {});
  Create(Job("e-old", kModeEmbedded, 1000), {});
  Create(Job("e-done", kModeEmbedded, 2000), {});
  Create(Job("p", kModeParallel, 500), {});
  ASSERT_TRUE(store_->MarkJobStarted("e-old", 1100));
  ASSERT_TRUE(store_->MarkJobFinished("e-done", "completed", 2100));

  auto ids = store_->UnfinishedEmbeddedJobs();
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::string>{"e-old", "e-new"}));
}

// --- tasks -----------------------------------------------------------------

TEST_P(StoreTest, ClaimTasksHandsOutPendingTasksInInputOrder) {
  Create(Job("c"), Domains(5));
  auto first = store_->ClaimTasks("c", 2, 100);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const TaskRecord& task = (*first)[i];
    EXPECT_EQ(task.job_id, "c");
    EXPECT_EQ(task.domain, fmt::format("d{}.test", i));
    EXPECT_EQ(task.input_index, i);
    EXPECT_EQ(task.state, "processing");
    EXPECT_EQ(task.attempts, 1);
    EXPECT_EQ(task.started_at_ms, std::optional<int64_t>(100));
  }
  auto rest = store_->ClaimTasks("c", 10, 200);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ((*rest)[0].input_index, 2);
  EXPECT_EQ((*rest)[2].input_index, 4);
  auto none = store_->ClaimTasks("c", 10, 300);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  auto processing = store_->ListTasks("c", "processing", 100, 0);
  ASSERT_TRUE(processing);
  EXPECT_EQ(processing->size(), 5u);
  auto pending = store_->ListTasks("c", "pending", 100, 0);
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());
  auto other_job = store_->ClaimTasks("unknown", 10, 300);
  ASSERT_TRUE(other_job);
  EXPECT_TRUE(other_job->empty());
}

TEST_P(StoreTest, ConcurrentClaimsFromSeveralStoresHandOutEachTaskOnce) {
  constexpr int kTasks = 2000;
  constexpr int kClaimers = 4;
  Create(Job("race"), Domains(kTasks));
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kClaimers - 1; ++i) stores.push_back(OpenStore());
  std::vector<Store*> claimers = {store_.get()};  // one store shared by two threads
  for (auto& store : stores) {
    ASSERT_NE(store, nullptr);
    claimers.push_back(store.get());
  }
  claimers.push_back(store_.get());

  std::mutex mutex;
  std::vector<std::string> claimed;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (Store* store : claimers) {
    threads.emplace_back([&, store] {
      for (int round = 0; round < kTasks; ++round) {  // bounded: a claim takes at least one
        auto tasks = store->ClaimTasks("race", 7, 1000);
        std::lock_guard lock(mutex);
        if (!tasks) {
          errors.push_back(tasks.error().message);
          return;
        }
        if (tasks->empty()) return;
        for (const auto& task : *tasks) claimed.push_back(task.domain);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kTasks));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(),
            static_cast<size_t>(kTasks));
  auto tasks = store_->ListTasks("race", "processing", 10'000, 0);
  ASSERT_TRUE(tasks);
  EXPECT_EQ(tasks->size(), static_cast<size_t>(kTasks));
  for (const auto& task : *tasks) EXPECT_EQ(task.attempts, 1) << task.domain;
}

TEST_P(StoreTest, ResetProcessingTasksMakesThemClaimableAgain) {
  Create(Job("r"), Domains(5));
  ASSERT_TRUE(store_->ClaimTasks("r", 3, 100));
  auto reset = store_->ResetProcessingTasks("r");
  ASSERT_TRUE(reset) << reset.error().message;
  EXPECT_EQ(*reset, 3);
  auto pending = store_->ListTasks("r", "pending", 100, 0);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 5u);

  auto again = store_->ClaimTasks("r", 2, 200);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ((*again)[0].input_index, 0);
  EXPECT_EQ((*again)[0].attempts, 2) << "attempts count deliveries";
  auto none = store_->ResetProcessingTasks("other");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
}

TEST_P(StoreTest, ListTasksPagesInInputOrder) {
  Create(Job("l"), Domains(10));
  auto page = store_->ListTasks("l", "", 3, 4);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].input_index, 4);
  EXPECT_EQ((*page)[2].domain, "d6.test");
  EXPECT_EQ((*page)[0].state, "pending");
  EXPECT_EQ((*page)[0].attempts, 0);
}

TEST_P(StoreTest, ReopenFailedTasksReturnsThemInInputOrder) {
  Create(Job("f"), Domains(4));
  ASSERT_TRUE(store_->ClaimTasks("f", 4, 100));
  Put(Profile("f", "d3.test", 3, false), true);
  Put(Profile("f", "d0.test", 0, true), true);
  Put(Profile("f", "d1.test", 1, false), true);

  auto reopened = store_->ReopenFailedTasks("f");
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_EQ(*reopened, (std::vector<std::string>{"d1.test", "d3.test"}));
  TaskRecord task = MustGetTask("f", 3);
  EXPECT_EQ(task.state, "pending");
  EXPECT_EQ(task.attempts, 0);
  EXPECT_EQ(task.error_code, "");
  EXPECT_FALSE(task.finished_at_ms.has_value());
  EXPECT_EQ(MustGetTask("f", 0).state, "done");
  EXPECT_EQ(MustGetTask("f", 2).state, "processing");
  auto profiles = store_->CountProfiles("f", "");
  ASSERT_TRUE(profiles);
  EXPECT_EQ(*profiles, 3) << "profiles stay until replaced";
  EXPECT_EQ(MustGetJob("f").failed, 0);
  auto none = store_->ReopenFailedTasks("f");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace trawl::store_test
