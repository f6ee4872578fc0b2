// `trawl serve`: the API server (src/api/server.h) until SIGINT/SIGTERM.
// Embedded jobs crawl in this process, so it takes the fetching options.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "api/serve_setup.h"
#include "api/server.h"
#include "cli/commands.h"
#include "cli/fetch_options.h"

namespace trawl {

int RunServe(int argc, char** argv) {
  CLI::App app{"Serve the REST API: parallel jobs go to Redis workers, embedded ones run here."};
  app.name("trawl serve");
  ServerOptions options;
  std::string redis_url;
  std::string redis_prefix;
  int64_t max_body_mb = options.max_body_bytes >> 20;
  options.db_url = "trawl.db";
  FetchFlags fetch;
  app.add_option("--host", options.host, "address to listen on; other than loopback needs --token")
      ->envname("TRAWL_HOST")
      ->capture_default_str();
  app.add_option("--port", options.port, "TCP port; 0 picks a free one (printed on stderr)")
      ->envname("TRAWL_PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--redis", redis_url,
                 "redis://[:password@]host:port/db for parallel jobs; unset or '': none (jobs run "
                 "embedded)")
      ->envname("TRAWL_REDIS_URL");
  app.add_option("--redis-prefix", redis_prefix, "prefix of every Redis key (default trawl:)")
      ->envname("TRAWL_REDIS_PREFIX");
  app.add_option("--db", options.db_url, "SQLite file or postgresql:// URL")
      ->envname("TRAWL_DB_URL")
      ->capture_default_str();
  app.add_option("--token", options.token, "require 'Authorization: Bearer TOKEN' on /api")
      ->envname("TRAWL_API_TOKEN");
  app.add_flag(
      "--insecure-no-auth", options.insecure_no_auth,
      "allow a non-loopback --host without a token (anyone who reaches it can submit jobs)");
  app.add_option("--cors-origin", options.cors_origin,
                 "allow this browser origin (or *) to call the API cross-site; default: CORS off")
      ->envname("TRAWL_CORS_ORIGIN");
  app.add_option("--ui-port", options.ui_port,
                 "also serve the web page and /api on this port of --host (e.g. 3000); 0: off")
      ->envname("TRAWL_UI_PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--max-job-domains", options.max_job_domains, "distinct domains one job may hold")
      ->envname("TRAWL_MAX_JOB_DOMAINS")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}))
      ->capture_default_str();
  app.add_option("--max-body-mb", max_body_mb, "largest request body, in MiB (413 beyond)")
      ->envname("TRAWL_MAX_BODY_MB")
      ->check(CLI::Range(int64_t{1}, int64_t{1024}))
      ->capture_default_str();
  app.add_option("--webhook-secret", options.webhook_secret,
                 "key of the HMAC-SHA256 signature of job webhooks; unset: options.webhook_url "
                 "is refused")
      ->envname("TRAWL_WEBHOOK_SECRET");
  app.add_option("--webhook-attempts", options.webhook_attempts,
                 "POSTs per job webhook (1 s, 4 s, 16 s, ... apart, at most 5 min) before it fails")
      ->envname("TRAWL_WEBHOOK_ATTEMPTS")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  fetch.Add(app, options.crawl);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  fetch.Apply(options.crawl);
  options.max_body_bytes = max_body_mb << 20;
  auto redis = RedisSetting(redis_url, redis_prefix);
  if (!redis) {
    std::fprintf(stderr, "trawl serve: --redis: %s\n", redis.error().message.c_str());
    return 2;
  }
  options.redis = *redis;

  // Signals go to one waiting thread; every other thread (httplib's pool,
  // the embedded runner) inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  ApiServer server(options);
  if (auto started = server.Start(); !started) {
    std::fprintf(stderr, "trawl serve: %s\n", started.error().message.c_str());
    return started.error().code == ErrorCode::kUsage ? 2 : 1;
  }
  std::fputs(ServeBanner("trawl serve", options, server.port()).c_str(), stderr);
  std::fflush(stderr);

  std::atomic<bool> done{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (done.load()) return;
    std::fprintf(stderr, "trawl serve: stopping (a second Ctrl+C exits at once)\n");
    std::thread([&stop_signals] {
      int again = 0;
      sigwait(&stop_signals, &again);
      _exit(130);
    }).detach();
    server.Stop();
  });
  server.Wait();
  server.Stop();
  done.store(true);
  // Releases the waiter if the server ended by itself (a thread-directed
  // signal, so the detached thread does not see it).
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::fprintf(stderr, "trawl serve: stopped\n");
  return 0;
}

}  // namespace trawl
