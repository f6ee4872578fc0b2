// This process's CPU use and resident memory, read from /proc/self (Linux),
// for worker heartbeats. Not thread-safe: one sampler per thread.
#pragma once

#include <cstdint>

namespace trawl {

class ProcStats {
 public:
  ProcStats();  // takes the first CPU reading

  // CPU used since the previous call (or construction) over the wall time
  // that passed, in percent of one core (200 = two cores busy). 0 when
  // /proc cannot be read or no time has passed.
  double CpuPercentSinceLast();
  // Resident set size in bytes (/proc/self/statm); 0 when unreadable.
  static int64_t RssBytes();

 private:
  int64_t last_cpu_ticks_ = 0;
  int64_t last_wall_ns_ = 0;
};

}  // namespace trawl
