// `trawl monitor [--redis URL] [--duration S] [--interval S] [--csv FILE]`:
// samples every live worker's heartbeat (any machine) and the queue, and
// prints the aggregate — the original guide's multi_worker_monitor.
#include <fmt/core.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "core/clock.h"
#include "queue/task_queue.h"
#include "worker/persist.h"
#include "worker/worker_log.h"

namespace trawl {
namespace {

std::atomic<int> g_monitor_signals{0};

void OnMonitorSignal(int) {
  if (g_monitor_signals.fetch_add(1) >= 1) _exit(130);
}

struct Sample {
  int64_t workers = 0;
  double cpu_total = 0;  // percent of one core
  double mem_total_mb = 0;
  int64_t in_flight = 0;
  int64_t processed = 0;
  int64_t failed = 0;
  QueueCounts counts;

  double cpu_avg() const { return workers ? cpu_total / static_cast<double>(workers) : 0; }
  double mem_avg_mb() const { return workers ? mem_total_mb / static_cast<double>(workers) : 0; }
};

Sample Aggregate(const std::vector<WorkerBeat>& beats, const QueueCounts& counts) {
  Sample s;
  s.counts = counts;
  for (const auto& b : beats) {
    ++s.workers;
    s.cpu_total += b.cpu_percent;
    s.mem_total_mb += static_cast<double>(b.rss_bytes) / (1024.0 * 1024.0);
    s.in_flight += b.in_flight;
    s.processed += b.processed;
    s.failed += b.failed;
  }
  return s;
}

std::string LocalClock(int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

// Opens `path` for appending; writes the header when the file is empty.
FILE* OpenCsv(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "a");
  if (!f) return nullptr;
  if (std::ftell(f) == 0) {
    std::fprintf(
        f,
        "timestamp,workers,cpu_total_percent,mem_total_mb,cpu_avg_percent,mem_avg_mb,in_flight,"
        "processed,failed,queue,pending\n");
  }
  std::fflush(f);
  return f;
}

}  // namespace

int RunMonitor(int argc, char** argv) {
  CLI::App app{
      "Sample all workers' heartbeats and the queue: worker count, total and average CPU and "
      "memory."};
  app.name("trawl monitor");
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::string prefix = "trawl:";
  double duration_s = 0;
  double interval_s = 2;
  std::string csv_path;
  app.add_option("--redis", redis_url, "Redis URL, redis://[[user]:password@]host[:port][/db]")
      ->envname("TRAWL_REDIS_URL")
      ->capture_default_str();
  app.add_option("--redis-prefix", prefix, "prefix of every Redis key")
      ->envname("TRAWL_REDIS_PREFIX")
      ->capture_default_str();
  app.add_option("--duration", duration_s, "seconds to run; 0: until Ctrl+C")
      ->check(CLI::Range(0.0, 30.0 * 86400))
      ->capture_default_str();
  app.add_option("--interval", interval_s, "seconds between samples")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--csv", csv_path, "also append one CSV row per sample to FILE (header once)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  auto config = ParseRedisUrl(redis_url);
  if (!config) {
    std::fprintf(stderr, "trawl monitor: --redis: %s\n", config.error().message.c_str());
    return 2;
  }
  config->prefix = prefix;
  FILE* csv = nullptr;
  if (!csv_path.empty()) {
    csv = OpenCsv(csv_path);
    if (!csv) {
      std::fprintf(stderr, "trawl monitor: cannot write %s\n", csv_path.c_str());
      return 2;
    }
  }
  struct sigaction sa {};
  sa.sa_handler = OnMonitorSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  TaskQueue queue(*config);
  Outage outage("redis");
  LogLine(stdout,
          fmt::format("monitoring workers on {} every {} s{}", RedactRedisUrl(*config), interval_s,
                      duration_s > 0 ? fmt::format(" for {} s", duration_s) : " (Ctrl+C to stop)"));
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto end = start + std::chrono::milliseconds(static_cast<int64_t>(duration_s * 1000));
  auto interval = std::chrono::milliseconds(static_cast<int64_t>(interval_s * 1000));
  auto stopped = [&] {
    return g_monitor_signals.load() > 0 || (duration_s > 0 && Clock::now() >= end);
  };
  int64_t samples = 0;
  Sample peak;
  for (auto next = start; !stopped(); next += interval) {
    auto beats = queue.Workers();
    Result<QueueCounts> counts =
        beats ? queue.Counts() : Result<QueueCounts>(tl::unexpected(beats.error()));
    if (!beats || !counts) {
      outage.Failed(beats ? counts.error() : beats.error());
    } else {
      outage.Succeeded();
      Sample s = Aggregate(*beats, *counts);
      int64_t now = NowMs();
      LogLine(
          stdout,
          fmt::format(
              "{} workers={} cpu_total={:.1f}% mem_total={:.1f}MB cpu_avg={:.1f}% mem_avg={:.1f}MB "
              "in_flight={} processed={} queue={} pending={}",
              LocalClock(now), s.workers, s.cpu_total, s.mem_total_mb, s.cpu_avg(), s.mem_avg_mb(),
              s.in_flight, s.processed, s.counts.depth, s.counts.pending));
      if (csv) {
        std::fprintf(csv, "%s,%lld,%.1f,%.1f,%.1f,%.1f,%lld,%lld,%lld,%lld,%lld\n",
                     FormatIsoTime(now).c_str(), static_cast<long long>(s.workers), s.cpu_total,
                     s.mem_total_mb, s.cpu_avg(), s.mem_avg_mb(),
                     static_cast<long long>(s.in_flight), static_cast<long long>(s.processed),
                     static_cast<long long>(s.failed), static_cast<long long>(s.counts.depth),
                     static_cast<long long>(s.counts.pending));
        std::fflush(csv);
      }
      ++samples;
      peak.workers = std::max(peak.workers, s.workers);
      peak.cpu_total = std::max(peak.cpu_total, s.cpu_total);
      peak.mem_total_mb = std::max(peak.mem_total_mb, s.mem_total_mb);
    }
    while (!stopped() && Clock::now() < next + interval) {
      std::this_thread::sleep_for(std::min<Clock::duration>(next + interval - Clock::now(),
                                                            std::chrono::milliseconds(100)));
    }
    if (Clock::now() > next + 2 * interval)
      next = Clock::now() - interval;  // fell behind: do not burst
  }
  if (csv) std::fclose(csv);
  LogLine(stdout,
          fmt::format("samples={} peak_workers={} peak_cpu_total={:.1f}% peak_mem_total={:.1f}MB",
                      samples, peak.workers, peak.cpu_total, peak.mem_total_mb));
  return 0;
}

}  // namespace trawl
