// `trawl monitor`: samples every live worker's heartbeat (any machine) and
// the queue, and prints the aggregate — the original guide's
// multi_worker_monitor — on stdout, optionally appending CSV rows too.
// One call per process; it reads `stop` from a signal handler.
#pragma once

#include <atomic>
#include <string>

#include "queue/redis_client.h"

namespace trawl {

struct MonitorOptions {
  RedisConfig redis;
  double duration_s = 0;  // 0: until `stop`
  double interval_s = 2;
  std::string csv_path;  // "": no CSV
};

// Samples until `stop` is non-zero or the duration is over; Redis being away
// is logged once and sampling goes on. Returns 0, or 2 when the CSV file
// cannot be opened (nothing sampled).
int MonitorFleet(const MonitorOptions& o, const std::atomic<int>& stop);

}  // namespace trawl
