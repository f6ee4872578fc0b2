// The crawler: runs many DomainCrawls at once, taking inputs from a source and
// handing each profile to a sink as soon as it is done (completion order;
// Profile::input_index says the input order). With options.threads > 1 it
// runs that many event loops, each with its own Fetcher, sharing the source;
// a domain stays on one loop, so per-host limits hold. Source and sink are
// called under one lock, never concurrently. RequestStop and in_flight may be
// called from any thread (RequestStop also from a signal handler).
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "crawl/crawl_options.h"
#include "extract/profile.h"

namespace trawl {

struct CrawlInput {
  std::string text;   // what the user gave: a domain or a URL
  int index = 0;      // position in the input
  int max_pages = 0;  // this domain's page cap; 0: the run's options.max_pages
};

struct CrawlTotals {
  int64_t domains_ok = 0;
  int64_t domains_failed = 0;
  int64_t pages = 0;
  int64_t bytes = 0;
};

class Crawler {
 public:
  using Source = std::function<std::optional<CrawlInput>()>;
  using Sink = std::function<void(Profile&&)>;

  explicit Crawler(CrawlOptions options);

  // Crawls every input the source yields, keeping options.concurrency
  // domains in flight. Invalid inputs become failed profiles (invalid_domain)
  // without any request. Returns when all taken inputs are done, or after
  // RequestStop once the domains in flight are done. Totals cover this run.
  CrawlTotals Run(const Source& next, const Sink& sink);

  // Like Run, for a long-running service (a worker, the embedded runner):
  // the source returning nullopt means "nothing right now" and is asked
  // again shortly (it must not block for long); Serve returns only after
  // RequestStop, once the domains in flight are done.
  CrawlTotals Serve(const Source& next, const Sink& sink);

  // Stop taking new inputs; domains in flight finish. Async-signal-safe.
  void RequestStop() { stop_.store(true); }

  // Domains currently in flight (for progress display; call from the sink).
  int in_flight() const { return in_flight_.load(); }

 private:
  struct Shared;
  CrawlTotals RunLoops(const Source& next, const Sink& sink, bool serve);
  void RunLoop(Shared& shared);

  CrawlOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace trawl
