// Where the job runner (job_runner.h) gets its tasks and where their
// outcomes go: claim, keep a claim fresh, complete, retry later, dead-letter,
// hand back. Two implementations: RedisTaskSource (`trawl worker`, the
// stream of task_queue.h) and DbTaskSource (the embedded mode of `trawl
// serve`, the tasks table of store.h). A source changes a job's state in its
// own back end (counted, completed); the runner stores profiles and records
// a job's start and completion in the database for every source (for a
// parallel job those are copies of what Redis owns; see docs/operations.md).
//
// Thread-safety: the runner calls Claim from one thread (the claimer);
// JobStarted, Complete, RetryLater and DeadLetter from one other thread (the
// finisher); KeepFresh from a third (the heartbeat); Release, Wake and Close
// from any thread. An implementation may rely on that and nothing more.
//
// Errors: every call returns kUnavailable while its back end cannot be
// reached, and the runner retries it with backoff (persist.h) for as long as
// it holds the task; any other error is final for that call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/job_options.h"

namespace trawl {

// The job a claimed task belongs to, as the runner needs it. Shared by the
// tasks of one job; immutable once claimed.
struct TaskJob {
  std::string id;
  std::string mode;  // kModeParallel | kModeEmbedded
  JobOptions options;
};

// One claimed task. `handle` is the source's own reference (the stream entry
// id in Redis; "" for the database, which finds a task by job and domain).
struct ClaimedTask {
  std::string handle;
  std::shared_ptr<const TaskJob> job;
  std::string domain;
  int input_index = 0;
  int attempt = 1;              // deliveries of (job, domain) so far, this one included
  std::string last_error_code;  // from an earlier attempt, "" if none
  std::string last_error_message;
};

// What acknowledging a task did to its job.
struct TaskCounted {
  bool job_finished = false;  // this call completed the job
};

// The runner's figures, for a source that reports liveness (the heartbeat).
struct RunnerFigures {
  int64_t processed = 0;  // tasks finished (ok or failed) since start
  int64_t failed = 0;
  int64_t in_flight = 0;  // being crawled now
};

class TaskSource {
 public:
  virtual ~TaskSource() = default;

  // Names the back end in log lines ("redis", "database").
  virtual const char* Service() const = 0;

  // Prepares the back end before the first Claim (the consumer group; tasks
  // a stopped runner left in processing go back to pending).
  virtual Result<void> Open() = 0;

  // Up to `count` tasks, waiting up to `block_ms` when there are none (Wake
  // ends the wait early). Tasks of unknown or cancelled jobs are dropped by
  // the source, not returned. Empty when there is nothing to do now.
  virtual Result<std::vector<ClaimedTask>> Claim(int count, int block_ms) = 0;

  // The first task of `job` this runner claimed is in hand and the runner
  // has recorded the start in the database; a source that announces jobs
  // does so now. Cannot fail.
  virtual void JobStarted(const TaskJob& job) = 0;

  // Keeps the claims on `tasks` fresh (handles of tasks held) and reports the
  // runner alive with `figures`. A source whose claims do not expire does
  // nothing.
  virtual Result<void> KeepFresh(const std::vector<std::string>& handles,
                                 const RunnerFigures& figures) = 0;

  // Acknowledges tasks whose profiles are stored: each domain counted once
  // for its job (ok[i] says how tasks[i] ended), the job completed when every
  // domain is. Results in the order of `tasks`.
  virtual Result<std::vector<TaskCounted>> Complete(const std::vector<const ClaimedTask*>& tasks,
                                                    const std::vector<bool>& ok) = 0;

  // Whether a retryable failure may be tried again later (RetryLater). A
  // source that answers false gets the failure through Complete.
  virtual bool Retries() const = 0;
  // Acknowledges the task and schedules another attempt after `delay_ms`,
  // keeping `error` as its last one.
  virtual Result<void> RetryLater(const ClaimedTask& task, const Error& error,
                                  int64_t delay_ms) = 0;
  // The task used up its attempts: recorded with `error` where the dead
  // tasks are kept, and counted failed as Complete does.
  virtual Result<TaskCounted> DeadLetter(const ClaimedTask& task, const Error& error) = 0;

  // Tasks out of the runner's hands without an acknowledgement: never
  // started when it stopped, or their profile could not be stored. They go
  // back to be claimed again — after the visibility timeout (Redis), or once
  // no task of their job is in hand (database). Cannot fail.
  virtual void Release(const std::vector<ClaimedTask>& tasks) = 0;

  // Makes a Claim waiting in another thread look again now (new work, or
  // the runner stopping). Thread-safe; cannot fail.
  virtual void Wake() = 0;

  // The runner is done with the source: say goodbye where others watch (the
  // worker's heartbeat) and, after a clean stop (`clean`: nothing is in
  // flight any more), put back what is left in processing. May be called
  // while a runner left behind after its grace period still uses the
  // source. Cannot fail.
  virtual void Close(bool clean) = 0;
};

}  // namespace trawl
