// The crawl of one domain, as a state machine driven by Fetcher callbacks:
// find a live origin (https then http, bare then www.), obey its robots.txt,
// fetch the home page (following redirects and meta refresh by hand so each
// hop is checked against robots and counted), then the same-site pages most
// likely to hold contact data, up to the page cap; parse and extract each.
// Not thread-safe: lives on the fetcher's thread. Owned by the Crawler, which
// must keep it alive until it reports done.
#pragma once

#include <functional>
#include <memory>

#include "core/domain.h"
#include "crawl/crawl_options.h"
#include "extract/profile.h"
#include "fetch/fetcher.h"

namespace trawl {

class DomainCrawl {
 public:
  using Done = std::function<void(Profile&&)>;

  DomainCrawl(Fetcher& fetcher, const CrawlOptions& options, Domain domain, int input_index,
              Done done);
  ~DomainCrawl();
  DomainCrawl(const DomainCrawl&) = delete;
  DomainCrawl& operator=(const DomainCrawl&) = delete;

  // Issues the first requests. `done` is called exactly once, from a later
  // Fetcher::Poll, when no request of this domain is outstanding any more.
  void Start();

  bool finished() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace trawl
