// FetchMetrics: counting finished transfers, and the snapshot's JSON form
// (what a worker's heartbeat carries to the API server).
#include "fetch/fetch_metrics.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>

namespace trawl {

FetchClass ClassifyStatus(int status) {
  if (status >= 200 && status < 300) return FetchClass::k2xx;
  if (status >= 300 && status < 400) return FetchClass::k3xx;
  if (status >= 400 && status < 500) return FetchClass::k4xx;
  if (status >= 500 && status < 600) return FetchClass::k5xx;
  return FetchClass::kError;
}

const char* FetchClassName(FetchClass c) {
  switch (c) {
    case FetchClass::k2xx:
      return "2xx";
    case FetchClass::k3xx:
      return "3xx";
    case FetchClass::k4xx:
      return "4xx";
    case FetchClass::k5xx:
      return "5xx";
    case FetchClass::kError:
      break;
  }
  return "error";
}

// ===== the counters =========================================================

void FetchMetrics::Record(int status, int64_t body_bytes, int64_t ms) {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  responses_[static_cast<size_t>(ClassifyStatus(status))].fetch_add(1, kRelaxed);
  bytes_.fetch_add(std::max<int64_t>(body_bytes, 0), kRelaxed);
  ms = std::max<int64_t>(ms, 0);
  // Integer milliseconds over 1000.0 is exactly the double of a bound such as
  // 0.05 when they are equal, so a 50 ms transfer lands in le="0.05".
  const double seconds = static_cast<double>(ms) / 1000.0;
  size_t bucket = 0;
  while (bucket < kFetchLatencyBounds.size() && seconds > kFetchLatencyBounds[bucket]) ++bucket;
  buckets_[bucket].fetch_add(1, kRelaxed);
  sum_ms_.fetch_add(ms, kRelaxed);
}

FetchMetricsSnapshot FetchMetrics::Snapshot() const {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  FetchMetricsSnapshot s;
  for (size_t i = 0; i < s.responses.size(); ++i) s.responses[i] = responses_[i].load(kRelaxed);
  s.bytes = bytes_.load(kRelaxed);
  for (size_t i = 0; i < s.buckets.size(); ++i) s.buckets[i] = buckets_[i].load(kRelaxed);
  s.sum_ms = sum_ms_.load(kRelaxed);
  return s;
}

// ===== the snapshot =========================================================

int64_t FetchMetricsSnapshot::count() const {
  return std::accumulate(buckets.begin(), buckets.end(), int64_t{0});
}

int64_t FetchMetricsSnapshot::total() const {
  return std::accumulate(responses.begin(), responses.end(), int64_t{0});
}

std::string FetchMetricsSnapshot::ToJson() const {
  nlohmann::json j = {{"r", responses}, {"b", bytes}, {"h", buckets}, {"s", sum_ms}};
  return j.dump();
}

namespace {

// Reads `j[key]` as an array of exactly N non-negative integers into `out`.
template <size_t N>
bool ReadCounts(const nlohmann::json& j, const char* key, std::array<int64_t, N>& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array() || it->size() != N) return false;
  for (size_t i = 0; i < N; ++i) {
    const auto& v = (*it)[i];
    if (!v.is_number_integer() || v.get<int64_t>() < 0) return false;
    out[i] = v.get<int64_t>();
  }
  return true;
}

bool ReadCount(const nlohmann::json& j, const char* key, int64_t& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() < 0) return false;
  out = it->get<int64_t>();
  return true;
}

}  // namespace

Result<FetchMetricsSnapshot> FetchMetricsSnapshot::FromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(ErrorCode::kUsage, "fetch metrics: not a JSON object");
  }
  FetchMetricsSnapshot s;
  // A snapshot from a build with other buckets would put counts under the
  // wrong bounds: refused rather than mislabelled.
  if (!ReadCounts(j, "r", s.responses) || !ReadCounts(j, "h", s.buckets) ||
      !ReadCount(j, "b", s.bytes) || !ReadCount(j, "s", s.sum_ms)) {
    return Fail(ErrorCode::kUsage, "fetch metrics: not the expected shape: " + text.substr(0, 200));
  }
  return s;
}

}  // namespace trawl
