// The worker process (worker.h): four threads around one crawler.
//
//   claimer ──Claim──▶ buffer ──source──▶ crawler ──sink──▶ finish queue ──▶ finisher
//   heartbeat: Heartbeat, and Touch of every task held
//
// This file holds the claimer, the crawler's source and sink, the heartbeat
// and the run with its stop; the finisher is in worker_finish.cpp. The
// buffer never holds more than `concurrency` tasks beyond those being crawled.
#include "worker/worker.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "core/clock.h"
#include "fetch/fetch_metrics.h"
#include "worker/proc_stats.h"
#include "worker/task_outcome.h"
#include "worker/worker_log.h"
#include "worker/worker_run.h"

#ifndef TRAWL_VERSION
#define TRAWL_VERSION "0.0.0"
#endif

namespace trawl {
namespace worker_internal {

constexpr int kClaimBlockMs = 1000;

WorkerRun::WorkerRun(const WorkerOptions& options, std::atomic<bool>& stop_requested)
    : o_(options), stop_requested_(stop_requested), started_ms_(NowMs()) {
  id_ = o_.id.empty() ? fmt::format("{}-{}-{}", HostName(), getpid(), RandomHexId(3)) : o_.id;
  if (const char* crash = std::getenv("TRAWL_FAULT_CRASH_DOMAIN")) crash_domain_ = crash;
}

// ---------------------------------------------------------------------------
// The claimer
// ---------------------------------------------------------------------------

int WorkerRun::ClaimRoom() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t room = o_.crawl.concurrency - static_cast<int64_t>(buffer_.size());
  if (o_.max_tasks > 0) room = std::min(room, o_.max_tasks - claimed_);
  return static_cast<int>(std::max<int64_t>(room, 0));
}

std::vector<QueuedTask> WorkerRun::ClaimRound(TaskQueue& queue, int& failures) {
  int room = ClaimRoom();
  if (room <= 0) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    return {};
  }
  auto claimed = queue.Claim(id_, room, kClaimBlockMs, o_.visibility_ms);
  if (!claimed) {
    redis_outage_.Failed(claimed.error());
    SleepUnless(RetryDelayMs(std::min(failures++, 16)), [this] { return Stopping(); });
    return {};
  }
  redis_outage_.Succeeded();
  failures = 0;
  return std::move(*claimed);
}

void WorkerRun::ClaimLoop() {
  TaskQueue queue(o_.redis);
  JobCache jobs;
  int failures = 0;
  while (!Stopping()) {
    for (auto& task : ClaimRound(queue, failures)) Admit(queue, jobs, std::move(task));
  }
}

void WorkerRun::Admit(TaskQueue& queue, JobCache& jobs, QueuedTask task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++claimed_;
    held_.insert(task.entry_id);
  }
  auto job = Persist(
      redis_outage_, [&] { return jobs.Get(queue, task.job_id); }, [this] { return Stopping(); });
  if (!job) {
    // Stopping while Redis is away, or a reply we cannot read: leave the
    // task for a later delivery.
    if (job.error().code != ErrorCode::kUnavailable) {
      LogLine(stderr, fmt::format("job {}: {}", ShortJobId(task.job_id), job.error().message));
    }
    Resolve(task.entry_id);
    return;
  }
  if (!*job) return Drop(queue, task, "unknown job");
  if (Is((*job)->job.status, JobStatus::kCancelled)) return Drop(queue, task, "job cancelled");
  if (jobs.FirstSighting(task.job_id)) {
    PushFinish(FinishItem{FinishItem::Kind::kJobSeen, task, *job, {}});
  }
  if (task.attempt > (*job)->options.max_attempts) {
    // Delivered more often than the job allows and never finished: its
    // worker died each time (or the task kept failing). Not crawled again.
    PushFinish(FinishItem{FinishItem::Kind::kExhausted, std::move(task), *job, {}});
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (Stopping()) {  // nobody will take it now: leave it to another worker
    lock.unlock();
    Resolve(task.entry_id);
    return;
  }
  buffer_.push_back(Held{std::move(task), *job});
}

void WorkerRun::Drop(TaskQueue& queue, const QueuedTask& task, const std::string& why) {
  auto dropped = Persist(
      redis_outage_, [&] { return queue.Drop(task); }, [this] { return Stopping(); });
  if (dropped) {
    LogLine(stdout,
            fmt::format("skipped {} job={}: {}", task.domain, ShortJobId(task.job_id), why));
  }
  Resolve(task.entry_id);
}

void WorkerRun::NoopLoop() {
  TaskQueue queue(o_.redis);
  int failures = 0;
  while (!Stopping()) {
    std::vector<QueuedTask> claimed = ClaimRound(queue, failures);
    if (claimed.empty()) continue;
    std::vector<bool> ok(claimed.size(), true);
    auto done = Persist(
        redis_outage_, [&] { return queue.CompleteBatch(claimed, ok); },
        [this] { return Abandoned(); });
    if (done) processed_ += static_cast<int64_t>(claimed.size());
    std::lock_guard<std::mutex> lock(mu_);
    claimed_ += static_cast<int64_t>(claimed.size());
    resolved_ += static_cast<int64_t>(claimed.size());
    cv_.notify_all();
  }
}

// ---------------------------------------------------------------------------
// The crawler's source and sink (called under the crawler's lock)
// ---------------------------------------------------------------------------

std::optional<CrawlInput> WorkerRun::TakeNext() {
  std::lock_guard<std::mutex> lock(mu_);
  if (Stopping() || buffer_.empty()) return std::nullopt;
  Held held = std::move(buffer_.front());
  buffer_.pop_front();
  cv_.notify_all();  // room for the claimer
  // Test hook (fault injection): TRAWL_FAULT_CRASH_DOMAIN names a domain
  // whose processing kills the worker every time, so the tests can show it
  // ends in the dead-letter stream while its job still completes. Unset in
  // production; documented in docs/operations.md.
  if (!crash_domain_.empty() && held.task.domain == crash_domain_) std::abort();
  int seq = next_seq_++;
  CrawlInput input{held.task.domain, seq, held.job->options.max_pages};
  crawling_.emplace(seq, std::move(held));
  return input;
}

void WorkerRun::OnProfile(Profile&& profile) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = crawling_.find(profile.input_index);
  if (it == crawling_.end()) return;  // not ours: cannot happen
  FinishItem item{FinishItem::Kind::kCrawled, std::move(it->second.task), std::move(it->second.job),
                  std::move(profile)};
  item.profile.input_index = item.task.input_index;
  crawling_.erase(it);
  finish_.push_back(std::move(item));
  cv_.notify_all();
}

// ---------------------------------------------------------------------------
// The heartbeat
// ---------------------------------------------------------------------------

void WorkerRun::HeartbeatLoop() {
  TaskQueue queue(o_.redis);
  ProcStats stats;
  const int64_t ttl_ms = std::max<int64_t>(3 * o_.heartbeat_ms, 10'000);
  while (!heartbeat_stop_.load()) {
    WorkerBeat beat;
    beat.id = id_;
    beat.host = HostName();
    beat.pid = getpid();
    beat.started_at_ms = started_ms_;
    beat.last_beat_ms = NowMs();
    beat.processed = processed_.load();
    beat.failed = failed_.load();
    beat.cpu_percent = stats.CpuPercentSinceLast();
    beat.rss_bytes = ProcStats::RssBytes();
    beat.concurrency = o_.crawl.concurrency;
    beat.version = TRAWL_VERSION;
    if (!o_.noop && o_.crawl.fetch.fetch_metrics) {
      beat.fetch_metrics_json = o_.crawl.fetch.fetch_metrics->Snapshot().ToJson();
    }
    std::vector<std::string> ids;
    {
      std::lock_guard<std::mutex> lock(mu_);
      beat.in_flight = static_cast<int64_t>(crawling_.size());
      ids.assign(held_.begin(), held_.end());
    }
    auto sent = queue.Heartbeat(beat, ttl_ms);
    if (sent && !ids.empty()) sent = queue.Touch(id_, ids);
    if (sent) {
      redis_outage_.Succeeded();
    } else {
      redis_outage_.Failed(sent.error());
    }
    SleepUnless(o_.heartbeat_ms, [this] { return heartbeat_stop_.load(); });
  }
}

// ---------------------------------------------------------------------------
// Bookkeeping and the run
// ---------------------------------------------------------------------------

void WorkerRun::PushFinish(FinishItem item) {
  std::lock_guard<std::mutex> lock(mu_);
  finish_.push_back(std::move(item));
  cv_.notify_all();
}

void WorkerRun::Resolve(const std::string& entry_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (held_.erase(entry_id) > 0) ++resolved_;
  cv_.notify_all();
}

void WorkerRun::CountFinished(bool ok) {
  ++processed_;
  if (!ok) ++failed_;
}

template <typename Pred>
bool WorkerRun::WaitUntil(Clock::time_point deadline, const Pred& done) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    cv_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
  }
  return true;
}

void WorkerRun::Goodbye() {
  TaskQueue queue(o_.redis);
  auto removed = queue.RemoveWorker(id_);  // one try: the heartbeat's TTL covers a failure
  (void)removed;
  LogLine(stdout, fmt::format("worker {} stopped: {} processed, {} failed", id_, processed_.load(),
                              failed_.load()));
}

int WorkerRun::Run() {
  if (!o_.noop) {
    auto store = Store::Open(o_.db_url);
    if (!store) {
      LogLine(stderr, fmt::format("trawl worker: cannot open the database {}: {}",
                                  RedactDbUrl(o_.db_url), store.error().message));
      return 1;
    }
    store_ = std::move(*store);
  }
  {
    TaskQueue queue(o_.redis);
    auto group = Persist(
        redis_outage_, [&] { return queue.EnsureGroup(); },
        [this] { return stop_requested_.load(); });
    if (!group && stop_requested_.load()) return 0;
    if (!group) LogLine(stderr, fmt::format("trawl worker: {}", group.error().message));
  }
  LogLine(stdout, fmt::format("worker {} started: redis={} db={} concurrency={}{}", id_,
                              RedactRedisUrl(o_.redis), o_.noop ? "-" : RedactDbUrl(o_.db_url),
                              o_.crawl.concurrency, o_.noop ? " noop" : ""));

  std::thread heartbeat([this] { HeartbeatLoop(); });
  std::thread claimer, crawler, finisher;
  if (o_.noop) {
    claimer = std::thread([this] {
      NoopLoop();
      std::lock_guard<std::mutex> lock(mu_);
      claimer_exited_ = true;
      cv_.notify_all();
    });
  } else {
    crawler_ = std::make_unique<Crawler>(o_.crawl);
    crawler_exited_ = false;
    finisher_exited_ = false;
    claimer = std::thread([this] {
      ClaimLoop();
      std::lock_guard<std::mutex> lock(mu_);
      claimer_exited_ = true;
      cv_.notify_all();
    });
    crawler = std::thread([this] {
      crawler_->Serve([this] { return TakeNext(); },
                      [this](Profile&& p) { OnProfile(std::move(p)); });
      std::lock_guard<std::mutex> lock(mu_);
      crawler_exited_ = true;
      cv_.notify_all();
    });
    finisher = std::thread([this] { FinishLoop(); });
  }

  // RequestStop only sets an atomic (it may run in a signal handler), so the
  // wait polls it.
  {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_requested_.load() && !(o_.max_tasks > 0 && resolved_ >= o_.max_tasks)) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
  size_t left_buffered = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_.store(true);
    // Claimed but not started: left unacknowledged, reclaimed by another
    // worker after the visibility timeout (no longer touched).
    for (const auto& held : buffer_) held_.erase(held.task.entry_id);
    left_buffered = buffer_.size();
    buffer_.clear();
    LogLine(stdout,
            fmt::format("worker {}: {}; finishing {} domains in flight (grace {} s)", id_,
                        stop_requested_.load() ? "stopping" : "--max-tasks reached, recycling",
                        crawling_.size(), o_.grace_ms / 1000.0));
    cv_.notify_all();
  }
  if (left_buffered > 0) {
    LogLine(stdout,
            fmt::format("worker {}: {} claimed tasks left for other workers", id_, left_buffered));
  }
  if (crawler_) crawler_->RequestStop();
  auto deadline = Clock::now() + std::chrono::milliseconds(o_.grace_ms);
  bool clean = WaitUntil(deadline, [this] { return claimer_exited_ && crawler_exited_; });
  if (clean) {
    std::lock_guard<std::mutex> lock(mu_);
    producers_done_ = true;
    cv_.notify_all();
  }
  clean = clean && WaitUntil(deadline, [this] { return finisher_exited_; });
  if (!clean) {
    // A domain in flight cannot be interrupted, and its thread cannot be
    // joined before it ends: leave the process here. Unacknowledged tasks
    // are reclaimed by another worker after the visibility timeout.
    abandon_.store(true);
    heartbeat_stop_.store(true);
    LogLine(stdout,
            fmt::format("worker {}: grace period over; leaving unfinished tasks to other workers",
                        id_));
    Goodbye();
    _exit(0);
  }
  claimer.join();
  if (crawler.joinable()) crawler.join();
  if (finisher.joinable()) finisher.join();
  heartbeat_stop_.store(true);
  heartbeat.join();
  Goodbye();
  return 0;
}

}  // namespace worker_internal

Worker::Worker(WorkerOptions options) : options_(std::move(options)) {
  // Counted for the heartbeat (GET /metrics on the API server).
  if (!options_.crawl.fetch.fetch_metrics) {
    options_.crawl.fetch.fetch_metrics = std::make_shared<FetchMetrics>();
  }
}

int Worker::Run() {
  worker_internal::WorkerRun run(options_, stop_);
  return run.Run();
}

}  // namespace trawl
