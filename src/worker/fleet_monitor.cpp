// The fleet monitor (fleet_monitor.h).
#include "worker/fleet_monitor.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "queue/task_queue.h"
#include "worker/persist.h"
#include "worker/worker_log.h"

namespace trawl {
namespace {

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

int MonitorFleet(const MonitorOptions& o, const std::atomic<int>& stop) {
  FILE* csv = nullptr;
  if (!o.csv_path.empty()) {
    csv = OpenCsv(o.csv_path);
    if (!csv) {
      std::fprintf(stderr, "trawl monitor: cannot write %s\n", o.csv_path.c_str());
      return 2;
    }
  }
  TaskQueue queue(o.redis);
  Outage outage("redis");
  LogLine(
      stdout,
      fmt::format("monitoring workers on {} every {} s{}", RedactRedisUrl(o.redis), o.interval_s,
                  o.duration_s > 0 ? fmt::format(" for {} s", o.duration_s) : " (Ctrl+C to stop)"));
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto end = start + std::chrono::milliseconds(static_cast<int64_t>(o.duration_s * 1000));
  auto interval = std::chrono::milliseconds(static_cast<int64_t>(o.interval_s * 1000));
  auto stopped = [&] { return stop.load() > 0 || (o.duration_s > 0 && Clock::now() >= end); };
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
