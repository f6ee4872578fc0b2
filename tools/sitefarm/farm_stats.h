// Per-host request counters of the site farm: total requests, and requests in
// flight (parsed but not yet fully answered) with their high-water mark, so
// that tests can assert a crawler's per-host politeness. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace trawl::sitefarm {

class FarmStats {
 public:
  struct HostCounters {
    int64_t requests = 0;
    int64_t in_flight = 0;
    int64_t max_in_flight = 0;
  };

  // Counts a request for `host` and marks it in flight until the returned
  // token is released (the server releases it once the answer is written).
  std::shared_ptr<void> Begin(const std::string& host);

  // Zeroes the counters. Requests in flight stay counted as in flight (their
  // end must still balance), but max_in_flight restarts from that value.
  void Reset();

  // {"total": n, "hosts": {"acme.test": {"requests": n, "max_in_flight": m,
  // "in_flight": k}, ...}} with hosts in lexicographic order.
  std::string ToJson() const;

 private:
  void End(const std::string& host);

  mutable std::mutex mu_;
  int64_t total_ = 0;
  std::map<std::string, HostCounters> hosts_;
};

}  // namespace trawl::sitefarm
