// Fetch figures of one process for GET /metrics: responses by HTTP status
// class, transport errors, body bytes, and a latency histogram with fixed
// buckets. The Fetcher records into it when FetchOptions::fetch_metrics is
// set; a worker publishes a snapshot in its heartbeat, `trawl serve` reads its
// own. Counted per process, without globals, so that a test or a second
// server in one process does not mix its figures with another's.
//
// Thread-safety: Record and Snapshot may run on any threads at once (relaxed
// atomics; every Crawler thread's Fetcher shares one FetchMetrics). A
// snapshot taken while fetches finish may count a response in its class and
// not yet in the histogram (or the other way round); the histogram itself is
// always consistent (its count is the sum of its buckets).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "core/error.h"

namespace trawl {

// What a finished transfer is counted as. The HTTP status class when a
// response arrived (even if the body was then refused: too large, not HTML,
// a timeout mid-body), kError when none did (DNS, connect, TLS, a timeout
// before the headers, a refused address).
enum class FetchClass { k2xx, k3xx, k4xx, k5xx, kError };
inline constexpr int kFetchClassCount = 5;

// The class of a transfer that ended with HTTP `status` (0: no response).
// Statuses outside 200..599 count as kError. Cannot fail.
FetchClass ClassifyStatus(int status);
// "2xx", "3xx", "4xx", "5xx", "error". Cannot fail.
const char* FetchClassName(FetchClass c);

// Upper bounds of the latency buckets, seconds (Prometheus' `le`); one more
// bucket, +Inf, holds the rest. Fixed: every worker and the server must use
// the same bounds for their series to be summed.
inline constexpr std::array<double, 8> kFetchLatencyBounds = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
inline constexpr size_t kFetchLatencyBuckets = kFetchLatencyBounds.size() + 1;

// A copy of the figures at one moment. Plain value.
struct FetchMetricsSnapshot {
  std::array<int64_t, kFetchClassCount> responses{};  // by FetchClass
  int64_t bytes = 0;                                  // decoded body bytes received
  // Transfers whose wall time fell in bucket i: bounds[i-1] < t <= bounds[i];
  // the last bucket is > 10 s. Not cumulative (the exposition adds them up).
  std::array<int64_t, kFetchLatencyBuckets> buckets{};
  int64_t sum_ms = 0;  // total wall time of every transfer counted

  // Transfers in the histogram (the sum of the buckets).
  int64_t count() const;
  // Responses over all classes.
  int64_t total() const;

  // Compact JSON, e.g. {"b":51234,"h":[9,4,2,1,1,1,0,0,0],"r":[12,3,1,0,2],"s":2211}
  // (b: bytes, h: buckets, r: responses by class in FetchClass order, s:
  // sum_ms); about 100 bytes in each heartbeat. Cannot fail.
  std::string ToJson() const;
  // Reads ToJson's text. Fails with kUsage when the text is not that shape
  // (not JSON, a missing field, arrays of another length, a negative count).
  static Result<FetchMetricsSnapshot> FromJson(const std::string& text);
};

class FetchMetrics {
 public:
  // Counts one finished transfer: its HTTP status (0 when no response
  // arrived), body bytes, and wall time in milliseconds. Cannot fail.
  void Record(int status, int64_t body_bytes, int64_t ms);

  // The figures so far (cumulative since construction). Cannot fail.
  FetchMetricsSnapshot Snapshot() const;

 private:
  std::array<std::atomic<int64_t>, kFetchClassCount> responses_{};
  std::atomic<int64_t> bytes_{0};
  std::array<std::atomic<int64_t>, kFetchLatencyBuckets> buckets_{};
  std::atomic<int64_t> sum_ms_{0};
};

}  // namespace trawl
