// The crawler loops: each keeps its share of `concurrency` DomainCrawls in
// flight on its own Fetcher.
#include "crawl/crawler.h"

#include <chrono>
#include <list>
#include <memory>
#include <thread>

#include "core/domain.h"
#include "crawl/domain_crawl.h"

namespace trawl {

struct Crawler::Shared {
  Shared(const Source& n, const Sink& s) : next(n), sink(s) {}
  const Source& next;
  const Sink& sink;
  std::mutex mu;  // guards next, sink, totals, exhausted
  CrawlTotals totals;
  bool exhausted = false;
  bool serve = false;  // nullopt from the source means "nothing now", not "done"
  int loop_concurrency = 1;

  // The next input, or nullopt when the source is done (or, serving, has
  // nothing right now).
  std::optional<CrawlInput> Take() {
    std::lock_guard<std::mutex> lock(mu);
    if (exhausted) return std::nullopt;
    auto in = next();
    if (!in && !serve) exhausted = true;
    return in;
  }

  void Deliver(Profile&& p) {
    std::lock_guard<std::mutex> lock(mu);
    if (p.ok())
      ++totals.domains_ok;
    else
      ++totals.domains_failed;
    for (const auto& page : p.pages) {
      ++totals.pages;
      totals.bytes += page.bytes;
    }
    sink(std::move(p));
  }
};

Crawler::Crawler(CrawlOptions options) : options_(std::move(options)) {}

CrawlTotals Crawler::Run(const Source& next, const Sink& sink) {
  return RunLoops(next, sink, false);
}

CrawlTotals Crawler::Serve(const Source& next, const Sink& sink) {
  return RunLoops(next, sink, true);
}

CrawlTotals Crawler::RunLoops(const Source& next, const Sink& sink, bool serve) {
  int threads = options_.threads;
  if (threads <= 0) {
    threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
  }
  threads = std::clamp(threads, 1, std::max(1, options_.concurrency));
  Shared shared(next, sink);
  shared.serve = serve;
  shared.loop_concurrency = std::max(1, options_.concurrency / threads);
  if (threads == 1) {
    RunLoop(shared);
    return shared.totals;
  }
  std::vector<std::thread> loops;
  loops.reserve(threads);
  for (int i = 0; i < threads; ++i) loops.emplace_back([this, &shared] { RunLoop(shared); });
  for (auto& t : loops) t.join();
  return shared.totals;
}

void Crawler::RunLoop(Shared& shared) {
  Fetcher fetcher(options_.fetch);
  std::list<std::unique_ptr<DomainCrawl>> active;
  std::vector<Profile> ready;
  bool exhausted = false;
  while (true) {
    bool idle = false;  // serving, and the source had nothing this round
    while (!exhausted && !stop_.load() &&
           static_cast<int>(active.size()) < shared.loop_concurrency) {
      std::optional<CrawlInput> in = shared.Take();
      if (!in) {
        if (shared.serve)
          idle = true;
        else
          exhausted = true;
        break;
      }
      auto domain = NormalizeDomain(in->text);
      if (!domain) {
        Profile p;
        p.domain = in->text;
        p.input_index = in->index;
        p.error = domain.error();
        shared.Deliver(std::move(p));
        continue;
      }
      CrawlOptions opts = options_;
      if (in->max_pages > 0) opts.max_pages = in->max_pages;
      active.push_back(
          std::make_unique<DomainCrawl>(fetcher, opts, std::move(*domain), in->index,
                                        [&ready](Profile&& p) { ready.push_back(std::move(p)); }));
      ++in_flight_;
      active.back()->Start();
    }
    if (active.empty()) {
      if (!shared.serve || stop_.load()) break;
      // Serving with nothing to do: wait a little before asking again.
      std::this_thread::sleep_for(std::chrono::milliseconds(idle ? 20 : 1));
      continue;
    }
    fetcher.Poll(idle ? 20 : 200);
    // Destroy finished crawls only here, outside their own callbacks.
    for (auto it = active.begin(); it != active.end();) {
      if ((*it)->finished()) {
        it = active.erase(it);
        --in_flight_;
      } else {
        ++it;
      }
    }
    for (auto& p : ready) shared.Deliver(std::move(p));
    ready.clear();
  }
}

}  // namespace trawl
