// The Redis task source (redis_task_source.h).
#include "worker/redis_task_source.h"

#include <fmt/core.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/states.h"
#include "fetch/fetch_metrics.h"
#include "worker/worker_log.h"

#ifndef TRAWL_VERSION
#define TRAWL_VERSION "0.0.0"
#endif

namespace trawl {
namespace {

QueuedTask ToQueued(const ClaimedTask& task) {
  QueuedTask q;
  q.entry_id = task.handle;
  q.job_id = task.job->id;
  q.domain = task.domain;
  q.input_index = task.input_index;
  q.attempt = task.attempt;
  q.last_error_code = task.last_error_code;
  q.last_error_message = task.last_error_message;
  return q;
}

// A connection Redis closed while it sat idle (Redis restarted) fails its
// next call before the call reaches Redis; one more try dials afresh. So a
// restart costs one outage (and its two log lines), not one per connection
// that happened to be idle through it.
template <typename Call>
auto Fresh(TaskQueue& queue, const Call& call) -> decltype(call()) {
  bool was_connected = queue.client().connected();
  auto result = call();
  if (!result && result.error().code == ErrorCode::kUnavailable && was_connected) result = call();
  return result;
}

}  // namespace

RedisTaskSource::RedisTaskSource(const RedisConfig& config, WorkerIdentity identity,
                                 int64_t visibility_ms, int64_t beat_ttl_ms)
    : config_(config),
      identity_(std::move(identity)),
      visibility_ms_(visibility_ms),
      beat_ttl_ms_(beat_ttl_ms),
      claim_queue_(config),
      finish_queue_(config),
      fresh_queue_(config) {}

Result<void> RedisTaskSource::Open() { return claim_queue_.EnsureGroup(); }

Result<std::vector<ClaimedTask>> RedisTaskSource::Claim(int count, int block_ms) {
  auto claimed = Fresh(claim_queue_, [&] {
    return claim_queue_.Claim(identity_.id, count, block_ms, visibility_ms_);
  });
  if (!claimed) return tl::unexpected(claimed.error());
  std::vector<ClaimedTask> out;
  out.reserve(claimed->size());
  for (QueuedTask& task : *claimed) {
    auto job = jobs_.Get(claim_queue_, task.job_id);
    if (!job) {
      // Redis went away mid-claim, or a reply we cannot read: the task is
      // left unacknowledged and comes back after the visibility timeout.
      if (job.error().code != ErrorCode::kUnavailable) {
        LogLine(stderr, fmt::format("job {}: {}", ShortJobId(task.job_id), job.error().message));
      }
      continue;
    }
    if (!*job) {
      Drop(task, "unknown job");
      continue;
    }
    if (Is((*job)->job.status, JobStatus::kCancelled)) {
      Drop(task, "job cancelled");
      continue;
    }
    out.push_back(ClaimedTask{task.entry_id, (*job)->task_job, std::move(task.domain),
                              task.input_index, task.attempt, std::move(task.last_error_code),
                              std::move(task.last_error_message)});
  }
  return out;
}

void RedisTaskSource::Drop(const QueuedTask& task, const std::string& why) {
  auto dropped = claim_queue_.Drop(task);
  if (dropped) {
    LogLine(stdout,
            fmt::format("skipped {} job={}: {}", task.domain, ShortJobId(task.job_id), why));
  }
  // Not dropped (Redis away): it comes back after the visibility timeout
  // and is looked at again.
}

Result<void> RedisTaskSource::KeepFresh(const std::vector<std::string>& handles,
                                        const RunnerFigures& figures) {
  WorkerBeat beat;
  beat.id = identity_.id;
  beat.host = HostName();
  beat.pid = getpid();
  beat.started_at_ms = identity_.started_at_ms;
  beat.last_beat_ms = NowMs();
  beat.processed = figures.processed;
  beat.failed = figures.failed;
  beat.in_flight = figures.in_flight;
  beat.cpu_percent = stats_.CpuPercentSinceLast();
  beat.rss_bytes = ProcStats::RssBytes();
  beat.concurrency = identity_.concurrency;
  beat.version = TRAWL_VERSION;
  if (identity_.fetch_metrics) {
    beat.fetch_metrics_json = identity_.fetch_metrics->Snapshot().ToJson();
  }
  return Fresh(fresh_queue_, [&] {
    auto sent = fresh_queue_.Heartbeat(beat, beat_ttl_ms_);
    if (sent && !handles.empty()) sent = fresh_queue_.Touch(identity_.id, handles);
    return sent;
  });
}

Result<std::vector<TaskCounted>> RedisTaskSource::Complete(
    const std::vector<const ClaimedTask*>& tasks, const std::vector<bool>& ok) {
  std::vector<QueuedTask> queued;
  queued.reserve(tasks.size());
  for (const ClaimedTask* task : tasks) queued.push_back(ToQueued(*task));
  auto results = Fresh(finish_queue_, [&] { return finish_queue_.CompleteBatch(queued, ok); });
  if (!results) return tl::unexpected(results.error());
  if (results->size() != tasks.size()) {
    return Fail(ErrorCode::kInternal,
                fmt::format("{} replies for {} acknowledged tasks", results->size(), tasks.size()));
  }
  std::vector<TaskCounted> out;
  out.reserve(results->size());
  for (const CompleteResult& r : *results) out.push_back(TaskCounted{r.job_finished});
  return out;
}

Result<void> RedisTaskSource::RetryLater(const ClaimedTask& task, const Error& error,
                                         int64_t delay_ms) {
  QueuedTask queued = ToQueued(task);
  return Fresh(finish_queue_, [&] { return finish_queue_.Retry(queued, error, delay_ms); });
}

Result<TaskCounted> RedisTaskSource::DeadLetter(const ClaimedTask& task, const Error& error) {
  QueuedTask queued = ToQueued(task);
  auto dead = Fresh(finish_queue_, [&] { return finish_queue_.DeadLetter(queued, error); });
  if (!dead) return tl::unexpected(dead.error());
  return TaskCounted{dead->job_finished};
}

void RedisTaskSource::Close(bool) {
  TaskQueue queue(config_);  // its own connection: a runner left behind may still use the others
  auto removed = queue.RemoveWorker(identity_.id);
  (void)removed;
}

}  // namespace trawl
