// /proc/self/stat fields 14 and 15 (utime, stime, in clock ticks) and
// /proc/self/statm field 2 (resident pages); see proc(5).
#include "worker/proc_stats.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace trawl {
namespace {

int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// utime + stime in clock ticks; -1 when unreadable.
int64_t CpuTicks() {
  FILE* f = std::fopen("/proc/self/stat", "r");
  if (!f) return -1;
  char buf[1024];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // The command name (field 2) is in parentheses and may hold spaces: count
  // fields from the last ')'.
  const char* p = std::strrchr(buf, ')');
  if (!p) return -1;
  unsigned long long utime = 0, stime = 0;
  // After ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt
  // majflt cmajflt utime(14) stime(15).
  if (std::sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
                  &stime) != 2) {
    return -1;
  }
  return static_cast<int64_t>(utime + stime);
}

}  // namespace

ProcStats::ProcStats() : last_cpu_ticks_(CpuTicks()), last_wall_ns_(WallNs()) {}

double ProcStats::CpuPercentSinceLast() {
  int64_t ticks = CpuTicks();
  int64_t wall = WallNs();
  double percent = 0;
  long hz = sysconf(_SC_CLK_TCK);
  if (ticks >= 0 && last_cpu_ticks_ >= 0 && wall > last_wall_ns_ && hz > 0) {
    double cpu_s = static_cast<double>(ticks - last_cpu_ticks_) / static_cast<double>(hz);
    double wall_s = static_cast<double>(wall - last_wall_ns_) / 1e9;
    percent = 100.0 * cpu_s / wall_s;
  }
  last_cpu_ticks_ = ticks;
  last_wall_ns_ = wall;
  return percent;
}

int64_t ProcStats::RssBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long long size = 0, resident = 0;
  int got = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  if (got != 2) return 0;
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

}  // namespace trawl
