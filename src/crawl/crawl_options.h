// Options of one crawl run (one process). Plain values; the defaults here are
// the documented defaults of `trawl crawl` (docs/configuration.md).
#pragma once

#include <cstdint>

#include "fetch/fetcher.h"

namespace trawl {

struct CrawlOptions {
  FetchOptions fetch;
  int max_pages = 10;                   // pages fetched per domain, redirect hops included
  int concurrency = 32;                 // domains in flight, over all threads
  int threads = 0;                      // event loops; 0: one per core, at most 8
  int64_t domain_timeout_ms = 120'000;  // no new page starts after this; in-flight ones finish
  int64_t max_crawl_delay_ms = 30'000;  // robots.txt Crawl-delay honoured up to this
  bool use_sitemap = true;              // read sitemap.xml when the home page shows no contact link
};

}  // namespace trawl
