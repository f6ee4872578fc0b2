// The worker's finisher (worker_run.h): stores each profile, then
// acknowledges its task — Complete for what is done, Retry for a retryable
// failure with attempts left, DeadLetter for one without — batching what is
// ready into one round trip. A profile in hand is kept until both the
// database and Redis have taken it, or the grace period is over.
#include <fmt/core.h>

#include "core/clock.h"
#include "store/job_options.h"
#include "worker/task_outcome.h"
#include "worker/worker_log.h"
#include "worker/worker_run.h"

namespace trawl::worker_internal {

constexpr size_t kFinishBatch = 256;  // tasks acknowledged per round trip at most

void WorkerRun::FinishLoop() {
  TaskQueue queue(o_.redis);
  while (!Abandoned()) {
    std::vector<FinishItem> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200),
                   [this] { return !finish_.empty() || producers_done_ || Abandoned(); });
      if (finish_.empty()) {
        if (producers_done_) break;
        continue;
      }
      while (!finish_.empty() && batch.size() < kFinishBatch) {
        batch.push_back(std::move(finish_.front()));
        finish_.pop_front();
      }
    }
    FinishBatch(queue, batch);
  }
  std::lock_guard<std::mutex> lock(mu_);
  finisher_exited_ = true;
  cv_.notify_all();
}

void WorkerRun::FinishBatch(TaskQueue& queue, std::vector<FinishItem>& batch) {
  std::vector<QueuedTask> tasks;
  std::vector<bool> ok;
  std::vector<std::string> lines;
  for (auto& item : batch) {
    switch (item.kind) {
      case FinishItem::Kind::kJobSeen:
        MarkStarted(item.task.job_id);
        break;
      case FinishItem::Kind::kExhausted: {
        Error error = ExhaustedError(item.task);
        DeadLetter(queue, item, FailedProfile(item.task.domain, item.task.input_index, error),
                   error);
        break;
      }
      case FinishItem::Kind::kCrawled: {
        const Profile& profile = item.profile;
        if (IsRetryableFailure(profile)) {
          if (item.task.attempt < item.job->options.max_attempts) {
            RetryLater(queue, item);
          } else {
            DeadLetter(queue, item, profile, *profile.error);
          }
          break;
        }
        auto stored = StoreProfile(item, profile);
        if (!stored) {
          if (stored.error().code != ErrorCode::kUnavailable) {
            LogLine(stderr,
                    fmt::format("could not store the profile of {} (job {}): {}; leaving the task "
                                "to be delivered again",
                                item.task.domain, ShortJobId(item.task.job_id),
                                stored.error().message));
          }
          Resolve(item.task.entry_id);
          break;
        }
        tasks.push_back(item.task);
        ok.push_back(profile.ok());
        lines.push_back(FinishedLine(item.task.domain, item.task.job_id, profile));
        break;
      }
    }
  }
  if (tasks.empty()) return;
  auto results = Persist(
      redis_outage_, [&] { return queue.CompleteBatch(tasks, ok); },
      [this] { return Abandoned(); });
  if (!results || results->size() != tasks.size()) {
    if (!results && results.error().code != ErrorCode::kUnavailable) {
      LogLine(stderr,
              fmt::format("could not acknowledge {} tasks: {}; they will be delivered again",
                          tasks.size(), results.error().message));
    }
    for (const auto& task : tasks) Resolve(task.entry_id);
    return;
  }
  for (size_t i = 0; i < tasks.size(); ++i) {
    LogLine(stdout, lines[i]);
    if ((*results)[i].job_finished) MarkFinished(tasks[i].job_id);
    CountFinished(ok[i]);
    Resolve(tasks[i].entry_id);
  }
}

Result<void> WorkerRun::StoreProfile(const FinishItem& item, const Profile& profile) {
  StoredProfile stored =
      ToStoredProfile(item.task.job_id, item.task.domain, item.task.input_index, profile,
                      InitialApproval(item.job->options, item.job->job.mode));
  auto put = Persist(
      db_outage_, [&] { return store_->PutProfile(stored); }, [this] { return Abandoned(); });
  if (!put) return tl::unexpected(put.error());
  return {};
}

void WorkerRun::RetryLater(TaskQueue& queue, const FinishItem& item) {
  int64_t delay = RetryDelayForAttempt(o_.retry_base_ms, item.task.attempt);
  const Error& error = *item.profile.error;
  auto retried = Persist(
      redis_outage_, [&] { return queue.Retry(item.task, error, delay); },
      [this] { return Abandoned(); });
  if (retried) {
    LogLine(stdout, RetryLine(item.task, item.job->options.max_attempts, delay, error));
  } else if (retried.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr, fmt::format("could not schedule a retry of {}: {}", item.task.domain,
                                retried.error().message));
  }
  Resolve(item.task.entry_id);
}

void WorkerRun::DeadLetter(TaskQueue& queue, const FinishItem& item, const Profile& profile,
                           const Error& error) {
  auto stored = StoreProfile(item, profile);
  if (!stored) {
    if (stored.error().code == ErrorCode::kUnavailable) {  // the grace period ran out
      Resolve(item.task.entry_id);
      return;
    }
    // The failure is recorded in the dead-letter stream either way; a store
    // that refuses the profile must not keep the job from completing.
    LogLine(stderr, fmt::format("could not store the failed profile of {}: {}", item.task.domain,
                                stored.error().message));
  }
  auto dead = Persist(
      redis_outage_, [&] { return queue.DeadLetter(item.task, error); },
      [this] { return Abandoned(); });
  if (dead) {
    LogLine(stdout, DeadLine(item.task, item.job->options.max_attempts, error));
    if (dead->job_finished) MarkFinished(item.task.job_id);
    CountFinished(false);
  } else if (dead.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr,
            fmt::format("could not dead-letter {}: {}", item.task.domain, dead.error().message));
  }
  Resolve(item.task.entry_id);
}

void WorkerRun::MarkStarted(const std::string& job_id) {
  auto marked = Persist(
      db_outage_, [&] { return store_->MarkJobStarted(job_id, NowMs()); },
      [this] { return Abandoned(); });
  if (!marked && marked.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr, fmt::format("job {}: could not mark it started: {}", ShortJobId(job_id),
                                marked.error().message));
  }
}

void WorkerRun::MarkFinished(const std::string& job_id) {
  auto marked = Persist(
      db_outage_, [&] { return store_->MarkJobFinished(job_id, ToString(JobStatus::kCompleted), NowMs()); },
      [this] { return Abandoned(); });
  if (!marked && marked.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr, fmt::format("job {}: could not mark it completed: {}", ShortJobId(job_id),
                                marked.error().message));
  } else if (marked) {
    LogLine(stdout, fmt::format("job {} completed", ShortJobId(job_id)));
  }
}

}  // namespace trawl::worker_internal
