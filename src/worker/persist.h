// Carrying on while Redis or the database is away. An Outage logs one line
// when a service becomes unreachable and one when it is back — not one per
// retry — however many threads share it. Persist retries a call with backoff
// (RetryDelayMs: 100 ms doubling to 5 s) for as long as it fails with
// kUnavailable, so a worker never exits and never drops what it holds
// because a server restarted.
//
// Thread-safety: an Outage may be shared by any number of threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "core/error.h"
#include "queue/redis_client.h"

namespace trawl {

class Outage {
 public:
  // `service` names it in log lines ("redis", "database").
  explicit Outage(std::string service) : service_(std::move(service)) {}

  // Records a failed call; logs (stderr) only on the first of an outage.
  void Failed(const Error& error);
  // Records a successful call; logs only when it ends an outage.
  void Succeeded();
  bool down() const { return down_.load(); }

 private:
  std::string service_;
  std::atomic<bool> down_{false};
  std::atomic<int64_t> since_ms_{0};
};

// Sleeps `ms` in slices of at most 50 ms, returning early once `give_up()`
// is true. Returns false if it gave up.
template <typename GiveUp>
bool SleepUnless(int64_t ms, const GiveUp& give_up) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    if (give_up()) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::clamp<int64_t>(left.count(), 1, 50)));
  }
  return !give_up();
}

// Calls `call` (returning some Result<T>) until it succeeds or fails with
// anything but kUnavailable, waiting RetryDelayMs between tries. Returns the
// last result: a success, a failure retrying cannot fix, or — once
// `give_up()` is true — the last kUnavailable failure.
template <typename Call, typename GiveUp>
auto Persist(Outage& outage, const Call& call, const GiveUp& give_up) -> decltype(call()) {
  for (int attempt = 0;; ++attempt) {
    auto result = call();
    if (result || result.error().code != ErrorCode::kUnavailable) {
      outage.Succeeded();
      return result;
    }
    outage.Failed(result.error());
    if (!SleepUnless(RetryDelayMs(std::min(attempt, 16)), give_up)) return result;
  }
}

}  // namespace trawl
