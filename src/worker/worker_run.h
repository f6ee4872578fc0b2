// The worker's moving parts (worker.h), for its two source files only:
// worker.cpp (claimer, crawler hand-off, heartbeat, the run) and
// worker_finish.cpp (store, then acknowledge). Not a public interface.
//
// A task is "held" from Claim until Complete, Retry, DeadLetter or Drop has
// acknowledged it, or until it is deliberately left for another worker; the
// heartbeat keeps the claims of held tasks fresh so a slow domain is not
// handed to someone else. Fields below `mu_` are guarded by it.
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
#include "queue/task_queue.h"
#include "store/store.h"
#include "worker/job_cache.h"
#include "worker/persist.h"
#include "worker/worker.h"

namespace trawl::worker_internal {

using Clock = std::chrono::steady_clock;

// A claimed task waiting for the crawler, or being crawled.
struct Held {
  QueuedTask task;
  std::shared_ptr<const JobInfo> job;
};

// Work for the finisher, in the order it arrived.
struct FinishItem {
  enum class Kind { kJobSeen, kCrawled, kExhausted };
  Kind kind = Kind::kCrawled;
  QueuedTask task;
  std::shared_ptr<const JobInfo> job;
  Profile profile;  // kCrawled only
};

class WorkerRun {
 public:
  // Reads TRAWL_FAULT_CRASH_DOMAIN (a test hook; see TakeNext).
  WorkerRun(const WorkerOptions& options, std::atomic<bool>& stop_requested);
  // Worker::Run's contract (worker.h).
  int Run();

 private:
  // --- the claimer ------------------------------------------------------
  int ClaimRoom();
  // One claim round: waits while there is no room, claims up to the room
  // left. Empty when there is nothing (no room, Redis away — `failures`
  // counts the outage for backoff — or no task within the block time).
  std::vector<QueuedTask> ClaimRound(TaskQueue& queue, int& failures);
  void ClaimLoop();
  void Admit(TaskQueue& queue, JobCache& jobs, QueuedTask task);
  void Drop(TaskQueue& queue, const QueuedTask& task, const std::string& why);
  void NoopLoop();

  // --- the crawler's source and sink ------------------------------------
  std::optional<CrawlInput> TakeNext();
  void OnProfile(Profile&& profile);

  // --- the finisher -----------------------------------------------------
  void FinishLoop();
  void FinishBatch(TaskQueue& queue, std::vector<FinishItem>& batch);
  Result<void> StoreProfile(const FinishItem& item, const Profile& profile);
  void RetryLater(TaskQueue& queue, const FinishItem& item);
  void DeadLetter(TaskQueue& queue, const FinishItem& item, const Profile& profile,
                  const Error& error);
  void MarkStarted(const std::string& job_id);
  void MarkFinished(const std::string& job_id);

  // --- the heartbeat ----------------------------------------------------
  void HeartbeatLoop();

  // --- bookkeeping ------------------------------------------------------
  void PushFinish(FinishItem item);
  // The task is out of this worker's hands (acknowledged or left to others).
  void Resolve(const std::string& entry_id);
  void CountFinished(bool ok);
  template <typename Pred>
  bool WaitUntil(Clock::time_point deadline, const Pred& done);
  void Goodbye();

  bool Stopping() const { return stopping_.load(); }
  bool Abandoned() const { return abandon_.load(); }

  const WorkerOptions& o_;
  std::atomic<bool>& stop_requested_;
  std::string id_;
  std::string crash_domain_;
  int64_t started_ms_ = 0;
  Outage redis_outage_{"redis"};
  Outage db_outage_{"database"};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Crawler> crawler_;

  std::atomic<bool> stopping_{false};  // stop claiming; the crawler stops taking
  std::atomic<bool> abandon_{false};   // the grace period is over: give up retries
  std::atomic<bool> heartbeat_stop_{false};
  std::atomic<int64_t> processed_{0};
  std::atomic<int64_t> failed_{0};

  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::deque<Held> buffer_;
  std::map<int, Held> crawling_;  // by CrawlInput.index (a local sequence number)
  std::deque<FinishItem> finish_;
  std::set<std::string> held_;  // entry ids claimed and not yet resolved
  int next_seq_ = 0;
  int64_t claimed_ = 0;
  int64_t resolved_ = 0;
  bool claimer_exited_ = false;
  bool crawler_exited_ = true;   // set false when a crawler thread starts
  bool finisher_exited_ = true;  // likewise for the finisher
  bool producers_done_ = false;
};

}  // namespace trawl::worker_internal
