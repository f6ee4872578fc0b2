// A worker's view of the jobs its tasks belong to: the job hash from Redis
// and its parsed options (as the runner's TaskJob), kept for a few seconds
// so that a batch of tasks of one job costs one lookup, yet a cancel is seen
// within that time.
//
// Thread-safety: none; one cache per thread (it uses that thread's TaskQueue).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "queue/task_queue.h"
#include "store/job_options.h"
#include "worker/task_source.h"

namespace trawl {

struct JobInfo {
  QueueJob job;
  std::shared_ptr<const TaskJob> task_job;  // id, mode and the parsed options
};

class JobCache {
 public:
  explicit JobCache(int64_t ttl_ms = 3000) : ttl_ms_(ttl_ms) {}

  // The job, from the cache when younger than the TTL. nullptr when Redis
  // has no such job. Fails with the queue's error (kUnavailable when Redis
  // is away). Options that do not parse fall back to the defaults, with one
  // log line per job.
  Result<std::shared_ptr<const JobInfo>> Get(TaskQueue& queue, const std::string& job_id);

 private:
  struct Entry {
    std::shared_ptr<const JobInfo> info;
    int64_t fetched_ms = 0;
  };
  int64_t ttl_ms_;
  std::map<std::string, Entry> entries_;
};

}  // namespace trawl
