// `trawl worker`: one process that takes tasks from the Redis stream, crawls
// and extracts them on the crawl engine (many domains at once), stores each
// profile, and only then acknowledges the task (task_queue.h). A thin
// wrapper: the job runner (job_runner.h) over the Redis task source
// (redis_task_source.h), whose heartbeat also keeps claims on slow tasks
// fresh. Redis or the database going away never ends the process: each
// thread retries with backoff, and a task in hand is kept until it is stored
// and acknowledged.
//
// RequestStop (async-signal-safe): stop claiming; tasks in flight finish
// within the grace period; tasks still buffered or unfinished are left
// unacknowledged for another worker to reclaim.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "crawl/crawl_options.h"
#include "queue/redis_client.h"

namespace trawl {

struct WorkerOptions {
  RedisConfig redis;
  std::string db_url;              // store URL (store.h)
  CrawlOptions crawl;              // crawl.concurrency = domains in flight
  std::string id;                  // "" → "<host>-<pid>-<random>"
  int64_t max_tasks = 0;           // exit after this many domains (0: never)
  int64_t visibility_ms = 60'000;  // idle time after which a task is reclaimed
  int64_t heartbeat_ms = 2'000;
  int64_t grace_ms = 30'000;      // after RequestStop
  int64_t retry_base_ms = 2'000;  // first retry delay; doubles per attempt
  bool noop = false;              // benchmark: complete tasks without crawling or storing
};

class Worker {
 public:
  explicit Worker(WorkerOptions options);
  // Runs until RequestStop or max_tasks. Returns the exit status: 0 on a
  // clean stop, 1 when the store cannot be opened at start.
  int Run();
  void RequestStop() { stop_.store(true); }

 private:
  WorkerOptions options_;
  std::atomic<bool> stop_{false};
};

}  // namespace trawl
