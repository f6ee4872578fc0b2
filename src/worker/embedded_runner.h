// Embedded mode inside the API server (`mode: "sequential"`): runs the tasks
// of embedded jobs from the database on the crawl engine, with bounded
// concurrency, oldest job first. A thin wrapper: the job runner
// (job_runner.h) over the database task source (db_task_source.h). State
// lives only in the database, so a restarted server resumes where it
// stopped: tasks left in processing go back to pending on Start.
//
// Thread-safety: Wake, Stop and in_flight may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "crawl/crawl_options.h"
#include "store/store.h"
#include "worker/db_task_source.h"

namespace trawl {

class EmbeddedRunner {
 public:
  // `db_url` is opened by the runner itself (its own connection).
  EmbeddedRunner(std::string db_url, CrawlOptions crawl, EventCallback on_event = nullptr);
  ~EmbeddedRunner();  // Stop(0)

  // Opens the store, resets interrupted tasks, starts the runner's threads.
  // Fails with kUnavailable when the store cannot be opened.
  Result<void> Start();
  // A new embedded job or a retry was stored: look for work now.
  void Wake();
  // Stops taking tasks; waits up to grace_ms for those in flight. Start may
  // be called again afterwards.
  void Stop(int64_t grace_ms);
  int in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trawl
