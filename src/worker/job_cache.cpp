// Job lookups for the worker's claimer, cached for a few seconds.
#include "worker/job_cache.h"

#include <fmt/core.h>

#include "core/clock.h"
#include "worker/worker_log.h"

namespace trawl {

Result<std::shared_ptr<const JobInfo>> JobCache::Get(TaskQueue& queue, const std::string& job_id) {
  int64_t now = NowMs();
  auto it = entries_.find(job_id);
  if (it != entries_.end() && now - it->second.fetched_ms < ttl_ms_) return it->second.info;
  auto job = queue.GetJob(job_id);
  if (!job) return tl::unexpected(job.error());
  if (!job->has_value()) {
    entries_.erase(job_id);
    return std::shared_ptr<const JobInfo>();
  }
  auto info = std::make_shared<JobInfo>();
  info->job = std::move(**job);
  auto task_job = std::make_shared<TaskJob>();
  task_job->id = job_id;
  task_job->mode = info->job.mode;
  auto options = ParseJobOptions(info->job.options_json);
  if (options) {
    task_job->options = *options;
  } else if (it == entries_.end()) {
    LogLine(stderr, fmt::format("job {}: options not understood ({}); using the defaults",
                                ShortJobId(job_id), options.error().message));
  }
  info->task_job = std::move(task_job);
  // A bounded cache: a long-running worker sees many jobs over its life.
  if (entries_.size() > 1000) entries_.clear();
  entries_[job_id] = Entry{info, now};
  return std::shared_ptr<const JobInfo>(info);
}

}  // namespace trawl
