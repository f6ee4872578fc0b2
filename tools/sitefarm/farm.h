// The site farm: a local virtual-host web server for tests, demos and
// benchmarks. It answers by Host header (or as an HTTP forward proxy) from
// static site folders, generated bulk-<i>.test company sites and hostile
// *.hostile.test hosts, with optional latency and errors, and counts
// requests per host (GET /__farm/stats). See docs/sitefarm.md.
//
//   sitefarm::Farm farm(options);
//   if (auto ok = farm.Start(); !ok) ...;
//   ... talk to 127.0.0.1:farm.port() ...
//   farm.Stop();  // or let the destructor do it
//
// Start/Stop from one thread; everything else is thread-safe. Not restartable.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "sitefarm/bulk_sites.h"
#include "sitefarm/farm_stats.h"
#include "sitefarm/http_message.h"
#include "sitefarm/static_sites.h"

namespace trawl::sitefarm {

class Server;

// Defaults are what `trawl sitefarm` uses without options.
struct FarmOptions {
  std::string bind = "127.0.0.1";      // numeric address to listen on
  int port = 0;                        // 0: ephemeral, read it from Farm::port()
  std::vector<std::string> site_dirs;  // folders of <host>/ folders
  int bulk = 0;                        // serve bulk-0.test .. bulk-<N-1>.test
  int latency_ms = 0;                  // delay before every counted response
  int jitter_ms = 0;                   // plus a uniform 0..jitter_ms extra
  double error_rate = 0;               // fraction of counted requests answered 503 (not robots.txt)
  size_t max_connections = 4096;       // one thread each; more get 503
  bool gzip = true;                    // gzip text bodies when the client accepts gzip
};

class Farm {
 public:
  explicit Farm(FarmOptions options);
  ~Farm();
  Farm(const Farm&) = delete;
  Farm& operator=(const Farm&) = delete;

  // Validates options, indexes the site folders and starts listening. Fails
  // with kUsage (bad option), kIo (unreadable sites dir) or kConnectFailed
  // (address in use).
  Result<void> Start();
  // Closes every connection, ends dribbling responses and waits for all
  // connection threads (about a second at worst). Idempotent.
  void Stop();

  int port() const;
  // "127.0.0.1:8811", what `trawl sitefarm` prints after "listening on ".
  std::string address() const;
  const FarmOptions& options() const { return options_; }
  // The counters behind /__farm/stats, for in-process callers.
  FarmStats& stats() { return stats_; }

 private:
  Response Handle(const Request& req);
  Response HandleFarmEndpoint(const Request& req);
  Response Route(const Request& req);
  int DelayMs() const;

  FarmOptions options_;
  StaticSites static_sites_;
  std::unique_ptr<BulkSites> bulk_;
  FarmStats stats_;
  std::unique_ptr<Server> server_;
};

}  // namespace trawl::sitefarm
