// The job runner's moving parts (job_runner.h), for its two source files
// only: job_runner.cpp (claimer, crawler hand-off, heartbeat, start and
// stop) and job_runner_finish.cpp (store, then acknowledge). Not a public
// interface. Shared by the runner and its threads, so that threads left
// behind after the grace period keep it alive. Fields below `mu_` are
// guarded by it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crawl/crawler.h"
#include "store/store.h"
#include "worker/job_runner.h"
#include "worker/persist.h"
#include "worker/task_source.h"

namespace trawl::runner_internal {

using Clock = std::chrono::steady_clock;

// Work for the finisher, in the order it arrived.
struct FinishItem {
  enum class Kind { kJobSeen, kCrawled, kExhausted };
  Kind kind = Kind::kCrawled;
  ClaimedTask task;
  Profile profile;  // kCrawled only
};

class RunnerCore {
 public:
  RunnerCore(RunnerOptions options, std::unique_ptr<TaskSource> source,
             std::shared_ptr<Store> store);

  // --- the threads --------------------------------------------------------
  void ClaimLoop();
  void NoopLoop();
  void CrawlLoop();
  void FinishLoop();
  void HeartbeatLoop();

  // --- start and stop (the owning thread) ---------------------------------
  void WaitForEnd(const std::atomic<bool>& stop_requested);
  // Stop claiming; returns the tasks claimed and not started.
  std::vector<ClaimedTask> BeginStop();
  // Waits for the threads' work to end by `deadline`; false if it did not.
  bool Drain(Clock::time_point deadline);
  void Abandon();

  TaskSource& source() { return *source_; }
  const RunnerOptions& options() const { return o_; }
  bool uses_crawler() const { return !o_.noop; }
  std::atomic<int64_t> processed_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> in_flight_{0};

 private:
  // --- the claimer ------------------------------------------------------
  int ClaimRoom();
  // One claim round: waits while there is no room, claims up to the room
  // left. Empty when there is nothing (no room, the source away — `failures`
  // counts the outage for backoff — or no task within the block time).
  std::vector<ClaimedTask> ClaimRound(int& failures);
  void Admit(ClaimedTask task);

  // --- the crawler's source and sink ------------------------------------
  std::optional<CrawlInput> TakeNext();
  void OnProfile(Profile&& profile);

  // --- the finisher -----------------------------------------------------
  void FinishBatch(std::vector<FinishItem>& batch);
  Result<void> StoreProfile(const ClaimedTask& task, const Profile& profile);
  void RetryLater(const FinishItem& item);
  void DeadLetter(const FinishItem& item, const Profile& profile, const Error& error);
  void MarkStarted(const TaskJob& job);
  void MarkFinished(const std::string& job_id);

  // --- bookkeeping ------------------------------------------------------
  void PushFinish(FinishItem item);
  // The task is out of this runner's hands (acknowledged or handed back).
  void Resolve(const ClaimedTask& task, bool acknowledged);
  void CountFinished(bool ok);
  template <typename Pred>
  bool WaitUntil(Clock::time_point deadline, const Pred& done);

  bool Stopping() const { return stopping_.load(); }
  bool Abandoned() const { return abandon_.load(); }

  const RunnerOptions o_;
  std::unique_ptr<TaskSource> source_;
  std::shared_ptr<Store> store_;
  Outage db_outage_{"database"};
  Outage own_outage_;      // the source's, unless it is the database
  Outage& source_outage_;  // own_outage_ or db_outage_
  std::unique_ptr<Crawler> crawler_;

  std::atomic<bool> stopping_{false};  // stop claiming; the crawler stops taking
  std::atomic<bool> abandon_{false};   // the grace period is over: give up retries
  std::atomic<bool> heartbeat_stop_{false};

  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::deque<ClaimedTask> buffer_;
  std::map<int, ClaimedTask> crawling_;  // by CrawlInput.index (a local sequence number)
  std::deque<FinishItem> finish_;
  std::set<std::string> held_;       // handles of tasks claimed and not yet resolved
  std::set<std::string> seen_jobs_;  // jobs whose first task this runner took
  int next_seq_ = 0;
  int64_t claimed_ = 0;
  int64_t resolved_ = 0;
  bool claimer_exited_ = false;
  bool crawler_exited_ = true;   // set false when the crawler thread starts
  bool finisher_exited_ = true;  // likewise for the finisher
  bool producers_done_ = false;

  friend class trawl::JobRunner;
};

}  // namespace trawl::runner_internal
