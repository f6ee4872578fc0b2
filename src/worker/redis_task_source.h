// The task source of `trawl worker` (task_source.h) over the Redis stream of
// task_queue.h: claims through the consumer group, keeps claims fresh with
// the worker's heartbeat, acknowledges through the counting Lua scripts.
//
// Thread-safety: as task_source.h says — one TaskQueue (one connection) per
// calling thread: the claimer's, the finisher's and the heartbeat's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "queue/task_queue.h"
#include "worker/job_cache.h"
#include "worker/proc_stats.h"
#include "worker/task_source.h"

namespace trawl {

class FetchMetrics;

// What the heartbeat says about the worker beyond the runner's figures.
struct WorkerIdentity {
  std::string id;  // the consumer name too
  int64_t started_at_ms = 0;
  int64_t concurrency = 0;
  std::shared_ptr<FetchMetrics> fetch_metrics;  // null: no fetch figures (noop)
};

class RedisTaskSource final : public TaskSource {
 public:
  // `visibility_ms`: idle time after which another worker reclaims a task;
  // `beat_ttl_ms`: how long the heartbeat hash outlives the last beat.
  RedisTaskSource(const RedisConfig& config, WorkerIdentity identity, int64_t visibility_ms,
                  int64_t beat_ttl_ms);

  const char* Service() const override { return "redis"; }
  Result<void> Open() override;
  Result<std::vector<ClaimedTask>> Claim(int count, int block_ms) override;
  void JobStarted(const TaskJob&) override {}
  Result<void> KeepFresh(const std::vector<std::string>& handles,
                         const RunnerFigures& figures) override;
  Result<std::vector<TaskCounted>> Complete(const std::vector<const ClaimedTask*>& tasks,
                                            const std::vector<bool>& ok) override;
  bool Retries() const override { return true; }
  Result<void> RetryLater(const ClaimedTask& task, const Error& error, int64_t delay_ms) override;
  Result<TaskCounted> DeadLetter(const ClaimedTask& task, const Error& error) override;
  // Nothing to do: an unacknowledged entry is reclaimed after the visibility timeout.
  void Release(const std::vector<ClaimedTask>&) override {}
  // Nothing to do: a Claim blocks at most its block time.
  void Wake() override {}
  // Removes the heartbeat (one try: its TTL covers a failure).
  void Close(bool clean) override;

 private:
  void Drop(const QueuedTask& task, const std::string& why);

  RedisConfig config_;
  WorkerIdentity identity_;
  int64_t visibility_ms_;
  int64_t beat_ttl_ms_;
  TaskQueue claim_queue_;   // the claimer's
  TaskQueue finish_queue_;  // the finisher's
  TaskQueue fresh_queue_;   // the heartbeat's
  JobCache jobs_;           // the claimer's
  ProcStats stats_;         // the heartbeat's
};

}  // namespace trawl
