// The one job runner of both modes: claim → crawl → store → acknowledge, over
// a TaskSource (task_source.h) — Redis for `trawl worker` (worker.h), the
// database for the embedded mode of `trawl serve` (embedded_runner.h).
//
//   claimer ──Claim──▶ buffer ──source──▶ crawler ──sink──▶ finish queue ──▶ finisher
//   heartbeat: KeepFresh of every task held, with the runner's figures
//
// A task is held from Claim until the source has acknowledged it (Complete,
// RetryLater, DeadLetter) or it is handed back (Release). The buffer never
// holds more than `concurrency` tasks beyond those being crawled. Redis or
// the database going away never ends the runner: each thread retries with
// backoff, and a task in hand is kept until it is stored and acknowledged.
//
// Thread-safety: Wake, in_flight and the figures may be called from any
// thread; Start, WaitForEnd and Stop from the owning thread. The runner owns
// its source; the store is shared (Store serializes calls itself).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "crawl/crawl_options.h"
#include "store/store.h"
#include "worker/task_source.h"

namespace trawl {

struct RunnerOptions {
  CrawlOptions crawl;             // crawl.concurrency = domains in flight
  std::string name = "runner";    // how log lines name the runner ("worker <id>")
  int64_t max_tasks = 0;          // stop claiming after this many tasks (0: never)
  int64_t keep_fresh_ms = 2'000;  // the heartbeat: KeepFresh this often
  int64_t retry_base_ms = 2'000;  // first retry delay; doubles per attempt
  int claim_block_ms = 1'000;     // how long one Claim may wait for work
  bool noop = false;              // benchmark: complete tasks without crawling or storing
  bool log_tasks = true;          // one stdout line per finished, retried or dead task
  std::string crash_domain;       // test hook: abort when taking this domain ("" none)
};

namespace runner_internal {
class RunnerCore;
}

class JobRunner {
 public:
  // `store` may be null only with options.noop (nothing is stored then).
  JobRunner(RunnerOptions options, std::unique_ptr<TaskSource> source,
            std::shared_ptr<Store> store);
  ~JobRunner();  // Stop(0) when still running

  // Starts the threads. Call once.
  void Start();
  // New work was stored: a waiting Claim looks again now.
  void Wake();
  // Returns once `stop_requested` is true (it may be set from a signal
  // handler: it is polled) or max_tasks tasks are out of hand.
  void WaitForEnd(const std::atomic<bool>& stop_requested);
  // Stops claiming, hands back the tasks not started, and waits up to
  // `grace_ms` for those in flight. True when every thread ended (the source
  // is closed clean). False when the grace period ran out: the threads are
  // left behind, detached, with the runner's state; they store and
  // acknowledge nothing more, and the source is closed unclean (what they
  // held is reclaimed later). Idempotent.
  bool Stop(int64_t grace_ms);

  int64_t in_flight() const;
  int64_t processed() const;  // tasks acknowledged as finished (ok or failed)
  int64_t failed() const;

 private:
  std::shared_ptr<runner_internal::RunnerCore> core_;
  std::thread claimer_, crawler_, finisher_, heartbeat_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace trawl
