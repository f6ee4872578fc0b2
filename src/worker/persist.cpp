// Outage lines: one when a service goes away, one when it is back.
#include "worker/persist.h"

#include <fmt/core.h>

#include "core/clock.h"
#include "worker/worker_log.h"

namespace trawl {

void Outage::Failed(const Error& error) {
  bool was_down = down_.exchange(true);
  if (was_down) return;
  since_ms_.store(NowMs());
  LogLine(stderr,
          fmt::format("{} unreachable: {}; retrying with backoff", service_, error.message));
}

void Outage::Succeeded() {
  if (!down_.load()) return;
  if (!down_.exchange(false)) return;
  double secs = (NowMs() - since_ms_.load()) / 1000.0;
  LogLine(stderr, fmt::format("{} reachable again after {:.1f} s", service_, secs));
}

}  // namespace trawl
