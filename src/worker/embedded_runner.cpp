// The embedded runner (embedded_runner.h): one thread that takes the oldest
// unfinished embedded job, claims its pending tasks from the database in
// small batches, crawls them on a Crawler (Serve), stores each profile, and
// marks the job completed when every task is done or failed. Nothing lives
// only in memory: a task is `processing` in the database from claim to
// stored profile, and Start turns those left by a stopped server back to
// `pending`.
#include "worker/embedded_runner.h"

#include <fmt/core.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/clock.h"
#include "crawl/crawler.h"
#include "store/job_options.h"
#include "worker/persist.h"
#include "worker/task_outcome.h"
#include "worker/worker_log.h"

namespace trawl {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kClaimBatch = 16;           // tasks turned to processing per claim at most
constexpr int64_t kCancelCheckMs = 1000;  // how often a running job's status is re-read
constexpr int64_t kIdleRescanMs = 5000;   // look for jobs this often even without Wake

// Everything the runner thread uses. Shared with the thread so that a runner
// whose grace period ran out can let its thread finish on its own.
struct RunnerState {
  std::string db_url;
  CrawlOptions crawl;
  EventCallback on_event;
  std::unique_ptr<Store> store;
  Outage db_outage{"database"};

  std::atomic<bool> stop{false};     // take no more tasks
  std::atomic<bool> abandon{false};  // the grace period is over: store nothing more
  std::atomic<int> in_flight{0};

  std::mutex mu;  // guards the fields below
  std::condition_variable cv;
  bool wake = false;
  bool exited = false;
  Crawler* crawler = nullptr;  // the job being run, if any

  void Emit(const nlohmann::json& event) {
    if (on_event) on_event(event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
};

// One pass over one job: claim, crawl, store, until its pending tasks are
// gone, the job is cancelled, or the runner stops.
class JobPass {
 public:
  JobPass(RunnerState& s, JobRecord job) : s_(s), job_(std::move(job)) {
    auto options = ParseJobOptions(job_.options_json);
    if (options) options_ = *options;
    approval_ = InitialApproval(options_, job_.mode);
  }

  void Run();

 private:
  std::optional<CrawlInput> Next(Crawler& crawler);
  void Done(Crawler& crawler, Profile&& profile);
  void CheckCancelled(Crawler& crawler);
  void Finish();

  RunnerState& s_;
  JobRecord job_;
  JobOptions options_;
  std::string approval_;
  // Touched only by the crawler's source and sink, which it never calls
  // concurrently.
  std::deque<TaskRecord> buffer_;
  std::map<int, TaskRecord> crawling_;
  int next_seq_ = 0;
  bool exhausted_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
  int64_t claimed_ = 0;
  int claim_failures_ = 0;
  Clock::time_point next_claim_{};
  Clock::time_point last_check_ = Clock::now();
};

void JobPass::Run() {
  auto give_up = [this] { return s_.stop.load(); };
  auto started = Persist(
      s_.db_outage, [&] { return s_.store->MarkJobStarted(job_.id, NowMs()); }, give_up);
  if (!started) {
    if (started.error().code == ErrorCode::kUnavailable)
      return;  // stopping while the database is away
    LogLine(stderr, fmt::format("job {}: could not mark it started: {}", ShortJobId(job_.id),
                                started.error().message));
  }
  if (Is(job_.status, JobStatus::kPending)) {
    s_.Emit({{"type", "job"}, {"job_id", job_.id}, {"status", ToString(JobStatus::kProcessing)}});
  }
  Crawler crawler(s_.crawl);
  {
    std::lock_guard<std::mutex> lock(s_.mu);
    if (s_.stop.load()) return;
    s_.crawler = &crawler;
  }
  crawler.Serve([&] { return Next(crawler); }, [&](Profile&& p) { Done(crawler, std::move(p)); });
  {
    std::lock_guard<std::mutex> lock(s_.mu);
    s_.crawler = nullptr;
  }
  if (s_.abandon.load()) return;
  if ((cancelled_ || s_.stop.load()) && !finished_) {
    // Tasks claimed but never crawled go back to pending: a cancelled job
    // keeps them for a retry, a stopped runner resumes them on Start.
    auto reset = s_.store->ResetProcessingTasks(job_.id);
    (void)reset;
    return;
  }
  if (!finished_) Finish();
}

std::optional<CrawlInput> JobPass::Next(Crawler& crawler) {
  if (s_.stop.load() || cancelled_) return std::nullopt;
  CheckCancelled(crawler);
  if (cancelled_) return std::nullopt;
  if (buffer_.empty() && !exhausted_ && Clock::now() >= next_claim_) {
    auto claimed = s_.store->ClaimTasks(job_.id, kClaimBatch, NowMs());
    if (!claimed) {
      if (claimed.error().code == ErrorCode::kUnavailable)
        s_.db_outage.Failed(claimed.error());
      else
        LogLine(stderr, fmt::format("job {}: {}", ShortJobId(job_.id), claimed.error().message));
      next_claim_ =
          Clock::now() + std::chrono::milliseconds(RetryDelayMs(std::min(claim_failures_++, 16)));
      return std::nullopt;
    }
    s_.db_outage.Succeeded();
    claim_failures_ = 0;
    if (claimed->empty()) exhausted_ = true;
    claimed_ += static_cast<int64_t>(claimed->size());
    for (auto& t : *claimed) buffer_.push_back(std::move(t));
  }
  if (buffer_.empty()) {
    if (exhausted_ && crawling_.empty()) crawler.RequestStop();  // the pass is over
    return std::nullopt;
  }
  TaskRecord task = std::move(buffer_.front());
  buffer_.pop_front();
  int seq = next_seq_++;
  CrawlInput input{task.domain, seq, options_.max_pages};
  crawling_.emplace(seq, std::move(task));
  ++s_.in_flight;
  return input;
}

void JobPass::Done(Crawler& crawler, Profile&& profile) {
  auto it = crawling_.find(profile.input_index);
  if (it == crawling_.end()) return;
  TaskRecord task = std::move(it->second);
  crawling_.erase(it);
  --s_.in_flight;
  if (s_.abandon.load()) return;  // the task stays processing; the next Start resets it
  StoredProfile stored =
      ToStoredProfile(job_.id, task.domain, task.input_index, profile, approval_);
  auto put = Persist(
      s_.db_outage, [&] { return s_.store->PutProfile(stored); },
      [this] { return s_.abandon.load(); });
  if (!put) {
    if (put.error().code != ErrorCode::kUnavailable) {
      LogLine(stderr, fmt::format("job {}: could not store the profile of {}: {}",
                                  ShortJobId(job_.id), task.domain, put.error().message));
    }
    return;
  }
  // The runner is the only one working an embedded job, and it claims only
  // pending tasks, so each stored profile moves one count: counting here
  // spares a count over the whole job per domain.
  if (profile.ok())
    ++job_.completed;
  else
    ++job_.failed;
  s_.Emit({{"type", "progress"},
           {"job_id", job_.id},
           {"domain", task.domain},
           {"status", profile.ok() ? "ok" : "failed"},
           {"completed", job_.completed},
           {"failed", job_.failed},
           {"total", job_.total}});
  if (job_.completed + job_.failed >= job_.total) Finish();
  if (exhausted_ && buffer_.empty() && crawling_.empty()) crawler.RequestStop();
}

void JobPass::CheckCancelled(Crawler& crawler) {
  if (Clock::now() - last_check_ < std::chrono::milliseconds(kCancelCheckMs)) return;
  last_check_ = Clock::now();
  auto job = s_.store->GetJob(job_.id);
  if (!job || !*job) return;  // a transient failure: the next check will tell
  if (Is((*job)->status, JobStatus::kCancelled)) {
    cancelled_ = true;
    crawler.RequestStop();
  }
}

// Marks the job completed when the database agrees every task is done or
// failed; a pass that found nothing left but unfinished counts puts orphaned
// processing tasks back to pending for the next pass.
void JobPass::Finish() {
  auto job = s_.store->GetJob(job_.id);
  if (!job || !*job) return;
  const JobRecord& now = **job;
  if (IsFinalJobStatus(now.status)) {
    finished_ = true;
    return;
  }
  if (now.completed + now.failed < now.total) {
    if (claimed_ > 0 || !exhausted_) return;  // more to do: the next pass takes it
    auto reset = s_.store->ResetProcessingTasks(job_.id);
    if (reset && *reset > 0) return;
    LogLine(stderr,
            fmt::format("job {}: {} of {} tasks accounted for and none left to run; marking it "
                        "completed",
                        ShortJobId(job_.id), now.completed + now.failed, now.total));
  }
  auto marked = s_.store->MarkJobFinished(job_.id, ToString(JobStatus::kCompleted), NowMs());
  finished_ = true;
  if (marked && *marked) {
    s_.Emit({{"type", "job"}, {"job_id", job_.id}, {"status", ToString(JobStatus::kCompleted)}});
  }
}

void RunnerLoop(std::shared_ptr<RunnerState> s) {
  auto give_up = [&] { return s->stop.load(); };
  while (!s->stop.load()) {
    auto jobs = Persist(
        s->db_outage, [&] { return s->store->UnfinishedEmbeddedJobs(); }, give_up);
    std::optional<JobRecord> job;
    if (jobs) {
      for (const auto& id : *jobs) {
        auto got = Persist(
            s->db_outage, [&] { return s->store->GetJob(id); }, give_up);
        if (got && *got && !IsFinalJobStatus((*got)->status)) {
          job = std::move(**got);
          break;
        }
      }
    } else if (jobs.error().code != ErrorCode::kUnavailable) {
      LogLine(stderr, fmt::format("embedded runner: {}", jobs.error().message));
    }
    if (job) {
      JobPass(*s, std::move(*job)).Run();
      continue;
    }
    std::unique_lock<std::mutex> lock(s->mu);
    s->cv.wait_for(lock, std::chrono::milliseconds(kIdleRescanMs),
                   [&] { return s->wake || s->stop.load(); });
    s->wake = false;
  }
  std::lock_guard<std::mutex> lock(s->mu);
  s->exited = true;
  s->cv.notify_all();
}

}  // namespace

struct EmbeddedRunner::Impl {
  std::shared_ptr<RunnerState> state = std::make_shared<RunnerState>();
  std::thread thread;
};

EmbeddedRunner::EmbeddedRunner(std::string db_url, CrawlOptions crawl, EventCallback on_event)
    : impl_(std::make_unique<Impl>()) {
  impl_->state->db_url = std::move(db_url);
  impl_->state->crawl = std::move(crawl);
  impl_->state->on_event = std::move(on_event);
}

EmbeddedRunner::~EmbeddedRunner() { Stop(0); }

Result<void> EmbeddedRunner::Start() {
  if (impl_->thread.joinable()) return {};
  RunnerState& s = *impl_->state;
  if (!s.store) {
    auto store = Store::Open(s.db_url);
    if (!store) return Fail(ErrorCode::kUnavailable, store.error().message);
    s.store = std::move(*store);
  }
  auto jobs = s.store->UnfinishedEmbeddedJobs();
  if (!jobs) return Fail(ErrorCode::kUnavailable, jobs.error().message);
  for (const auto& id : *jobs) {
    auto reset = s.store->ResetProcessingTasks(id);
    if (!reset) return Fail(ErrorCode::kUnavailable, reset.error().message);
  }
  s.stop.store(false);
  s.abandon.store(false);
  s.exited = false;
  impl_->thread = std::thread(RunnerLoop, impl_->state);
  return {};
}

void EmbeddedRunner::Wake() {
  std::lock_guard<std::mutex> lock(impl_->state->mu);
  impl_->state->wake = true;
  impl_->state->cv.notify_all();
}

void EmbeddedRunner::Stop(int64_t grace_ms) {
  if (!impl_ || !impl_->thread.joinable()) return;
  std::shared_ptr<RunnerState> state = impl_->state;
  RunnerState& s = *state;
  std::unique_lock<std::mutex> lock(s.mu);
  s.stop.store(true);
  if (s.crawler) s.crawler->RequestStop();
  s.cv.notify_all();
  bool exited = s.cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(grace_ms, 0)),
                              [&] { return s.exited; });
  if (!exited) s.abandon.store(true);
  lock.unlock();
  if (exited) {
    impl_->thread.join();
    return;
  }
  // The domains in flight end by their own time limits; the thread keeps its
  // state alive and stores nothing more. Their tasks stay processing and the
  // next Start resets them to pending.
  impl_->thread.detach();
  impl_->state = std::make_shared<RunnerState>();
  impl_->state->db_url = s.db_url;
  impl_->state->crawl = s.crawl;
  impl_->state->on_event = s.on_event;
}

int EmbeddedRunner::in_flight() const { return impl_->state->in_flight.load(); }

}  // namespace trawl
