// The task source of the embedded mode (task_source.h) over the database's
// tasks table (store.h): jobs run oldest first; a task is `processing` from
// claim to stored profile, so a restarted server resumes where it stopped
// (Open puts what a stopped server left in processing back to pending).
// Counts each stored domain for its job, announces progress and completion
// through an EventCallback, and completes the job in the database.
//
// Thread-safety: as task_source.h says; its job table is guarded by a mutex.
// The Store is shared with the runner (it serializes calls itself).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"
#include "worker/task_source.h"

namespace trawl {

// A progress event as JSON text ({"type": "progress", "job_id", "domain",
// "status", "completed", "failed", "total"} or {"type": "job", "job_id",
// "status"}), for live views.
using EventCallback = std::function<void(const std::string& json)>;

class DbTaskSource final : public TaskSource {
 public:
  DbTaskSource(std::shared_ptr<Store> store, EventCallback on_event);

  const char* Service() const override { return "database"; }
  // Puts the tasks of unfinished embedded jobs left in processing back to pending.
  Result<void> Open() override;
  Result<std::vector<ClaimedTask>> Claim(int count, int block_ms) override;
  void JobStarted(const TaskJob& job) override;
  // Nothing to keep fresh: a database claim lasts until the task is stored
  // or the server restarts.
  Result<void> KeepFresh(const std::vector<std::string>&, const RunnerFigures&) override {
    return {};
  }
  Result<std::vector<TaskCounted>> Complete(const std::vector<const ClaimedTask*>& tasks,
                                            const std::vector<bool>& ok) override;
  // Embedded jobs are not retried: a failure is stored as it came.
  bool Retries() const override { return false; }
  Result<void> RetryLater(const ClaimedTask&, const Error&, int64_t) override {
    return Fail(ErrorCode::kInternal, "the embedded runner does not retry");
  }
  Result<TaskCounted> DeadLetter(const ClaimedTask& task, const Error& error) override;
  void Release(const std::vector<ClaimedTask>& tasks) override;
  void Wake() override;
  void Close(bool clean) override;

 private:
  // What the source knows of one job it claims from.
  struct JobState {
    std::shared_ptr<const TaskJob> job;
    bool was_pending = false;  // when first seen: JobStarted announces it
    int64_t total = 0;
    int64_t completed = 0;  // from the database when seen, then counted here
    int64_t failed = 0;
    int64_t in_hand = 0;     // claimed, not yet completed or released
    int64_t checked_ms = 0;  // when its status was last read
    bool final = false;      // completed or cancelled: nothing more is claimed
  };

  // The job's state, read again once a second so a cancel is seen; nullptr
  // when the job is unknown, finished or cancelled (forgotten once no task
  // of it is in hand). Called with mu_ held, like the helpers below.
  Result<JobState*> Lookup(const std::string& job_id);
  Result<TaskCounted> Count(const ClaimedTask& task, bool ok);
  // No task of the job pending and none in hand: complete it, or put its
  // orphaned processing tasks back. True when tasks went back to pending.
  bool FinishIfIdle(const std::string& job_id);
  bool FinishJob(const std::string& job_id);
  void Emit(const std::string& json);

  std::shared_ptr<Store> store_;
  EventCallback on_event_;
  std::mutex mu_;  // guards jobs_ (held across the store calls of one claim or count)
  std::map<std::string, JobState> jobs_;
  std::mutex wake_mu_;  // guards woken_
  std::condition_variable cv_;
  bool woken_ = false;
};

}  // namespace trawl
