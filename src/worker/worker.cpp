// The worker process (worker.h): the job runner over the Redis task source,
// with its start line, its stop and its goodbye.
#include "worker/worker.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>

#include "core/clock.h"
#include "fetch/fetch_metrics.h"
#include "worker/job_runner.h"
#include "worker/persist.h"
#include "worker/redis_task_source.h"
#include "worker/worker_log.h"

namespace trawl {

Worker::Worker(WorkerOptions options) : options_(std::move(options)) {
  // Counted for the heartbeat (GET /metrics on the API server).
  if (!options_.crawl.fetch.fetch_metrics) {
    options_.crawl.fetch.fetch_metrics = std::make_shared<FetchMetrics>();
  }
}

int Worker::Run() {
  const WorkerOptions& o = options_;
  const std::string id =
      o.id.empty() ? fmt::format("{}-{}-{}", HostName(), getpid(), RandomHexId(3)) : o.id;
  std::shared_ptr<Store> store;
  if (!o.noop) {
    auto opened = Store::Open(o.db_url);
    if (!opened) {
      LogLine(stderr, fmt::format("trawl worker: cannot open the database {}: {}",
                                  RedactDbUrl(o.db_url), opened.error().message));
      return 1;
    }
    store = std::move(*opened);
  }
  WorkerIdentity identity{id, NowMs(), o.crawl.concurrency,
                          o.noop ? nullptr : o.crawl.fetch.fetch_metrics};
  const int64_t beat_ttl_ms = std::max<int64_t>(3 * o.heartbeat_ms, 10'000);
  auto source = std::make_unique<RedisTaskSource>(o.redis, identity, o.visibility_ms, beat_ttl_ms);
  Outage redis_outage("redis");
  auto group = Persist(
      redis_outage, [&] { return source->Open(); }, [this] { return stop_.load(); });
  if (!group && stop_.load()) return 0;
  if (!group) LogLine(stderr, fmt::format("trawl worker: {}", group.error().message));
  LogLine(stdout, fmt::format("worker {} started: redis={} db={} concurrency={}{}", id,
                              RedactRedisUrl(o.redis), o.noop ? "-" : RedactDbUrl(o.db_url),
                              o.crawl.concurrency, o.noop ? " noop" : ""));

  RunnerOptions runner_options;
  runner_options.crawl = o.crawl;
  runner_options.name = "worker " + id;
  runner_options.max_tasks = o.max_tasks;
  runner_options.keep_fresh_ms = o.heartbeat_ms;
  runner_options.retry_base_ms = o.retry_base_ms;
  runner_options.noop = o.noop;
  if (const char* crash = std::getenv("TRAWL_FAULT_CRASH_DOMAIN")) {
    runner_options.crash_domain = crash;  // a test hook; see docs/operations.md
  }
  JobRunner runner(std::move(runner_options), std::move(source), store);
  runner.Start();
  runner.WaitForEnd(stop_);  // RequestStop only sets an atomic: it may run in a signal handler
  bool clean = runner.Stop(o.grace_ms);
  LogLine(stdout, fmt::format("worker {} stopped: {} processed, {} failed", id, runner.processed(),
                              runner.failed()));
  // A domain in flight cannot be interrupted, and its thread cannot be
  // joined before it ends: leave the process here. Unacknowledged tasks are
  // reclaimed by another worker after the visibility timeout.
  if (!clean) _exit(0);
  return 0;
}

}  // namespace trawl
