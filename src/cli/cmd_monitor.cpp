// `trawl monitor [--redis URL] [--duration S] [--interval S] [--csv FILE]`:
// live CPU and memory of all workers (worker/fleet_monitor.h) until Ctrl+C.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "api/serve_setup.h"
#include "cli/commands.h"
#include "worker/fleet_monitor.h"

namespace trawl {
namespace {

std::atomic<int> g_monitor_signals{0};

void OnMonitorSignal(int) {
  if (g_monitor_signals.fetch_add(1) >= 1) _exit(130);
}

}  // namespace

int RunMonitor(Settings& s) {
  auto redis = RedisSetting(s.redis_url, s.redis_prefix);
  if (!redis || !*redis) {
    std::fprintf(stderr, "trawl monitor: --redis: %s\n",
                 redis ? "a Redis URL is needed" : redis.error().message.c_str());
    return 2;
  }
  MonitorOptions options{**redis, s.duration_s, s.interval_s, s.csv_path};
  struct sigaction sa {};
  sa.sa_handler = OnMonitorSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return MonitorFleet(options, g_monitor_signals);
}

}  // namespace trawl
