// The job runner (job_runner.h): the claimer, the crawler's source and sink,
// the heartbeat, and start and stop. The finisher is in job_runner_finish.cpp.
#include "worker/job_runner.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include "core/clock.h"
#include "worker/job_runner_core.h"
#include "worker/worker_log.h"

namespace trawl {
namespace runner_internal {

RunnerCore::RunnerCore(RunnerOptions options, std::unique_ptr<TaskSource> source,
                       std::shared_ptr<Store> store)
    : o_(std::move(options)),
      source_(std::move(source)),
      store_(std::move(store)),
      own_outage_(source_->Service()),
      source_outage_(std::string(source_->Service()) == "database" ? db_outage_ : own_outage_) {
  if (!o_.noop) {
    crawler_ = std::make_unique<Crawler>(o_.crawl);
    crawler_exited_ = false;
    finisher_exited_ = false;
  }
}

// ---------------------------------------------------------------------------
// The claimer
// ---------------------------------------------------------------------------

int RunnerCore::ClaimRoom() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t room = o_.crawl.concurrency - static_cast<int64_t>(buffer_.size());
  if (o_.max_tasks > 0) room = std::min(room, o_.max_tasks - claimed_);
  return static_cast<int>(std::max<int64_t>(room, 0));
}

std::vector<ClaimedTask> RunnerCore::ClaimRound(int& failures) {
  int room = ClaimRoom();
  if (room <= 0) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    return {};
  }
  auto claimed = source_->Claim(room, o_.claim_block_ms);
  if (!claimed) {
    if (claimed.error().code == ErrorCode::kUnavailable) {
      source_outage_.Failed(claimed.error());
    } else {
      LogLine(stderr, fmt::format("{}: {}", o_.name, claimed.error().message));
    }
    SleepUnless(RetryDelayMs(std::min(failures++, 16)), [this] { return Stopping(); });
    return {};
  }
  source_outage_.Succeeded();
  failures = 0;
  return std::move(*claimed);
}

void RunnerCore::ClaimLoop() {
  int failures = 0;
  while (!Stopping()) {
    for (auto& task : ClaimRound(failures)) Admit(std::move(task));
  }
  std::lock_guard<std::mutex> lock(mu_);
  claimer_exited_ = true;
  cv_.notify_all();
}

void RunnerCore::Admit(ClaimedTask task) {
  bool first_of_job = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++claimed_;
    held_.insert(task.handle);
    if (seen_jobs_.size() > 100'000) seen_jobs_.clear();  // bounded over a long life
    first_of_job = seen_jobs_.insert(task.job->id).second;
  }
  if (first_of_job) PushFinish(FinishItem{FinishItem::Kind::kJobSeen, task, {}});
  if (task.attempt > task.job->options.max_attempts) {
    // Delivered more often than the job allows and never finished: its
    // runner died each time (or the task kept failing). Not crawled again.
    PushFinish(FinishItem{FinishItem::Kind::kExhausted, std::move(task), {}});
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (Stopping()) {  // nobody will take it now: hand it back
    lock.unlock();
    Resolve(task, false);
    return;
  }
  buffer_.push_back(std::move(task));
}

void RunnerCore::NoopLoop() {
  int failures = 0;
  while (!Stopping()) {
    std::vector<ClaimedTask> claimed = ClaimRound(failures);
    if (claimed.empty()) continue;
    std::vector<const ClaimedTask*> tasks;
    tasks.reserve(claimed.size());
    for (const ClaimedTask& task : claimed) tasks.push_back(&task);
    std::vector<bool> ok(claimed.size(), true);
    auto done = Persist(
        source_outage_, [&] { return source_->Complete(tasks, ok); },
        [this] { return Abandoned(); });
    if (done) processed_ += static_cast<int64_t>(claimed.size());
    std::lock_guard<std::mutex> lock(mu_);
    claimed_ += static_cast<int64_t>(claimed.size());
    resolved_ += static_cast<int64_t>(claimed.size());
    cv_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  claimer_exited_ = true;
  cv_.notify_all();
}

// ---------------------------------------------------------------------------
// The crawler and its source and sink (called under the crawler's lock)
// ---------------------------------------------------------------------------

void RunnerCore::CrawlLoop() {
  crawler_->Serve([this] { return TakeNext(); }, [this](Profile&& p) { OnProfile(std::move(p)); });
  std::lock_guard<std::mutex> lock(mu_);
  crawler_exited_ = true;
  cv_.notify_all();
}

std::optional<CrawlInput> RunnerCore::TakeNext() {
  std::lock_guard<std::mutex> lock(mu_);
  if (Stopping() || buffer_.empty()) return std::nullopt;
  ClaimedTask task = std::move(buffer_.front());
  buffer_.pop_front();
  cv_.notify_all();  // room for the claimer
  // Test hook (fault injection): TRAWL_FAULT_CRASH_DOMAIN names a domain
  // whose processing kills the worker every time, so the tests can show it
  // ends in the dead-letter stream while its job still completes. Unset in
  // production; documented in docs/operations.md.
  if (!o_.crash_domain.empty() && task.domain == o_.crash_domain) std::abort();
  int seq = next_seq_++;
  CrawlInput input{task.domain, seq, task.job->options.max_pages};
  crawling_.emplace(seq, std::move(task));
  in_flight_.store(static_cast<int64_t>(crawling_.size()));
  return input;
}

void RunnerCore::OnProfile(Profile&& profile) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = crawling_.find(profile.input_index);
  if (it == crawling_.end()) return;  // not ours: cannot happen
  FinishItem item{FinishItem::Kind::kCrawled, std::move(it->second), std::move(profile)};
  item.profile.input_index = item.task.input_index;
  crawling_.erase(it);
  in_flight_.store(static_cast<int64_t>(crawling_.size()));
  finish_.push_back(std::move(item));
  cv_.notify_all();
}

// ---------------------------------------------------------------------------
// The heartbeat
// ---------------------------------------------------------------------------

void RunnerCore::HeartbeatLoop() {
  while (!heartbeat_stop_.load()) {
    RunnerFigures figures{processed_.load(), failed_.load(), in_flight_.load()};
    std::vector<std::string> handles;
    {
      std::lock_guard<std::mutex> lock(mu_);
      handles.assign(held_.begin(), held_.end());
    }
    auto sent = source_->KeepFresh(handles, figures);
    if (!sent) {
      source_outage_.Failed(sent.error());
    } else if (&source_outage_ == &own_outage_) {
      // A database source keeps nothing fresh: its success says nothing
      // about an outage the finisher may be riding out.
      source_outage_.Succeeded();
    }
    SleepUnless(o_.keep_fresh_ms, [this] { return heartbeat_stop_.load(); });
  }
}

// ---------------------------------------------------------------------------
// Bookkeeping, start and stop
// ---------------------------------------------------------------------------

void RunnerCore::PushFinish(FinishItem item) {
  std::lock_guard<std::mutex> lock(mu_);
  finish_.push_back(std::move(item));
  cv_.notify_all();
}

void RunnerCore::Resolve(const ClaimedTask& task, bool acknowledged) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (held_.erase(task.handle) > 0) ++resolved_;
    cv_.notify_all();
  }
  if (!acknowledged) source_->Release({task});
}

void RunnerCore::CountFinished(bool ok) {
  ++processed_;
  if (!ok) ++failed_;
}

template <typename Pred>
bool RunnerCore::WaitUntil(Clock::time_point deadline, const Pred& done) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    cv_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
  }
  return true;
}

void RunnerCore::WaitForEnd(const std::atomic<bool>& stop_requested) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_requested.load() && !(o_.max_tasks > 0 && resolved_ >= o_.max_tasks)) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

std::vector<ClaimedTask> RunnerCore::BeginStop() {
  std::vector<ClaimedTask> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_.store(true);
    // Claimed but not started: handed back (Redis: left unacknowledged and
    // no longer touched, so another worker reclaims them).
    for (const auto& task : buffer_) held_.erase(task.handle);
    left.assign(std::make_move_iterator(buffer_.begin()), std::make_move_iterator(buffer_.end()));
    buffer_.clear();
    bool recycling = o_.max_tasks > 0 && resolved_ >= o_.max_tasks;
    LogLine(stdout, fmt::format("{}: {}; finishing {} domains in flight", o_.name,
                                recycling ? "--max-tasks reached, recycling" : "stopping",
                                crawling_.size()));
    cv_.notify_all();
  }
  if (!left.empty()) {
    LogLine(stdout, fmt::format("{}: {} claimed tasks left for others", o_.name, left.size()));
  }
  if (crawler_) crawler_->RequestStop();
  source_->Wake();
  return left;
}

bool RunnerCore::Drain(Clock::time_point deadline) {
  bool clean = WaitUntil(deadline, [this] { return claimer_exited_ && crawler_exited_; });
  if (clean) {
    std::lock_guard<std::mutex> lock(mu_);
    producers_done_ = true;
    cv_.notify_all();
  }
  return clean && WaitUntil(deadline, [this] { return finisher_exited_; });
}

void RunnerCore::Abandon() {
  abandon_.store(true);
  heartbeat_stop_.store(true);
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

}  // namespace runner_internal

// ---------------------------------------------------------------------------
// JobRunner
// ---------------------------------------------------------------------------

JobRunner::JobRunner(RunnerOptions options, std::unique_ptr<TaskSource> source,
                     std::shared_ptr<Store> store)
    : core_(std::make_shared<runner_internal::RunnerCore>(std::move(options), std::move(source),
                                                          std::move(store))) {}

JobRunner::~JobRunner() { Stop(0); }

void JobRunner::Start() {
  if (started_) return;
  started_ = true;
  // Each thread holds the core: one left behind after the grace period
  // keeps it alive.
  auto core = core_;
  heartbeat_ = std::thread([core] { core->HeartbeatLoop(); });
  if (!core->uses_crawler()) {
    claimer_ = std::thread([core] { core->NoopLoop(); });
    return;
  }
  claimer_ = std::thread([core] { core->ClaimLoop(); });
  crawler_ = std::thread([core] { core->CrawlLoop(); });
  finisher_ = std::thread([core] { core->FinishLoop(); });
}

void JobRunner::Wake() { core_->source().Wake(); }

void JobRunner::WaitForEnd(const std::atomic<bool>& stop_requested) {
  core_->WaitForEnd(stop_requested);
}

bool JobRunner::Stop(int64_t grace_ms) {
  if (!started_ || stopped_) return true;
  stopped_ = true;
  std::vector<ClaimedTask> left = core_->BeginStop();
  auto deadline =
      runner_internal::Clock::now() + std::chrono::milliseconds(std::max<int64_t>(grace_ms, 0));
  if (!core_->Drain(deadline)) {
    // A domain in flight cannot be interrupted, and its thread cannot be
    // joined before it ends: leave the threads behind with the core. What
    // they hold is reclaimed (Redis) or reset on the next start (database).
    core_->Abandon();
    LogLine(stdout, fmt::format("{}: grace period over; leaving unfinished tasks to others",
                                core_->options().name));
    for (std::thread* t : {&claimer_, &crawler_, &finisher_, &heartbeat_}) {
      if (t->joinable()) t->detach();
    }
    core_->source().Close(false);
    return false;
  }
  for (std::thread* t : {&claimer_, &crawler_, &finisher_}) {
    if (t->joinable()) t->join();
  }
  core_->Abandon();  // only the heartbeat is left: stop it
  if (heartbeat_.joinable()) heartbeat_.join();
  core_->source().Release(left);
  core_->source().Close(true);
  return true;
}

int64_t JobRunner::in_flight() const { return core_->in_flight_.load(); }
int64_t JobRunner::processed() const { return core_->processed_.load(); }
int64_t JobRunner::failed() const { return core_->failed_.load(); }

}  // namespace trawl
