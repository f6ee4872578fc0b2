// The progress bar and summary line of `trawl crawl` on stderr. One per run;
// not thread-safe (the crawler's sink calls it from one thread at a time).
#pragma once

#include <chrono>
#include <cstddef>

#include "crawl/crawler.h"

namespace trawl {

class Progress {
 public:
  // `enabled`: draw the bar (stderr is a terminal and not --quiet).
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled) {}

  // Redraws at most every 200 ms unless `force`.
  void Update(const CrawlTotals& totals, int in_flight, bool force = false);
  // Ends the bar's line.
  void Finish();
  // "trawl: 3 domains: 2 ok, 1 failed; 17 pages; 4.2 s; 42.9 domains/min", and
  // how many inputs an interruption left out.
  void Summary(const CrawlTotals& totals) const;
  double Elapsed() const;

 private:
  size_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace trawl
