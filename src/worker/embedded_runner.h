// Embedded mode inside the API server (`mode: "sequential"`): runs the tasks
// of embedded jobs from the database on the crawl engine, with bounded
// concurrency, one job after another (oldest first). State lives only in the
// database, so a restarted server resumes where it stopped: tasks left in
// processing go back to pending on Start.
//
// Thread-safety: Wake and Stop may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "crawl/crawl_options.h"
#include "store/store.h"

namespace trawl {

// A progress event as JSON text ({"type": "progress", "job_id", "domain",
// "status", "completed", "failed", "total"} or {"type": "job", "job_id",
// "status"}), for live views.
using EventCallback = std::function<void(const std::string& json)>;

class EmbeddedRunner {
 public:
  // `db_url` is opened by the runner's own thread (its own connection).
  EmbeddedRunner(std::string db_url, CrawlOptions crawl, EventCallback on_event = nullptr);
  ~EmbeddedRunner();  // Stop(0)

  // Opens the store, resets interrupted tasks, starts the runner thread.
  // Fails with kUnavailable when the store cannot be opened.
  Result<void> Start();
  // A new embedded job or a retry was stored: look for work now.
  void Wake();
  // Stops taking tasks; waits up to grace_ms for those in flight.
  void Stop(int64_t grace_ms);
  int in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trawl
