// The parallel pipeline for real: a real redis-server, a SQLite file, the
// site farm, and the real `trawl worker` / `trawl workers` binary. Jobs are
// created directly with TaskQueue and Store, as the API does. Faults — SIGTERM
// and kill -9 of a worker mid-job, a domain that crashes its worker every
// time — must each end with every domain stored exactly once and the job's
// counters right. The embedded runner is tested in-process on the same farm.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "child_util.h"
#include "core/clock.h"
#include "process_util.h"
#include "queue/task_queue.h"
#include "servers/postgres_server.h"
#include "servers/redis_server.h"
#include "servers/require.h"
#include "store/store.h"
#include "worker/embedded_runner.h"

namespace trawl::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kJobTimeoutMs = 180'000;  // a guard, not a measurement

using Background = BackgroundProcess;

// Lines of `text` that start with `prefix`, counted by their second word.
std::map<std::string, int> CountLines(const std::string& text, const std::string& prefix) {
  std::map<std::string, int> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t at = line.find(prefix);
    if (at == std::string::npos) continue;
    // Allow a supervisor's "[worker-1] " before the word.
    if (at != 0 && line.compare(0, 1, "[") != 0) continue;
    std::istringstream words(line.substr(at + prefix.size()));
    std::string domain;
    words >> domain;
    ++out[domain];
  }
  return out;
}

struct TestJob {
  std::string id;
  std::vector<std::string> domains;
};

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRAWL_REQUIRE_REDIS();
    char tmpl[] = "/tmp/trawl-worker-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    redis_ = std::make_unique<RedisServer>();
    ASSERT_TRUE(redis_->ok()) << "redis-server did not start";
    auto config = ParseRedisUrl(redis_->url());
    ASSERT_TRUE(config.has_value());
    config_ = *config;
    queue_ = std::make_unique<TaskQueue>(config_);
    ASSERT_TRUE(queue_->EnsureGroup().has_value());
    db_ = dir_ + "/trawl.db";
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    queue_.reset();
    redis_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // A parallel job in the store and in Redis, as the API creates it.
  TestJob CreateParallelJob(const std::vector<std::string>& domains,
                            const std::string& options = "{}") {
    TestJob job{RandomHexId(8), domains};
    JobRecord record;
    record.id = job.id;
    record.mode = kModeParallel;
    record.total = static_cast<int64_t>(domains.size());
    record.created_at_ms = NowMs();
    record.options_json = options;
    auto stored = store_->CreateJob(record, domains);
    EXPECT_TRUE(stored.has_value()) << stored.error().message;
    QueueJob queued;
    queued.id = job.id;
    queued.status = "pending";
    queued.mode = kModeParallel;
    queued.total = record.total;
    queued.created_at_ms = record.created_at_ms;
    queued.options_json = options;
    auto enqueued = queue_->CreateJob(queued, domains);
    EXPECT_TRUE(enqueued.has_value()) << enqueued.error().message;
    return job;
  }

  std::vector<std::string> WorkerArgs(const FarmProcess& farm,
                                      const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--redis",
                                     redis_->url(),
                                     "--db",
                                     db_,
                                     "--allow-private",
                                     "--connect-to",
                                     farm.connect_to(),
                                     "--heartbeat",
                                     "0.5",
                                     "--timeout",
                                     "20"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::unique_ptr<Background> StartWorker(const FarmProcess& farm, const std::string& name,
                                          const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {TrawlBinary(), "worker"};
    auto args = WorkerArgs(farm, extra);
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<Background>(argv, dir_ + "/" + name + ".log");
  }

  QueueJob RedisJob(const std::string& id) {
    auto job = queue_->GetJob(id);
    if (!job || !*job) return QueueJob{};
    return **job;
  }

  int64_t Finished(const std::string& id) {
    QueueJob job = RedisJob(id);
    return job.completed + job.failed;
  }

  bool RedisJobCompleted(const std::string& id) { return RedisJob(id).status == "completed"; }

  // Every domain of the job has exactly one stored profile; returns them by domain.
  std::map<std::string, StoredProfile> ExpectOneProfileEach(const TestJob& job) {
    ProfileQuery query;
    query.job_id = job.id;
    query.limit = 10'000;
    auto profiles = store_->ListProfiles(query);
    EXPECT_TRUE(profiles.has_value()) << profiles.error().message;
    std::map<std::string, StoredProfile> by_domain;
    std::map<std::string, int> count;
    if (profiles) {
      for (auto& p : *profiles) {
        ++count[p.domain];
        by_domain[p.domain] = p;
      }
    }
    EXPECT_EQ(by_domain.size(), job.domains.size());
    for (const auto& d : job.domains) EXPECT_EQ(count[d], 1) << d;
    return by_domain;
  }

  // The counters agree everywhere: Redis, the store, and `ok`.
  void ExpectJobCompleted(const TestJob& job, int64_t completed, int64_t failed) {
    QueueJob redis_job = RedisJob(job.id);
    EXPECT_EQ(redis_job.status, "completed");
    EXPECT_EQ(redis_job.total, static_cast<int64_t>(job.domains.size()));
    EXPECT_EQ(redis_job.completed, completed);
    EXPECT_EQ(redis_job.failed, failed);
    auto db_job = store_->GetJob(job.id);
    ASSERT_TRUE(db_job.has_value() && db_job->has_value());
    EXPECT_EQ((*db_job)->status, "completed");
    EXPECT_EQ((*db_job)->completed, completed);
    EXPECT_EQ((*db_job)->failed, failed);
    EXPECT_TRUE((*db_job)->started_at_ms.has_value());
    EXPECT_TRUE((*db_job)->finished_at_ms.has_value());
  }

  std::string dir_;
  std::string db_;
  RedisConfig config_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<TaskQueue> queue_;
  std::unique_ptr<Store> store_;
};

bool HasEmail(const StoredProfile& p, const std::string& email) {
  json j = json::parse(p.profile_json, nullptr, false);
  if (!j.is_object() || !j.contains("emails")) return false;
  for (const auto& e : j["emails"]) {
    if (e.value("value", "") == email) return true;
  }
  return false;
}

TEST_F(WorkerTest, ProcessesABulkJobStoringEachDomainOnceAndCompletingIt) {
  FarmProcess farm({"--bulk", "20"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateParallelJob(BulkDomains(0, 20));
  auto worker = StartWorker(farm, "w1", {"--concurrency", "4"});
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << worker->Output();
  worker->Signal(SIGTERM);
  EXPECT_EQ(worker->Wait(60'000), 0) << worker->Output();

  auto profiles = ExpectOneProfileEach(job);
  for (size_t i = 0; i < job.domains.size(); ++i) {
    const auto& p = profiles[job.domains[i]];
    EXPECT_TRUE(p.ok) << p.domain << " " << p.error_code << " " << p.error_message;
    EXPECT_EQ(p.input_index, static_cast<int>(i));
    EXPECT_EQ(p.approval, "approved") << "parallel jobs auto-approve by default";
    EXPECT_TRUE(HasEmail(p, "info@" + p.domain)) << p.profile_json.substr(0, 400);
  }
  ExpectJobCompleted(job, 20, 0);
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, 0);
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->dead, 0);

  std::string out = worker->Output();
  auto ok_lines = CountLines(out, "ok ");
  EXPECT_EQ(ok_lines.size(), 20u) << out;
  for (const auto& d : job.domains) EXPECT_EQ(ok_lines[d], 1) << d;
  EXPECT_NE(out.find("worker "), std::string::npos);
  EXPECT_NE(out.find("concurrency=4"), std::string::npos) << out;
  // A clean stop removes the heartbeat.
  auto workers = queue_->Workers();
  ASSERT_TRUE(workers.has_value());
  EXPECT_TRUE(workers->empty());
}

TEST_F(WorkerTest, SigtermMidJobThenANewWorkerFinishesWithEveryDomainOnce) {
  FarmProcess farm({"--bulk", "30", "--latency-ms", "150"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateParallelJob(BulkDomains(0, 30));
  auto first = StartWorker(farm, "w1", {"--concurrency", "2", "--visibility", "2"});
  ASSERT_TRUE(WaitFor([&] { return Finished(job.id) >= 4; }, kJobTimeoutMs)) << first->Output();
  first->Signal(SIGTERM);
  ASSERT_EQ(first->Wait(60'000), 0) << first->Output();
  ASSERT_LT(Finished(job.id), 30) << "the job ended before the stop; nothing was tested";
  EXPECT_NE(first->Output().find("stopped"), std::string::npos) << first->Output();

  auto second = StartWorker(farm, "w2", {"--concurrency", "4", "--visibility", "2"});
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << second->Output();
  second->Signal(SIGTERM);
  EXPECT_EQ(second->Wait(60'000), 0);

  auto profiles = ExpectOneProfileEach(job);
  for (const auto& [d, p] : profiles) EXPECT_TRUE(p.ok) << d << " " << p.error_message;
  ExpectJobCompleted(job, 30, 0);
  // A graceful stop finishes what is in flight and leaves the rest
  // unstarted: no domain is crawled by both workers.
  auto ok_first = CountLines(first->Output(), "ok ");
  auto ok_second = CountLines(second->Output(), "ok ");
  for (const auto& d : job.domains) EXPECT_EQ(ok_first[d] + ok_second[d], 1) << d;
  EXPECT_GE(ok_first.size(), 4u);
}

TEST_F(WorkerTest, KillNineMidJobThenAnotherWorkerReclaimsAndFinishes) {
  FarmProcess farm({"--bulk", "30", "--latency-ms", "150"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateParallelJob(BulkDomains(0, 30));
  auto first = StartWorker(farm, "w1", {"--concurrency", "3", "--visibility", "2"});
  ASSERT_TRUE(WaitFor([&] { return Finished(job.id) >= 4; }, kJobTimeoutMs)) << first->Output();
  first->Signal(SIGKILL);
  first->Wait(10'000);
  ASSERT_LT(Finished(job.id), 30) << "the job ended before the kill; nothing was tested";
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_GT(counts->pending, 0) << "the killed worker held claimed tasks";

  auto second = StartWorker(farm, "w2", {"--concurrency", "4", "--visibility", "2"});
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << second->Output();
  second->Signal(SIGTERM);
  EXPECT_EQ(second->Wait(60'000), 0);

  auto profiles = ExpectOneProfileEach(job);
  for (const auto& [d, p] : profiles) EXPECT_TRUE(p.ok) << d << " " << p.error_message;
  ExpectJobCompleted(job, 30, 0);
  counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->depth, 0);
}

TEST_F(WorkerTest, ADomainThatCrashesItsWorkerEndsDeadLetteredAndTheJobCompletes) {
  FarmProcess farm({"--bulk", "6"});
  ASSERT_GT(farm.port(), 0);
  // The crashing domain last, so the others are usually done before it; a
  // crash takes down whatever else is in flight with it, though, so they
  // may also end up worker_crashed — but each still exactly once.
  TestJob job = CreateParallelJob(BulkDomains(0, 6), R"({"max_attempts": 2})");
  const std::string crash = "bulk-5.test";
  std::vector<std::string> argv = {TrawlBinary(), "workers", "-n", "1"};
  auto args = WorkerArgs(farm, {"--concurrency", "1", "--visibility", "2", "--grace", "5"});
  argv.insert(argv.end(), args.begin(), args.end());
  Background supervisor(argv, dir_ + "/workers.log", {{"TRAWL_FAULT_CRASH_DOMAIN", crash}});
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << supervisor.Output();
  supervisor.Signal(SIGTERM);
  EXPECT_EQ(supervisor.Wait(60'000), 0) << supervisor.Output();

  auto profiles = ExpectOneProfileEach(job);
  const StoredProfile& dead = profiles[crash];
  EXPECT_FALSE(dead.ok);
  EXPECT_EQ(dead.error_code, "worker_crashed") << dead.error_message;
  int ok = 0;
  for (const auto& [d, p] : profiles) {
    if (d == crash) continue;
    if (p.ok)
      ++ok;
    else
      EXPECT_EQ(p.error_code, "worker_crashed") << d << ": " << p.error_message;
  }
  EXPECT_GE(ok, 1);
  ExpectJobCompleted(job, ok, 6 - ok);

  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_GE(counts->dead, 1);
  auto entries = queue_->client().Command({"XRANGE", config_.prefix + "dead", "-", "+"});
  ASSERT_TRUE(entries.has_value());
  bool found = false;
  std::function<void(const RedisReply&)> scan = [&](const RedisReply& r) {
    if (r.str == crash) found = true;
    for (const auto& e : r.elements) scan(e);
  };
  scan(*entries);
  EXPECT_TRUE(found) << "no dead-letter entry for " << crash;

  std::string out = supervisor.Output();
  EXPECT_NE(out.find("Starting 1 Redis workers..."), std::string::npos) << out;
  EXPECT_NE(out.find("[1/1] Starting worker-1..."), std::string::npos) << out;
  EXPECT_NE(out.find("✓ All 1 workers started!"), std::string::npos) << out;
  EXPECT_NE(out.find("[worker-1] dead " + crash), std::string::npos) << out;
  EXPECT_NE(out.find("worker-1 was killed by signal"), std::string::npos) << out;
}

int CountSubstring(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST_F(WorkerTest, RedisRestartedMidJobTheWorkerCarriesOnAndLosesNothing) {
  FarmProcess farm({"--bulk", "30", "--latency-ms", "150"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateParallelJob(BulkDomains(0, 30));
  auto worker = StartWorker(farm, "w1", {"--concurrency", "3", "--visibility", "30"});
  ASSERT_TRUE(WaitFor([&] { return Finished(job.id) >= 4; }, kJobTimeoutMs)) << worker->Output();
  redis_->Stop();  // a clean shutdown: the append-only file keeps the queue
  ASSERT_TRUE(WaitFor(
      [&] { return worker->Output().find("redis unreachable") != std::string::npos; }, 30'000))
      << worker->Output();
  ASSERT_TRUE(redis_->Start());
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << worker->Output();
  worker->Signal(SIGTERM);
  EXPECT_EQ(worker->Wait(60'000), 0) << "the worker must not exit because Redis went away";

  auto profiles = ExpectOneProfileEach(job);
  for (const auto& [d, p] : profiles) EXPECT_TRUE(p.ok) << d << " " << p.error_message;
  ExpectJobCompleted(job, 30, 0);
  std::string out = worker->Output();
  // One line per outage, not one per retry (threads share it).
  EXPECT_EQ(CountSubstring(out, "redis unreachable"), 1) << out;
  EXPECT_EQ(CountSubstring(out, "redis reachable again"), 1) << out;
}

TEST_F(WorkerTest, StoresInPostgresAndKeepsProfilesInHandWhileItRestarts) {
  TRAWL_REQUIRE_POSTGRES();
  PostgresServer pg;
  ASSERT_TRUE(pg.ok()) << "PostgreSQL did not start";
  db_ = pg.CreateDatabase("trawl_worker_test");
  ASSERT_FALSE(db_.empty());
  auto store = Store::Open(db_);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  store_ = std::move(*store);
  ASSERT_EQ(store_->backend(), "postgresql");

  FarmProcess farm({"--bulk", "30", "--latency-ms", "150"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateParallelJob(BulkDomains(0, 30));
  auto worker = StartWorker(farm, "w1", {"--concurrency", "3", "--visibility", "30"});
  ASSERT_TRUE(WaitFor([&] { return Finished(job.id) >= 4; }, kJobTimeoutMs)) << worker->Output();
  pg.Stop();
  ASSERT_TRUE(WaitFor(
      [&] { return worker->Output().find("database unreachable") != std::string::npos; }, 60'000))
      << worker->Output();
  ASSERT_LT(Finished(job.id), 30) << "nothing can be counted before its profile is stored";
  ASSERT_TRUE(pg.Start());
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << worker->Output();
  // This test's own connection broke too: the first call reports it and the
  // next one dials again (store.h).
  ASSERT_TRUE(WaitFor([&] { return store_->Ping().has_value(); }, 30'000));
  worker->Signal(SIGTERM);
  EXPECT_EQ(worker->Wait(60'000), 0) << "the worker must not exit because the database went away";

  auto profiles = ExpectOneProfileEach(job);
  for (const auto& [d, p] : profiles) EXPECT_TRUE(p.ok) << d << " " << p.error_message;
  ExpectJobCompleted(job, 30, 0);
  EXPECT_EQ(CountSubstring(worker->Output(), "database unreachable"), 1) << worker->Output();
}

TEST_F(WorkerTest, MaxTasksRecyclesWorkersUnderTheSupervisorAndNoopCompletesTheJob) {
  // --noop: tasks are acknowledged without a crawl (the queue benchmark's
  // mode), so no farm is needed; each worker exits 0 after 10 tasks and the
  // supervisor starts a fresh one at once.
  std::vector<std::string> domains;
  for (int i = 0; i < 50; ++i) domains.push_back("noop-" + std::to_string(i) + ".test");
  TestJob job = CreateParallelJob(domains);
  Background supervisor({TrawlBinary(), "workers", "-n", "2", "--redis", redis_->url(), "--noop",
                         "--max-tasks", "10", "--concurrency", "5", "--heartbeat", "0.5"},
                        dir_ + "/workers.log");
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << supervisor.Output();
  supervisor.Signal(SIGINT);
  EXPECT_EQ(supervisor.Wait(60'000), 0) << supervisor.Output();
  QueueJob done = RedisJob(job.id);
  EXPECT_EQ(done.completed, 50);
  EXPECT_EQ(done.failed, 0);
  std::string out = supervisor.Output();
  EXPECT_GE(CountSubstring(out, "exited with status 0; restarting it"), 3) << out;
  EXPECT_EQ(CountSubstring(out, "was killed"), 0) << out;
  EXPECT_NE(out.find("[worker-2] "), std::string::npos) << out;
  EXPECT_NE(out.find("All workers stopped."), std::string::npos) << out;
}

TEST_F(WorkerTest, MonitorAggregatesTheLiveWorkersHeartbeats) {
  auto a = std::make_unique<Background>(
      std::vector<std::string>{TrawlBinary(), "worker", "--redis", redis_->url(), "--noop",
                               "--heartbeat", "0.5", "--id", "mon-a"},
      dir_ + "/a.log");
  auto b = std::make_unique<Background>(
      std::vector<std::string>{TrawlBinary(), "worker", "--redis", redis_->url(), "--noop",
                               "--heartbeat", "0.5", "--id", "mon-b"},
      dir_ + "/b.log");
  ASSERT_TRUE(WaitFor(
      [&] {
        auto w = queue_->Workers();
        return w && w->size() == 2;
      },
      60'000))
      << a->Output() << b->Output();
  std::string csv = dir_ + "/monitor.csv";
  ProcessResult r = RunProcess({TrawlBinary(), "monitor", "--redis", redis_->url(), "--duration",
                                "2", "--interval", "0.5", "--csv", csv},
                               60'000);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(CountSubstring(r.out, " workers=2 "), 2) << r.out;
  EXPECT_NE(r.out.find("mem_total="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peak_workers=2"), std::string::npos) << r.out;
  std::ifstream in(csv);
  std::string header, row;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("timestamp,workers,", 0), 0u) << header;
  int rows = 0;
  while (std::getline(in, row)) {
    ++rows;
    EXPECT_EQ(row.find(",2,"), 24u) << "ISO timestamp, then the worker count: " << row;
  }
  EXPECT_GE(rows, 2);
  a->Signal(SIGTERM);
  b->Signal(SIGTERM);
  EXPECT_EQ(a->Wait(30'000), 0);
  EXPECT_EQ(b->Wait(30'000), 0);
  auto w = queue_->Workers();
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->empty()) << "a clean stop removes the heartbeat";
}

TEST_F(WorkerTest, RetriesRetryableFailuresThenDeadLettersAndNeverRetriesPermanentOnes) {
  FarmProcess farm({});  // the *.hostile.test hosts are always served
  ASSERT_GT(farm.port(), 0);
  const std::string flaky = "status500.hostile.test";            // HTTP 500: retryable
  const std::string missing = "notfound.hostile.test";           // HTTP 404: permanent
  const std::string forbidden = "robots-disallow.hostile.test";  // permanent
  TestJob job = CreateParallelJob({flaky, missing, forbidden}, R"({"max_attempts": 3})");
  auto worker = StartWorker(farm, "w1", {"--concurrency", "4", "--retry-base", "0.2"});
  ASSERT_TRUE(WaitFor([&] { return RedisJobCompleted(job.id); }, kJobTimeoutMs))
      << worker->Output();
  worker->Signal(SIGTERM);
  EXPECT_EQ(worker->Wait(60'000), 0);

  auto profiles = ExpectOneProfileEach(job);
  EXPECT_EQ(profiles[flaky].error_code, "http_error");
  EXPECT_EQ(profiles[missing].error_code, "http_error");
  EXPECT_EQ(profiles[forbidden].error_code, "robots_disallowed");
  ExpectJobCompleted(job, 0, 3);
  std::string out = worker->Output();
  auto retries = CountLines(out, "retry ");
  EXPECT_EQ(retries[flaky], 2) << out;  // attempts 1 and 2; the third is the last
  EXPECT_EQ(retries.count(missing), 0u) << out;
  EXPECT_EQ(retries.count(forbidden), 0u) << out;
  EXPECT_EQ(CountLines(out, "dead ")[flaky], 1) << out;
  EXPECT_EQ(CountLines(out, "failed ")[missing], 1) << out;
  EXPECT_EQ(CountLines(out, "failed ")[forbidden], 1) << out;
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->dead, 1);
  EXPECT_EQ(counts->delayed, 0);
}

TEST_F(WorkerTest, SkipsTheTasksOfACancelledJob) {
  FarmProcess farm({"--bulk", "5"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateParallelJob(BulkDomains(0, 5));
  auto cancelled = queue_->CancelJob(job.id);
  ASSERT_TRUE(cancelled.has_value());
  auto worker = StartWorker(farm, "w1", {"--concurrency", "2"});
  // Dropped (acknowledged without counting) by the claim or by the worker.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto c = queue_->Counts();
        return c && c->depth == 0 && c->pending == 0;
      },
      kJobTimeoutMs))
      << worker->Output();
  worker->Signal(SIGTERM);
  EXPECT_EQ(worker->Wait(60'000), 0);
  EXPECT_EQ(farm.Stats()["total"], 0) << "a cancelled job's domains must not be fetched";
  ProfileQuery query;
  query.job_id = job.id;
  auto profiles = store_->ListProfiles(query);
  ASSERT_TRUE(profiles.has_value());
  EXPECT_TRUE(profiles->empty());
  auto counts = queue_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, 0);
  EXPECT_EQ(counts->pending, 0);
}

TEST_F(WorkerTest, WorkersRejectsBadOptionsBeforeStartingAnything) {
  ProcessResult r = RunProcess({TrawlBinary(), "workers", "-n", "2", "--concurrency", "0"}, 30'000);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  r = RunProcess({TrawlBinary(), "worker", "--redis", "http://nope"}, 30'000);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

// ---------------------------------------------------------------------------
// The embedded runner, in-process
// ---------------------------------------------------------------------------

class EmbeddedRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trawl-runner-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ + "/trawl.db";
    auto store = Store::Open(db_);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  TestJob CreateEmbeddedJob(const std::vector<std::string>& domains) {
    TestJob job{RandomHexId(8), domains};
    JobRecord record;
    record.id = job.id;
    record.mode = kModeEmbedded;
    record.total = static_cast<int64_t>(domains.size());
    record.created_at_ms = NowMs();
    auto created = store_->CreateJob(record, domains);
    EXPECT_TRUE(created.has_value()) << created.error().message;
    return job;
  }

  CrawlOptions Crawl(const FarmProcess& farm, int concurrency) {
    CrawlOptions crawl;
    crawl.fetch.allow_private = true;
    crawl.fetch.connect_to = {farm.connect_to()};
    crawl.concurrency = concurrency;
    crawl.threads = 1;
    return crawl;
  }

  std::optional<JobRecord> Job(const std::string& id) {
    auto job = store_->GetJob(id);
    if (!job || !*job) return std::nullopt;
    return **job;
  }

  int64_t Stored(const std::string& id) {
    auto job = Job(id);
    return job ? job->completed + job->failed : 0;
  }

  std::string dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

TEST_F(EmbeddedRunnerTest, FinishesAJobAndReportsProgress) {
  FarmProcess farm({"--bulk", "12"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateEmbeddedJob(BulkDomains(0, 12));
  std::mutex mu;
  std::vector<json> events;
  EmbeddedRunner runner(db_, Crawl(farm, 4), [&](const std::string& text) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(json::parse(text, nullptr, false));
  });
  ASSERT_TRUE(runner.Start().has_value());
  runner.Wake();
  ASSERT_TRUE(WaitFor(
      [&] {
        auto j = Job(job.id);
        return j && j->status == "completed";
      },
      kJobTimeoutMs));
  runner.Stop(30'000);

  auto j = Job(job.id);
  EXPECT_EQ(j->completed, 12);
  EXPECT_EQ(j->failed, 0);
  EXPECT_TRUE(j->started_at_ms.has_value());
  EXPECT_TRUE(j->finished_at_ms.has_value());
  ProfileQuery query;
  query.job_id = job.id;
  auto profiles = store_->ListProfiles(query);
  ASSERT_TRUE(profiles.has_value());
  ASSERT_EQ(profiles->size(), 12u);
  for (const auto& p : *profiles) {
    EXPECT_TRUE(p.ok) << p.domain << " " << p.error_message;
    EXPECT_EQ(p.approval, "pending") << "embedded jobs queue for approval by default";
    EXPECT_TRUE(HasEmail(p, "info@" + p.domain));
  }
  std::lock_guard<std::mutex> lock(mu);
  int progress = 0;
  bool completed_event = false;
  for (const auto& e : events) {
    if (e.value("type", "") == "progress" && e.value("job_id", "") == job.id) ++progress;
    if (e.value("type", "") == "job" && e.value("status", "") == "completed")
      completed_event = true;
  }
  EXPECT_EQ(progress, 12);
  EXPECT_TRUE(completed_event);
}

TEST_F(EmbeddedRunnerTest, ASecondRunnerResumesAJobStoppedMidway) {
  FarmProcess farm({"--bulk", "20", "--latency-ms", "150"});
  ASSERT_GT(farm.port(), 0);
  TestJob job = CreateEmbeddedJob(BulkDomains(0, 20));
  {
    EmbeddedRunner first(db_, Crawl(farm, 2));
    ASSERT_TRUE(first.Start().has_value());
    ASSERT_TRUE(WaitFor([&] { return Stored(job.id) >= 3; }, kJobTimeoutMs));
    // No grace: as if the server died. Its tasks in flight stay processing.
    first.Stop(0);
  }
  ASSERT_LT(Stored(job.id), 20) << "the job ended before the stop; nothing was tested";
  auto job_now = Job(job.id);
  ASSERT_TRUE(job_now.has_value());
  EXPECT_EQ(job_now->status, "processing");

  EmbeddedRunner second(db_, Crawl(farm, 4));
  ASSERT_TRUE(second.Start().has_value());
  ASSERT_TRUE(WaitFor(
      [&] {
        auto j = Job(job.id);
        return j && j->status == "completed";
      },
      kJobTimeoutMs));
  second.Stop(30'000);
  auto j = Job(job.id);
  EXPECT_EQ(j->completed, 20);
  EXPECT_EQ(j->failed, 0);
  auto tasks = store_->ListTasks(job.id, "done", 100, 0);
  ASSERT_TRUE(tasks.has_value());
  EXPECT_EQ(tasks->size(), 20u);
  ProfileQuery query;
  query.job_id = job.id;
  auto profiles = store_->ListProfiles(query);
  ASSERT_TRUE(profiles.has_value());
  EXPECT_EQ(profiles->size(), 20u);
}

}  // namespace
}  // namespace trawl::testing
