// `trawl worker [--redis URL] [--db URL] [--concurrency N] ...`: one worker
// process (src/worker/worker.h). SIGINT/SIGTERM stop it gracefully; a second
// signal ends it at once.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/fetch_options.h"
#include "worker/worker.h"

namespace trawl {
namespace {

Worker* g_worker = nullptr;
std::atomic<int> g_signals{0};

void OnSignal(int) {
  if (g_signals.fetch_add(1) >= 1) _exit(130);
  if (g_worker) g_worker->RequestStop();
}

}  // namespace

int ParseWorkerCommandLine(int argc, char** argv, WorkerOptions& options) {
  CLI::App app{
      "Take domains from the Redis queue, crawl them, store their profiles (one worker process)."};
  app.name(argc > 0 ? argv[0] : "trawl worker");
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::string prefix = "trawl:";
  std::string db_url = "trawl.db";
  double visibility_s = options.visibility_ms / 1000.0;
  double heartbeat_s = options.heartbeat_ms / 1000.0;
  double grace_s = options.grace_ms / 1000.0;
  double retry_base_s = options.retry_base_ms / 1000.0;
  FetchFlags flags;
  app.add_option("--redis", redis_url, "Redis URL, redis://[[user]:password@]host[:port][/db]")
      ->envname("TRAWL_REDIS_URL")
      ->capture_default_str();
  app.add_option("--redis-prefix", prefix, "prefix of every Redis key")
      ->envname("TRAWL_REDIS_PREFIX")
      ->capture_default_str();
  app.add_option("--db", db_url, "database: a SQLite file path or a postgresql:// URL")
      ->envname("TRAWL_DB_URL")
      ->capture_default_str();
  app.add_option("--id", options.id,
                 "worker id in heartbeats and the consumer group (default: host-pid-random)");
  app.add_option("--max-tasks", options.max_tasks,
                 "exit (status 0) after this many tasks, to bound memory; 0: never")
      ->envname("TRAWL_MAX_TASKS")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--visibility", visibility_s,
                 "seconds a claimed task may sit unacknowledged before another worker reclaims it")
      ->envname("TRAWL_VISIBILITY")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  app.add_option("--heartbeat", heartbeat_s,
                 "seconds between heartbeats (which also keep claims fresh)")
      ->envname("TRAWL_HEARTBEAT")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  app.add_option("--grace", grace_s, "seconds to finish domains in flight after SIGINT/SIGTERM")
      ->envname("TRAWL_GRACE")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--retry-base", retry_base_s,
                 "seconds before the first retry of a retryable failure; doubles per attempt")
      ->envname("TRAWL_RETRY_BASE")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_flag(
      "--noop", options.noop,
      "benchmark: acknowledge tasks at once (batches of --concurrency), no crawl, no store");
  flags.Add(app, options.crawl);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  flags.Apply(options.crawl);
  auto redis = ParseRedisUrl(redis_url);
  if (!redis) {
    std::fprintf(stderr, "%s: --redis: %s\n", app.get_name().c_str(),
                 redis.error().message.c_str());
    return 2;
  }
  options.redis = *redis;
  options.redis.prefix = prefix;
  options.db_url = db_url;
  options.visibility_ms = static_cast<int64_t>(visibility_s * 1000);
  options.heartbeat_ms = static_cast<int64_t>(heartbeat_s * 1000);
  options.grace_ms = static_cast<int64_t>(grace_s * 1000);
  options.retry_base_ms = static_cast<int64_t>(retry_base_s * 1000);
  return -1;
}

int RunWorker(int argc, char** argv) {
  WorkerOptions options;
  if (int rc = ParseWorkerCommandLine(argc, argv, options); rc >= 0) return rc;
  Worker worker(options);
  g_worker = &worker;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int rc = worker.Run();
  g_worker = nullptr;
  return rc;
}

}  // namespace trawl
