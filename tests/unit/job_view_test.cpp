// The job view takes each fact from its owner (docs/operations.md): the
// database for an embedded job and for what only it holds, Redis's live hash
// for the status and counters of a parallel job.
#include "api/job_view.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace trawl::api {
namespace {

JobRecord Stored(const std::string& mode) {
  JobRecord job;
  job.id = "9f1c2b7a0d4e6f13";
  job.mode = mode;
  job.status = "processing";
  job.total = 10;
  job.completed = 2;
  job.failed = 1;
  job.created_at_ms = 1'700'000'000'000;
  job.started_at_ms = 1'700'000'001'000;
  job.options_json = R"({"max_pages":5})";
  job.fallback_reason = "";
  return job;
}

QueueJob Live() {
  QueueJob q;
  q.id = "9f1c2b7a0d4e6f13";
  q.status = "completed";
  q.total = 10;
  q.completed = 8;
  q.failed = 2;
  q.started_at_ms = 1'700'000'000'500;
  q.finished_at_ms = 1'700'000'060'000;
  return q;
}

TEST(BuildJobView, AParallelJobTakesStatusCountersAndTimesFromRedis) {
  QueueJob live = Live();
  JobView view = BuildJobView(Stored(kModeParallel), &live);
  EXPECT_EQ(view.counters_from, kFromRedis);
  EXPECT_EQ(view.job.status, "completed");
  EXPECT_EQ(view.job.completed, 8);
  EXPECT_EQ(view.job.failed, 2);
  EXPECT_EQ(view.job.started_at_ms, 1'700'000'000'500);
  EXPECT_EQ(view.job.finished_at_ms, 1'700'000'060'000);
  EXPECT_EQ(view.job.options_json, R"({"max_pages":5})") << "the database owns the options";
  EXPECT_EQ(view.job.created_at_ms, 1'700'000'000'000);
}

TEST(BuildJobView, WithoutRedisTheDatabaseStandsIn) {
  JobView view = BuildJobView(Stored(kModeParallel), nullptr);
  EXPECT_EQ(view.counters_from, kFromDatabase);
  EXPECT_EQ(view.job.status, "processing");
  EXPECT_EQ(view.job.completed, 2);
}

TEST(BuildJobView, AnEmbeddedJobIgnoresAStaleRedisHash) {
  QueueJob live = Live();
  JobView view = BuildJobView(Stored(kModeEmbedded), &live);
  EXPECT_EQ(view.counters_from, kFromDatabase);
  EXPECT_EQ(view.job.status, "processing");
  EXPECT_EQ(view.job.completed, 2);
}

TEST(BuildJobView, UnsetRedisTimesKeepTheDatabases) {
  QueueJob live = Live();
  live.started_at_ms = 0;
  live.finished_at_ms = 0;
  JobView view = BuildJobView(Stored(kModeParallel), &live);
  EXPECT_EQ(view.job.started_at_ms, 1'700'000'001'000);
  EXPECT_FALSE(view.job.finished_at_ms.has_value());
}

TEST(JobViewToJson, ShowsTheViewsFields) {
  QueueJob live = Live();
  nlohmann::json body = JobViewToJson(BuildJobView(Stored(kModeParallel), &live), 0);
  EXPECT_EQ(body["job_id"], "9f1c2b7a0d4e6f13");
  EXPECT_EQ(body["status"], "completed");
  EXPECT_EQ(body["completed"], 8);
  EXPECT_EQ(body["finished_at"], "2023-11-14T22:14:20.000Z");
  EXPECT_TRUE(body["webhook"].is_null());
  EXPECT_TRUE(body["fallback_reason"].is_null());
  EXPECT_FALSE(body.contains("counters_from"));
}

TEST(ToQueueJob, CopiesTheStoredFactsRedisNeeds) {
  QueueJob q = ToQueueJob(Stored(kModeParallel));
  EXPECT_EQ(q.id, "9f1c2b7a0d4e6f13");
  EXPECT_EQ(q.mode, kModeParallel);
  EXPECT_EQ(q.total, 10);
  EXPECT_EQ(q.created_at_ms, 1'700'000'000'000);
  EXPECT_EQ(q.options_json, R"({"max_pages":5})");
  EXPECT_EQ(q.completed, 0) << "a new job's counters start at zero in Redis";
}

}  // namespace
}  // namespace trawl::api
