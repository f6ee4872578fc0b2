// Queue figures for bench/queue.sh: enqueue a job of N placeholder domains
// into Redis (seconds, Redis memory per queued domain), and wait for a job to
// complete (seconds, tasks/s). Prints one line of key=value figures.
//
//   queue_bench enqueue REDIS_URL N JOB_ID
//   queue_bench wait REDIS_URL JOB_ID TIMEOUT_S
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "queue/task_queue.h"
#include "store/job_options.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// INFO memory's used_memory, or -1.
int64_t UsedMemory(trawl::RedisClient& client) {
  auto r = client.Command({"INFO", "memory"});
  if (!r) return -1;
  std::string info = r->AsString();
  auto pos = info.find("used_memory:");
  if (pos == std::string::npos) return -1;
  return std::atoll(info.c_str() + pos + 12);
}

int Enqueue(const trawl::RedisConfig& cfg, int n, const std::string& job_id) {
  trawl::TaskQueue queue(cfg);
  if (auto ok = queue.EnsureGroup(); !ok) {
    std::fprintf(stderr, "queue_bench: %s\n", ok.error().message.c_str());
    return 1;
  }
  std::vector<std::string> domains;
  domains.reserve(n);
  for (int i = 0; i < n; ++i) domains.push_back("bulk-" + std::to_string(i) + ".test");
  trawl::QueueJob job;
  job.id = job_id;
  job.mode = trawl::kModeParallel;
  job.status = "pending";
  job.total = n;
  job.created_at_ms = trawl::NowMs();
  job.options_json = trawl::JobOptionsToJson({});
  int64_t before = UsedMemory(queue.client());
  auto start = Clock::now();
  if (auto ok = queue.CreateJob(job, domains); !ok) {
    std::fprintf(stderr, "queue_bench: %s\n", ok.error().message.c_str());
    return 1;
  }
  double secs = Since(start);
  int64_t after = UsedMemory(queue.client());
  std::printf(
      "bench=enqueue domains=%d seconds=%.3f domains_per_s=%.0f redis_bytes_per_domain=%.1f\n", n,
      secs, secs > 0 ? n / secs : 0, (after - before) / static_cast<double>(n));
  return 0;
}

int Wait(const trawl::RedisConfig& cfg, const std::string& job_id, double timeout_s) {
  trawl::TaskQueue queue(cfg);
  auto start = Clock::now();
  while (Since(start) < timeout_s) {
    auto job = queue.GetJob(job_id);
    if (job && *job && (*job)->status == "completed") {
      double secs = Since(start);
      int64_t n = (*job)->completed + (*job)->failed;
      std::printf("bench=wait tasks=%lld seconds=%.3f tasks_per_s=%.0f\n",
                  static_cast<long long>(n), secs, secs > 0 ? n / secs : 0);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fprintf(stderr, "queue_bench: job %s not completed within %.0f s\n", job_id.c_str(),
               timeout_s);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3) {
    std::fprintf(
        stderr,
        "usage: queue_bench enqueue REDIS_URL N JOB_ID | wait REDIS_URL JOB_ID TIMEOUT_S\n");
    return 2;
  }
  auto cfg = trawl::ParseRedisUrl(args[1]);
  if (!cfg) {
    std::fprintf(stderr, "queue_bench: %s\n", cfg.error().message.c_str());
    return 2;
  }
  if (args[0] == "enqueue" && args.size() == 4)
    return Enqueue(*cfg, std::atoi(args[2].c_str()), args[3]);
  if (args[0] == "wait" && args.size() == 4) return Wait(*cfg, args[2], std::atof(args[3].c_str()));
  std::fprintf(stderr, "queue_bench: bad arguments\n");
  return 2;
}
