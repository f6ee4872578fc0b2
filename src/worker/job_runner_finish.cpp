// The job runner's finisher (job_runner_core.h): stores each profile, then
// has the source acknowledge its task — Complete for what is done, RetryLater
// for a retryable failure with attempts left (when the source retries),
// DeadLetter for one without — batching what is ready into one call. A
// profile in hand is kept until both the database and the source have taken
// it, or the grace period is over.
#include <fmt/core.h>

#include "core/clock.h"
#include "core/states.h"
#include "worker/job_runner_core.h"
#include "worker/task_outcome.h"
#include "worker/worker_log.h"

namespace trawl::runner_internal {

constexpr size_t kFinishBatch = 256;  // tasks acknowledged per call at most

void RunnerCore::FinishLoop() {
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
    FinishBatch(batch);
  }
  std::lock_guard<std::mutex> lock(mu_);
  finisher_exited_ = true;
  cv_.notify_all();
}

void RunnerCore::FinishBatch(std::vector<FinishItem>& batch) {
  std::vector<const ClaimedTask*> tasks;
  std::vector<bool> ok;
  std::vector<std::string> lines;
  for (auto& item : batch) {
    const ClaimedTask& task = item.task;
    switch (item.kind) {
      case FinishItem::Kind::kJobSeen:
        MarkStarted(*task.job);
        break;
      case FinishItem::Kind::kExhausted: {
        Error error = ExhaustedError(task);
        DeadLetter(item, FailedProfile(task.domain, task.input_index, error), error);
        break;
      }
      case FinishItem::Kind::kCrawled: {
        const Profile& profile = item.profile;
        if (source_->Retries() && IsRetryableFailure(profile)) {
          if (task.attempt < task.job->options.max_attempts) {
            RetryLater(item);
          } else {
            DeadLetter(item, profile, *profile.error);
          }
          break;
        }
        auto stored = StoreProfile(task, profile);
        if (!stored) {
          if (stored.error().code != ErrorCode::kUnavailable) {
            LogLine(stderr,
                    fmt::format("could not store the profile of {} (job {}): {}; leaving the task "
                                "to be delivered again",
                                task.domain, ShortJobId(task.job->id), stored.error().message));
          }
          Resolve(task, false);
          break;
        }
        tasks.push_back(&task);
        ok.push_back(profile.ok());
        lines.push_back(FinishedLine(task.domain, task.job->id, profile));
        break;
      }
    }
  }
  if (tasks.empty()) return;
  auto results = Persist(
      source_outage_, [&] { return source_->Complete(tasks, ok); }, [this] { return Abandoned(); });
  if (!results) {
    if (results.error().code != ErrorCode::kUnavailable) {
      LogLine(stderr,
              fmt::format("could not acknowledge {} tasks: {}; they will be delivered again",
                          tasks.size(), results.error().message));
    }
    for (const ClaimedTask* task : tasks) Resolve(*task, false);
    return;
  }
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (o_.log_tasks) LogLine(stdout, lines[i]);
    if ((*results)[i].job_finished) MarkFinished(tasks[i]->job->id);
    CountFinished(ok[i]);
    Resolve(*tasks[i], true);
  }
}

Result<void> RunnerCore::StoreProfile(const ClaimedTask& task, const Profile& profile) {
  // Past the grace period nothing more is stored: the task is handed to
  // another runner (or reset on the next start), which stores it.
  if (Abandoned()) return Fail(ErrorCode::kUnavailable, "the grace period is over");
  StoredProfile stored = ToStoredProfile(task.job->id, task.domain, task.input_index, profile,
                                         InitialApproval(task.job->options, task.job->mode));
  auto put = Persist(
      db_outage_, [&] { return store_->PutProfile(stored); }, [this] { return Abandoned(); });
  if (!put) return tl::unexpected(put.error());
  return {};
}

void RunnerCore::RetryLater(const FinishItem& item) {
  const ClaimedTask& task = item.task;
  int64_t delay = RetryDelayForAttempt(o_.retry_base_ms, task.attempt);
  const Error& error = *item.profile.error;
  auto retried = Persist(
      source_outage_, [&] { return source_->RetryLater(task, error, delay); },
      [this] { return Abandoned(); });
  if (retried) {
    if (o_.log_tasks)
      LogLine(stdout, RetryLine(task, task.job->options.max_attempts, delay, error));
  } else if (retried.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr, fmt::format("could not schedule a retry of {}: {}", task.domain,
                                retried.error().message));
  }
  Resolve(task, retried.has_value());
}

void RunnerCore::DeadLetter(const FinishItem& item, const Profile& profile, const Error& error) {
  const ClaimedTask& task = item.task;
  auto stored = StoreProfile(task, profile);
  if (!stored) {
    if (stored.error().code == ErrorCode::kUnavailable) {  // the grace period ran out
      Resolve(task, false);
      return;
    }
    // The failure is recorded by the source either way; a store that
    // refuses the profile must not keep the job from completing.
    LogLine(stderr, fmt::format("could not store the failed profile of {}: {}", task.domain,
                                stored.error().message));
  }
  auto dead = Persist(
      source_outage_, [&] { return source_->DeadLetter(task, error); },
      [this] { return Abandoned(); });
  if (dead) {
    if (o_.log_tasks) LogLine(stdout, DeadLine(task, task.job->options.max_attempts, error));
    if (dead->job_finished) MarkFinished(task.job->id);
    CountFinished(false);
  } else if (dead.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr, fmt::format("could not dead-letter {}: {}", task.domain, dead.error().message));
  }
  Resolve(task, dead.has_value());
}

// The database records every job's start and completion: for an embedded job
// as its owner, for a parallel one as the copy that Redis's facts replace
// in the job view (docs/operations.md).
void RunnerCore::MarkStarted(const TaskJob& job) {
  auto marked = Persist(
      db_outage_, [&] { return store_->MarkJobStarted(job.id, NowMs()); },
      [this] { return Abandoned(); });
  if (!marked && marked.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr, fmt::format("job {}: could not mark it started: {}", ShortJobId(job.id),
                                marked.error().message));
  }
  source_->JobStarted(job);
}

void RunnerCore::MarkFinished(const std::string& job_id) {
  auto marked = Persist(
      db_outage_,
      [&] { return store_->MarkJobFinished(job_id, ToString(JobStatus::kCompleted), NowMs()); },
      [this] { return Abandoned(); });
  if (!marked && marked.error().code != ErrorCode::kUnavailable) {
    LogLine(stderr, fmt::format("job {}: could not mark it completed: {}", ShortJobId(job_id),
                                marked.error().message));
  } else if (marked && o_.log_tasks) {
    LogLine(stdout, fmt::format("job {} completed", ShortJobId(job_id)));
  }
}

}  // namespace trawl::runner_internal
