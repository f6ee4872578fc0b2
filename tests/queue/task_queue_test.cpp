// TaskQueue against a real redis-server: the life of a job and its tasks
// (DESIGN.md §5, issue 3 "The queue"): claiming, counting once, reclaiming a
// dead worker's tasks, retries, the dead-letter stream, cancel, retry of
// failed domains, heartbeats, counts, configuration warnings, events, and
// surviving a Redis restart.
#include "queue/task_queue.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <nlohmann/json.hpp>
#include <set>

#include "queue_fixture.h"

namespace trawl {
namespace {

using std::chrono::milliseconds;

class TaskQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRAWL_REQUIRE_SHARED_REDIS();
    queue_ = std::make_unique<TaskQueue>(ConfigFor(*SharedRedis()));
  }

  // Creates a job of `n` domains; its id.
  std::string Create(const std::string& id, int n) {
    auto created = queue_->CreateJob(NewJob(id), Domains(n, id + "-"));
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message);
    return id;
  }

  QueueJob Job(const std::string& id) {
    auto job = queue_->GetJob(id);
    EXPECT_TRUE(job.has_value() && job->has_value());
    return job && *job ? **job : QueueJob{};
  }

  std::unique_ptr<TaskQueue> queue_;
};

TEST_F(TaskQueueTest, AJobCompletesExactlyWhenEveryDomainIsCounted) {
  Create("job1", 5);
  QueueJob job = Job("job1");
  EXPECT_EQ(job.status, "pending");
  EXPECT_EQ(job.mode, "redis_parallel");
  EXPECT_EQ(job.total, 5);
  EXPECT_EQ(job.created_at_ms, 1'700'000'000'000);
  EXPECT_EQ(job.started_at_ms, 0);

  auto tasks = ClaimUntil(*queue_, "worker-a", 5, 60'000);
  ASSERT_EQ(tasks.size(), 5u);
  std::set<int> indexes;
  for (const auto& task : tasks) {
    EXPECT_EQ(task.job_id, "job1");
    EXPECT_EQ(task.domain, "job1-" + std::to_string(task.input_index) + ".co.uk");
    EXPECT_EQ(task.attempt, 1);
    EXPECT_EQ(task.last_error_code, "");
    EXPECT_FALSE(task.entry_id.empty());
    indexes.insert(task.input_index);
  }
  EXPECT_EQ(indexes, (std::set<int>{0, 1, 2, 3, 4}));
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, 0);
  EXPECT_EQ(counts->pending, 5);

  for (size_t i = 0; i < 4; ++i) {
    auto done = queue_->Complete(tasks[i], i != 2);
    ASSERT_TRUE(done.has_value()) << done.error().message;
    EXPECT_TRUE(done->counted);
    EXPECT_FALSE(done->job_finished);
    EXPECT_EQ(done->completed + done->failed, static_cast<int64_t>(i + 1));
    EXPECT_EQ(done->total, 5);
    job = Job("job1");
    EXPECT_EQ(job.status, "processing");
    EXPECT_GT(job.started_at_ms, 0);
    EXPECT_EQ(job.finished_at_ms, 0);
  }
  auto last = queue_->Complete(tasks[4], true);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->counted);
  EXPECT_TRUE(last->job_finished);
  EXPECT_EQ(last->completed, 4);
  EXPECT_EQ(last->failed, 1);
  job = Job("job1");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.completed, 4);
  EXPECT_EQ(job.failed, 1);
  EXPECT_GE(job.finished_at_ms, job.started_at_ms);

  counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, 0);
  EXPECT_EQ(counts->pending, 0);
  // Finished entries are deleted, not only acknowledged.
  auto xlen = queue_->client().Command({"XLEN", queue_->client().Key("tasks")});
  ASSERT_TRUE(xlen.has_value());
  EXPECT_EQ(xlen->AsInt(), 0);
  auto jobs = queue_->client().Command({"ZRANGE", queue_->client().Key("jobs"), "0", "-1"});
  ASSERT_TRUE(jobs.has_value());
  ASSERT_EQ(jobs->elements.size(), 1u);
  EXPECT_EQ(jobs->elements[0].AsString(), "job1");
}

TEST_F(TaskQueueTest, UnknownJobIsEmptyNotAnError) {
  auto job = queue_->GetJob("nope");
  ASSERT_TRUE(job.has_value());
  EXPECT_FALSE(job->has_value());
}

TEST_F(TaskQueueTest, AnEmptyJobIsCompletedAtOnce) {
  Create("empty", 0);
  QueueJob job = Job("empty");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.total, 0);
}

TEST_F(TaskQueueTest, ARepeatedDeliveryIsCountedOnce) {
  Create("dup", 2);
  auto tasks = ClaimUntil(*queue_, "w", 2, 60'000);
  ASSERT_EQ(tasks.size(), 2u);
  auto first = queue_->Complete(tasks[0], true);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->counted);
  auto repeat = queue_->Complete(tasks[0], true);
  ASSERT_TRUE(repeat.has_value());
  EXPECT_FALSE(repeat->counted);
  EXPECT_FALSE(repeat->job_finished);
  EXPECT_EQ(repeat->completed, 1);
  auto failed_repeat = queue_->Complete(tasks[0], false);  // a late failure of a counted domain
  ASSERT_TRUE(failed_repeat.has_value());
  EXPECT_FALSE(failed_repeat->counted);
  EXPECT_EQ(failed_repeat->failed, 0);
  auto batch = queue_->CompleteBatch({tasks[1], tasks[1]}, {true, true});
  ASSERT_TRUE(batch.has_value());
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_TRUE((*batch)[0].counted);
  EXPECT_TRUE((*batch)[0].job_finished);
  EXPECT_FALSE((*batch)[1].counted);
  EXPECT_FALSE((*batch)[1].job_finished);
  QueueJob job = Job("dup");
  EXPECT_EQ(job.completed, 2);
  EXPECT_EQ(job.failed, 0);
  EXPECT_EQ(job.status, "completed");
}

TEST_F(TaskQueueTest, ARepeatOfAFinishedJobIsDroppedAtClaim) {
  Create("repeat", 1);
  auto held = ClaimUntil(*queue_, "w", 1, 60'000);
  ASSERT_EQ(held.size(), 1u);
  // A second copy is scheduled (as when a reclaimed task is retried by one
  // worker while the first worker finishes it) ...
  ASSERT_TRUE(queue_->Retry(held[0], Error{ErrorCode::kTimeout, "t"}, 0).has_value());
  ASSERT_TRUE(queue_->Complete(held[0], true).has_value());
  ASSERT_EQ(Job("repeat").status, "completed");
  // ... and is not handed out again once the job is complete.
  auto repeat = queue_->Claim("w", 10, 0, 60'000);
  ASSERT_TRUE(repeat.has_value());
  EXPECT_TRUE(repeat->empty());
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, 0);
  EXPECT_EQ(counts->pending, 0);
}

TEST_F(TaskQueueTest, CompleteBatchRecordsEachOutcome) {
  Create("batch", 4);
  auto tasks = ClaimUntil(*queue_, "w", 4, 60'000);
  ASSERT_EQ(tasks.size(), 4u);
  ASSERT_TRUE(queue_->client().Command({"SCRIPT", "FLUSH"}).has_value());  // forces the reload path
  auto results = queue_->CompleteBatch(tasks, {true, false, true, false});
  ASSERT_TRUE(results.has_value()) << results.error().message;
  ASSERT_EQ(results->size(), 4u);
  for (const auto& r : *results) EXPECT_TRUE(r.counted);
  EXPECT_TRUE(results->back().job_finished);
  QueueJob job = Job("batch");
  EXPECT_EQ(job.completed, 2);
  EXPECT_EQ(job.failed, 2);
  EXPECT_EQ(job.status, "completed");
}

TEST_F(TaskQueueTest, ATaskNeverAcknowledgedIsReclaimedByAnotherWorker) {
  Create("dead-worker", 1);
  auto held = ClaimUntil(*queue_, "worker-a", 1, 60'000);
  ASSERT_EQ(held.size(), 1u);
  // worker-a "dies" holding the task. With a long visibility nobody takes it.
  auto early = queue_->Claim("worker-b", 10, 0, 60'000);
  ASSERT_TRUE(early.has_value());
  EXPECT_TRUE(early->empty());
  // With 200 ms visibility, worker-b gets it once it has been idle that long.
  auto reclaimed = ClaimUntil(*queue_, "worker-b", 1, 200);
  ASSERT_EQ(reclaimed.size(), 1u);
  EXPECT_EQ(reclaimed[0].entry_id, held[0].entry_id);
  EXPECT_EQ(reclaimed[0].domain, held[0].domain);
  EXPECT_EQ(reclaimed[0].attempt, 2);
  auto done = queue_->Complete(reclaimed[0], true);
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(done->job_finished);
  // worker-a wakes up and finishes too: not counted again.
  auto late = queue_->Complete(held[0], true);
  ASSERT_TRUE(late.has_value());
  EXPECT_FALSE(late->counted);
  EXPECT_EQ(Job("dead-worker").completed, 1);
}

TEST_F(TaskQueueTest, TouchKeepsASlowTaskFromBeingReclaimed) {
  Create("slow", 2);
  auto held = ClaimUntil(*queue_, "worker-a", 2, 60'000);
  ASSERT_EQ(held.size(), 2u);
  std::this_thread::sleep_for(milliseconds(2500));
  // Both have been idle 2.5 s; worker-a touches only the first.
  ASSERT_TRUE(queue_->Touch("worker-a", {held[0].entry_id}).has_value());
  auto stolen = queue_->Claim("worker-b", 10, 0, 2000);
  ASSERT_TRUE(stolen.has_value()) << stolen.error().message;
  ASSERT_EQ(stolen->size(), 1u);
  EXPECT_EQ((*stolen)[0].entry_id, held[1].entry_id);
  EXPECT_TRUE(queue_->Touch("worker-a", {}).has_value());
}

TEST_F(TaskQueueTest, ARetriedTaskComesBackAfterItsDelayWithItsError) {
  Create("retry", 1);
  auto first = ClaimUntil(*queue_, "w", 1, 60'000);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(
      queue_->Retry(first[0], Error{ErrorCode::kTimeout, "took\ttoo long"}, 300).has_value());
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->delayed, 1);
  EXPECT_EQ(counts->depth, 1);

  auto again = ClaimUntil(*queue_, "w", 1, 60'000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].entry_id, first[0].entry_id);
  EXPECT_EQ(again[0].job_id, "retry");
  EXPECT_EQ(again[0].domain, first[0].domain);
  EXPECT_EQ(again[0].input_index, first[0].input_index);
  EXPECT_EQ(again[0].attempt, 2);
  EXPECT_EQ(again[0].last_error_code, "timeout");
  EXPECT_EQ(again[0].last_error_message, "took\ttoo long");
  counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->delayed, 0);
  auto done = queue_->Complete(again[0], true);
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(done->counted);
  EXPECT_TRUE(done->job_finished);
}

TEST_F(TaskQueueTest, ARetryIsNotDeliveredBeforeItIsDue) {
  Create("later", 1);
  auto first = ClaimUntil(*queue_, "w", 1, 60'000);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(queue_->Retry(first[0], Error{ErrorCode::kHttpError, "503"}, 600'000).has_value());
  auto none = queue_->Claim("w", 10, 0, 60'000);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_F(TaskQueueTest, DeadLetterKeepsTheLastErrorAndCountsAFailure) {
  Create("dead", 2);
  auto tasks = ClaimUntil(*queue_, "w", 2, 60'000);
  ASSERT_EQ(tasks.size(), 2u);
  tasks[0].attempt = 3;
  auto dead = queue_->DeadLetter(tasks[0], Error{ErrorCode::kWorkerCrashed, "worker died 3 times"});
  ASSERT_TRUE(dead.has_value()) << dead.error().message;
  EXPECT_TRUE(dead->counted);
  EXPECT_EQ(dead->failed, 1);
  EXPECT_FALSE(dead->job_finished);
  auto repeat = queue_->DeadLetter(tasks[0], Error{ErrorCode::kWorkerCrashed, "again"});
  ASSERT_TRUE(repeat.has_value());
  EXPECT_FALSE(repeat->counted);

  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->dead, 1);
  EXPECT_EQ(counts->pending, 1);
  auto entries = queue_->client().Command({"XRANGE", queue_->client().Key("dead"), "-", "+"});
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->elements.size(), 1u);
  std::map<std::string, std::string> fields;
  const auto& kv = entries->elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) fields[kv[i].AsString()] = kv[i + 1].AsString();
  EXPECT_EQ(fields["job"], "dead");
  EXPECT_EQ(fields["domain"], tasks[0].domain);
  EXPECT_EQ(fields["index"], std::to_string(tasks[0].input_index));
  EXPECT_EQ(fields["attempts"], "3");
  EXPECT_EQ(fields["error_code"], "worker_crashed");
  EXPECT_EQ(fields["error_message"], "worker died 3 times");
  EXPECT_FALSE(fields["at"].empty());

  auto last = queue_->Complete(tasks[1], true);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->job_finished);
  QueueJob job = Job("dead");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.completed, 1);
  EXPECT_EQ(job.failed, 1);
}

TEST_F(TaskQueueTest, CancelStopsTheJobAndClaimDropsItsTasks) {
  Create("cancel", 3);
  auto one = ClaimUntil(*queue_, "w", 1, 60'000);
  ASSERT_EQ(one.size(), 1u);
  auto cancelled = queue_->CancelJob("cancel");
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_TRUE(*cancelled);
  auto twice = queue_->CancelJob("cancel");
  ASSERT_TRUE(twice.has_value());
  EXPECT_TRUE(*twice);
  QueueJob job = Job("cancel");
  EXPECT_EQ(job.status, "cancelled");
  EXPECT_GT(job.finished_at_ms, 0);

  // The remaining tasks are dropped, not handed out.
  auto rest = queue_->Claim("w", 10, 0, 60'000);
  ASSERT_TRUE(rest.has_value());
  EXPECT_TRUE(rest->empty());
  // The one in hand is dropped by its worker.
  ASSERT_TRUE(queue_->Drop(one[0]).has_value());
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, 0);
  EXPECT_EQ(counts->pending, 0);
  job = Job("cancel");
  EXPECT_EQ(job.status, "cancelled");
  EXPECT_EQ(job.completed + job.failed, 0);

  auto unknown = queue_->CancelJob("no-such-job");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_FALSE(*unknown);
  Create("finished", 1);
  auto task = ClaimUntil(*queue_, "w", 1, 60'000);
  ASSERT_EQ(task.size(), 1u);
  ASSERT_TRUE(queue_->Complete(task[0], true).has_value());
  auto too_late = queue_->CancelJob("finished");
  ASSERT_TRUE(too_late.has_value());
  EXPECT_FALSE(*too_late);
  EXPECT_EQ(Job("finished").status, "completed");
}

TEST_F(TaskQueueTest, RetryDomainsReenqueuesFailedDomainsWithFreshTries) {
  Create("again", 2);
  auto tasks = ClaimUntil(*queue_, "w", 2, 60'000);
  ASSERT_EQ(tasks.size(), 2u);
  const QueuedTask& bad = tasks[0];
  ASSERT_TRUE(queue_->DeadLetter(bad, Error{ErrorCode::kDnsFailure, "NXDOMAIN"}).has_value());
  ASSERT_TRUE(queue_->Complete(tasks[1], true).has_value());
  QueueJob job = Job("again");
  ASSERT_EQ(job.status, "completed");
  ASSERT_EQ(job.failed, 1);

  // A domain that was never counted (still queued elsewhere) is not re-enqueued.
  auto retried =
      queue_->RetryDomains("again", {bad.domain, "never-counted.co.uk"}, {bad.input_index, 7});
  ASSERT_TRUE(retried.has_value()) << retried.error().message;
  EXPECT_EQ(*retried, 1);
  job = Job("again");
  EXPECT_EQ(job.status, "processing");
  EXPECT_EQ(job.failed, 0);
  EXPECT_EQ(job.completed, 1);
  EXPECT_EQ(job.finished_at_ms, 0);

  auto back = ClaimUntil(*queue_, "w", 1, 60'000);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].domain, bad.domain);
  EXPECT_EQ(back[0].input_index, bad.input_index);
  EXPECT_EQ(back[0].attempt, 1);
  EXPECT_EQ(back[0].last_error_code, "");
  auto done = queue_->Complete(back[0], true);
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(done->counted);
  EXPECT_TRUE(done->job_finished);
  job = Job("again");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.completed, 2);

  auto unknown = queue_->RetryDomains("no-such-job", {"a.com"}, {0});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_F(TaskQueueTest, HeartbeatsListLiveWorkersAndForgetExpiredOnes) {
  WorkerBeat beat;
  beat.id = "host-1-abc";
  beat.host = "host";
  beat.pid = 1234;
  beat.started_at_ms = 1'700'000'000'000;
  beat.processed = 17;
  beat.failed = 2;
  beat.in_flight = 5;
  beat.cpu_percent = 87.5;
  beat.rss_bytes = 123'456'789;
  beat.concurrency = 64;
  beat.version = "0.1.0";
  ASSERT_TRUE(queue_->Heartbeat(beat, 60'000).has_value());
  WorkerBeat brief = beat;
  brief.id = "short-lived";
  ASSERT_TRUE(queue_->Heartbeat(brief, 300).has_value());

  auto workers = queue_->Workers();
  ASSERT_TRUE(workers.has_value());
  const WorkerBeat* found = nullptr;
  for (const auto& w : *workers) {
    if (w.id == beat.id) found = &w;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->host, "host");
  EXPECT_EQ(found->pid, 1234);
  EXPECT_EQ(found->started_at_ms, beat.started_at_ms);
  EXPECT_GT(found->last_beat_ms, 0);
  EXPECT_EQ(found->processed, 17);
  EXPECT_EQ(found->failed, 2);
  EXPECT_EQ(found->in_flight, 5);
  EXPECT_DOUBLE_EQ(found->cpu_percent, 87.5);
  EXPECT_EQ(found->rss_bytes, 123'456'789);
  EXPECT_EQ(found->concurrency, 64);
  EXPECT_EQ(found->version, "0.1.0");

  // The short-lived worker stops beating; once its hash expires it is gone,
  // from the list and from the `workers` set.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  size_t live = 2;
  while (live != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
    workers = queue_->Workers();
    ASSERT_TRUE(workers.has_value());
    live = workers->size();
  }
  ASSERT_EQ(live, 1u);
  EXPECT_EQ(workers->front().id, beat.id);
  auto ids = queue_->client().Command({"ZRANGE", queue_->client().Key("workers"), "0", "-1"});
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->elements.size(), 1u);

  ASSERT_TRUE(queue_->RemoveWorker(beat.id).has_value());
  workers = queue_->Workers();
  ASSERT_TRUE(workers.has_value());
  EXPECT_TRUE(workers->empty());
  auto exists = queue_->client().Command({"EXISTS", queue_->client().Key("worker:" + beat.id)});
  ASSERT_TRUE(exists.has_value());
  EXPECT_EQ(exists->AsInt(), 0);
}

TEST_F(TaskQueueTest, CountsSeparateWaitingPendingDelayedAndDead) {
  auto empty = queue_->Counts();
  ASSERT_TRUE(empty.has_value()) << empty.error().message;
  EXPECT_EQ(empty->depth, 0);
  EXPECT_EQ(empty->pending, 0);
  Create("counts", 10);
  auto tasks = ClaimUntil(*queue_, "w", 4, 60'000);
  ASSERT_EQ(tasks.size(), 4u);
  ASSERT_TRUE(queue_->Retry(tasks[0], Error{ErrorCode::kTimeout, "t"}, 600'000).has_value());
  ASSERT_TRUE(queue_->DeadLetter(tasks[1], Error{ErrorCode::kTimeout, "t"}).has_value());
  ASSERT_TRUE(queue_->Complete(tasks[2], true).has_value());
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->pending, 1);    // tasks[3]
  EXPECT_EQ(counts->delayed, 1);    // tasks[0]
  EXPECT_EQ(counts->depth, 6 + 1);  // never delivered + delayed
  EXPECT_EQ(counts->dead, 1);       // tasks[1]
}

TEST_F(TaskQueueTest, NoWarningsForNoevictionWithAppendOnly) {
  auto warnings = queue_->ConfigWarnings();
  ASSERT_TRUE(warnings.has_value()) << warnings.error().message;
  EXPECT_TRUE(warnings->empty()) << warnings->front();
}

TEST_F(TaskQueueTest, WarnsAboutEvictionAndNoPersistence) {
  testing::RedisServerOptions options;
  options.appendonly = false;
  options.maxmemory_policy = "allkeys-lru";
  testing::RedisServer risky(options);
  ASSERT_TRUE(risky.ok());
  TaskQueue queue(ConfigFor(risky));
  auto warnings = queue.ConfigWarnings();
  ASSERT_TRUE(warnings.has_value()) << warnings.error().message;
  ASSERT_EQ(warnings->size(), 2u);
  EXPECT_NE((*warnings)[0].find("allkeys-lru"), std::string::npos);
  EXPECT_NE((*warnings)[0].find("noeviction"), std::string::npos);
  EXPECT_NE((*warnings)[1].find("appendonly"), std::string::npos);
}

TEST_F(TaskQueueTest, WarnsWhenTheConfigurationCannotBeRead) {
  auto acl = queue_->client().Command(
      {"ACL", "SETUSER", "no_config", "on", ">pw", "~*", "&*", "+@all", "-config"});
  ASSERT_TRUE(acl.has_value());
  ASSERT_FALSE(acl->is_error()) << acl->str;
  RedisConfig config = queue_->client().config();
  config.username = "no_config";
  config.password = "pw";
  TaskQueue limited(config);
  auto warnings = limited.ConfigWarnings();
  ASSERT_TRUE(warnings.has_value()) << warnings.error().message;
  ASSERT_EQ(warnings->size(), 1u);
  EXPECT_NE((*warnings)[0].find("could not check"), std::string::npos) << (*warnings)[0];
}

// Reads one pub/sub message from `ctx`; its payload or "" on timeout.
std::string NextMessage(redisContext* ctx) {
  void* raw = nullptr;
  if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) return "";
  auto* reply = static_cast<redisReply*>(raw);
  std::string payload;
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3) {
    payload.assign(reply->element[2]->str, reply->element[2]->len);
  }
  freeReplyObject(reply);
  return payload;
}

TEST_F(TaskQueueTest, PublishesAProgressEventPerCountedDomain) {
  timeval tv{10, 0};
  redisContext* sub = redisConnectWithTimeout("127.0.0.1", SharedRedis()->port(), tv);
  ASSERT_TRUE(sub != nullptr && sub->err == 0);
  std::string channel = queue_->client().Key("events");
  auto* ack =
      static_cast<redisReply*>(redisCommand(sub, "SUBSCRIBE %b", channel.data(), channel.size()));
  ASSERT_NE(ack, nullptr);
  freeReplyObject(ack);

  Create("events", 2);
  auto tasks = ClaimUntil(*queue_, "w", 2, 60'000);
  ASSERT_EQ(tasks.size(), 2u);
  ASSERT_TRUE(queue_->Complete(tasks[0], true).has_value());
  ASSERT_TRUE(queue_->Complete(tasks[0], true).has_value());  // repeat: no event
  ASSERT_TRUE(queue_->DeadLetter(tasks[1], Error{ErrorCode::kTimeout, "t"}).has_value());
  ASSERT_TRUE(queue_->Publish(R"({"type":"custom"})").has_value());

  auto first = nlohmann::json::parse(NextMessage(sub), nullptr, false);
  auto second = nlohmann::json::parse(NextMessage(sub), nullptr, false);
  auto third = nlohmann::json::parse(NextMessage(sub), nullptr, false);
  redisFree(sub);
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(first["type"], "progress");
  EXPECT_EQ(first["job_id"], "events");
  EXPECT_EQ(first["domain"], tasks[0].domain);
  EXPECT_EQ(first["status"], "ok");
  EXPECT_EQ(first["completed"], 1);
  EXPECT_EQ(first["failed"], 0);
  EXPECT_EQ(first["total"], 2);
  EXPECT_EQ(first["job_status"], "processing");
  ASSERT_TRUE(second.is_object());
  EXPECT_EQ(second["domain"], tasks[1].domain);
  EXPECT_EQ(second["status"], "failed");
  EXPECT_EQ(second["failed"], 1);
  EXPECT_EQ(second["job_status"], "completed");
  ASSERT_TRUE(third.is_object());
  EXPECT_EQ(third["type"], "custom");
}

TEST_F(TaskQueueTest, AJobSurvivesARedisRestartWithAppendOnly) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok());
  RedisConfig config = ConfigFor(server);
  config.connect_timeout_ms = 500;
  TaskQueue queue(config);
  ASSERT_TRUE(queue.CreateJob(NewJob("survivor"), Domains(3)).has_value());
  auto held = ClaimUntil(queue, "w", 1, 60'000);
  ASSERT_EQ(held.size(), 1u);
  ASSERT_TRUE(queue.Complete(held[0], true).has_value());
  auto in_hand = ClaimUntil(queue, "w", 1, 60'000);
  ASSERT_EQ(in_hand.size(), 1u);

  server.Kill();
  auto down = queue.Claim("w", 1, 0, 60'000);
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  auto complete_down = queue.Complete(in_hand[0], true);
  ASSERT_FALSE(complete_down.has_value());
  EXPECT_EQ(complete_down.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(server.Start());

  // The same TaskQueue carries on: the task in hand is completed, the rest
  // is still queued, the counters are intact.
  auto done = queue.Complete(in_hand[0], true);
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_TRUE(done->counted);
  EXPECT_EQ(done->completed, 2);
  auto rest = ClaimUntil(queue, "w", 1, 60'000);
  ASSERT_EQ(rest.size(), 1u);
  auto last = queue.Complete(rest[0], true);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->job_finished);
  std::set<std::string> seen{held[0].domain, in_hand[0].domain, rest[0].domain};
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(TaskQueueTest, ClaimRecreatesTheGroupWhenRedisLostItsData) {
  testing::RedisServerOptions options;
  options.appendonly = false;  // and --save "": a restart forgets everything
  testing::RedisServer server(options);
  ASSERT_TRUE(server.ok());
  TaskQueue queue(ConfigFor(server));
  ASSERT_TRUE(queue.CreateJob(NewJob("lost"), Domains(2)).has_value());
  server.Stop();
  ASSERT_TRUE(server.Start());
  // The first call finds its old connection closed (kUnavailable), the next
  // one re-dials, meets NOGROUP, re-creates the group and reads.
  auto empty = queue.Claim("w", 5, 0, 60'000);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kUnavailable);
  empty = queue.Claim("w", 5, 0, 60'000);
  ASSERT_TRUE(empty.has_value()) << empty.error().message;
  EXPECT_TRUE(empty->empty());
  // The group is back: a new job flows through.
  ASSERT_TRUE(queue.CreateJob(NewJob("fresh"), Domains(1)).has_value());
  auto fresh = ClaimUntil(queue, "w", 1, 60'000);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].job_id, "fresh");
}

TEST_F(TaskQueueTest, AFailedEnqueueRemovesTheJob) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok());
  TaskQueue queue(ConfigFor(server));
  ASSERT_TRUE(queue.EnsureGroup().has_value());
  // A memory limit just above what the server uses now: noeviction refuses
  // writes part way through the job.
  auto used = queue.client().Command({"INFO", "memory"});
  ASSERT_TRUE(used.has_value());
  std::string text = used->AsString();
  size_t at = text.find("used_memory:");
  ASSERT_NE(at, std::string::npos);
  int64_t bytes = std::stoll(text.substr(at + 12));
  auto set =
      queue.client().Command({"CONFIG", "SET", "maxmemory", std::to_string(bytes + 2'000'000)});
  ASSERT_TRUE(set.has_value());
  ASSERT_FALSE(set->is_error()) << set->str;

  auto created = queue.CreateJob(NewJob("too-big"), Domains(200'000, "a-rather-long-domain-name-"));
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(created.error().message.find("OOM"), std::string::npos) << created.error().message;
  // It failed part way, after some batches were in: those were removed too.
  EXPECT_EQ(created.error().message.find("after 0 of"), std::string::npos)
      << created.error().message;
  EXPECT_NE(created.error().message.find("job removed"), std::string::npos)
      << created.error().message;
  auto job = queue.GetJob("too-big");
  ASSERT_TRUE(job.has_value());
  EXPECT_FALSE(job->has_value());
  auto counts = queue.Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, 0);
  auto jobs = queue.client().Command({"ZCARD", queue.client().Key("jobs")});
  ASSERT_TRUE(jobs.has_value());
  EXPECT_EQ(jobs->AsInt(), 0);
}

}  // namespace
}  // namespace trawl
