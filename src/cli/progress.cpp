// The progress bar of `trawl crawl` (progress.h).
#include "cli/progress.h"

#include <fmt/core.h>

#include <cstdio>
#include <string>

namespace trawl {

void Progress::Update(const CrawlTotals& t, int in_flight, bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  int64_t done = t.domains_ok + t.domains_failed;
  double min = Elapsed() / 60.0;
  double rate = min > 0 ? done / min : 0;
  constexpr int kWidth = 30;
  int filled = total_ ? static_cast<int>(kWidth * done / static_cast<int64_t>(total_)) : 0;
  std::string bar(filled, '=');
  bar.resize(kWidth, ' ');
  long long left_s = rate > 0 ? static_cast<long long>((total_ - done) * 60.0 / rate) : -1;
  std::string eta = left_s < 0 ? "--" : fmt::format("{}:{:02}", left_s / 60, left_s % 60);
  std::fprintf(
      stderr, "\r[%s] %lld/%zu  ok %lld  failed %lld  in flight %d  %.0f domains/min  left %s ",
      bar.c_str(), static_cast<long long>(done), total_, static_cast<long long>(t.domains_ok),
      static_cast<long long>(t.domains_failed), in_flight, rate, eta.c_str());
  std::fflush(stderr);
}

void Progress::Finish() {
  if (enabled_) std::fputc('\n', stderr);
}

void Progress::Summary(const CrawlTotals& totals) const {
  double secs = Elapsed();
  int64_t done = totals.domains_ok + totals.domains_failed;
  std::fprintf(stderr,
               "trawl: %lld domains: %lld ok, %lld failed; %lld pages; %.1f s; %.1f domains/min\n",
               static_cast<long long>(done), static_cast<long long>(totals.domains_ok),
               static_cast<long long>(totals.domains_failed), static_cast<long long>(totals.pages),
               secs, secs > 0 ? done * 60.0 / secs : 0.0);
  if (static_cast<size_t>(done) < total_) {
    std::fprintf(stderr, "trawl: interrupted; %zu inputs were not crawled\n",
                 total_ - static_cast<size_t>(done));
  }
}

double Progress::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace trawl
