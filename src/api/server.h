// `trawl serve`: the REST API (DESIGN.md §7) on cpp-httplib. Parallel jobs go
// to Redis (task_queue.h); embedded jobs and every fallback run in this
// process (embedded_runner.h). All state is in the store and in Redis, so a
// restarted server carries on.
//
// Thread-safety: Start/Stop from one thread; requests are served on
// httplib's thread pool.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "crawl/crawl_options.h"
#include "queue/redis_client.h"

namespace trawl {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;                   // 0: any free port (see ApiServer::port)
  std::optional<RedisConfig> redis;  // unset: embedded only
  std::string db_url;                // store URL; "" → trawl.db
  CrawlOptions crawl;                // embedded jobs
  int64_t max_job_domains = 100'000;
  int64_t max_body_bytes = 16 << 20;
  std::string token;  // "" → no auth (loopback only unless insecure_no_auth)
  bool insecure_no_auth = false;
  // The one browser origin allowed to call the API from another site
  // ("https://crm.example.com", or "*"); "" (the default): CORS stays off
  // and browsers refuse cross-origin calls.
  std::string cors_origin;
  // --ui-port: also listen on this port of `host`, serving the same web page
  // and /api (so the page at :3000 is same-origin); 0 (the default): off.
  int ui_port = 0;
  // The key of the completion webhooks' signature (api/webhook.h); "" (the
  // default): jobs with options.webhook_url are refused, none are sent.
  std::string webhook_secret;
  int webhook_attempts = 6;  // POSTs per job completion before it is failed
};

class ApiServer {
 public:
  explicit ApiServer(ServerOptions options);
  ~ApiServer();

  // Opens the store, starts the embedded runner, binds and listens in a
  // background thread. Fails with kUsage (e.g. non-loopback without a
  // token), kUnavailable (store) or kIo (cannot bind).
  Result<void> Start();
  int port() const;
  // Blocks until Stop.
  void Wait();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trawl
