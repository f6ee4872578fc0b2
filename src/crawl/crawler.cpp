// The crawler loop: keep `concurrency` DomainCrawls in flight on one Fetcher.
#include "crawl/crawler.h"

#include <list>
#include <memory>

#include "core/domain.h"
#include "crawl/domain_crawl.h"

namespace trawl {

Crawler::Crawler(CrawlOptions options) : options_(std::move(options)) {}

CrawlTotals Crawler::Run(const Source& next, const Sink& sink) {
  CrawlTotals totals;
  Fetcher fetcher(options_.fetch);
  std::list<std::unique_ptr<DomainCrawl>> active;
  std::vector<Profile> ready;
  bool exhausted = false;

  auto deliver = [&](Profile&& p) {
    if (p.ok()) ++totals.domains_ok;
    else ++totals.domains_failed;
    for (const auto& page : p.pages) {
      ++totals.pages;
      totals.bytes += page.bytes;
    }
    sink(std::move(p));
  };

  while (true) {
    while (!exhausted && !stop_.load() &&
           static_cast<int>(active.size()) < std::max(1, options_.concurrency)) {
      std::optional<CrawlInput> in = next();
      if (!in) {
        exhausted = true;
        break;
      }
      auto domain = NormalizeDomain(in->text);
      if (!domain) {
        Profile p;
        p.domain = in->text;
        p.input_index = in->index;
        p.error = domain.error();
        deliver(std::move(p));
        continue;
      }
      active.push_back(std::make_unique<DomainCrawl>(
          fetcher, options_, std::move(*domain), in->index,
          [&ready](Profile&& p) { ready.push_back(std::move(p)); }));
      active.back()->Start();
    }
    in_flight_ = static_cast<int>(active.size());
    if (active.empty()) break;
    fetcher.Poll(200);
    // Destroy finished crawls only here, outside their own callbacks.
    for (auto it = active.begin(); it != active.end();) {
      it = (*it)->finished() ? active.erase(it) : std::next(it);
    }
    in_flight_ = static_cast<int>(active.size());
    for (auto& p : ready) deliver(std::move(p));
    ready.clear();
  }
  return totals;
}

}  // namespace trawl
