// Every value a trawl command reads from its options, in one plain struct:
// the option table (option_table.h) binds each option to one field here, and
// the defaults shown by --help, the docs and the sample trawl.toml are read
// from a default-constructed Settings. Plain values; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/server.h"
#include "crawl/crawl_options.h"
#include "queue/redis_client.h"
#include "sitefarm/farm.h"
#include "store/store.h"
#include "worker/worker.h"

namespace trawl {

struct Settings {
  std::string config_path;              // --config FILE (every command)
  std::string options_output = "list";  // `trawl options list|markdown|toml`

  // Inputs and output of `crawl` and `submit`.
  std::vector<std::string> inputs;  // DOMAIN… arguments
  std::vector<std::string> files;   // -f FILE…
  std::string output = "-";
  std::string format = "jsonl";
  bool quiet = false;

  // Fetching: crawl, worker, workers, serve (embedded jobs) and up.
  CrawlOptions crawl;

  // Redis and the database. `serve` runs without Redis unless given one;
  // `up` keeps its database in its data folder unless given one.
  std::string redis_url = kDefaultRedisUrl;
  std::string serve_redis_url;
  std::string redis_prefix = RedisConfig().prefix;
  std::string db_url = kDefaultDbPath;
  std::string up_db_url;

  // worker and workers. Only the worker's own fields are bound here; its
  // crawl, redis and db_url come from the fields above (WorkerOptionsFrom).
  WorkerOptions worker;
  int workers = 2;  // worker processes of `workers` and `up`

  // serve and up. Likewise only the server's own fields are bound.
  ServerOptions server;
  std::string data_dir = "./trawl-data";

  // submit and status.
  std::string server_url = "http://127.0.0.1:8000";
  std::string job_id;
  std::vector<std::string> job_options;  // key=value
  bool embedded = false;
  bool wait = false;
  bool json = false;
  double wait_timeout_s = 86'400;
  int limit = 100;
  int64_t offset = 0;

  // monitor.
  double duration_s = 0;
  double interval_s = 2;
  std::string csv_path;

  // sitefarm.
  sitefarm::FarmOptions farm;
  bool no_gzip = false;

  // score.
  std::string truth_dir;
  std::string profiles_path;
  bool verbose = false;

  // robots.
  std::string robots_file;
  std::string robots_agent;
  std::string robots_url;
};

// Finishes what depends on more than one option (curl's connection cap from
// the concurrency and the per-host limit). Called by ParseOptions.
void FinishSettings(Settings& settings);

// The options of one `trawl worker` (its Redis URL and prefix checked).
// Fails with kUsage on a malformed Redis URL or prefix.
Result<WorkerOptions> WorkerOptionsFrom(const Settings& settings);

// The options of the API server of `serve` (up = false) or `up` (true).
// Fails with kUsage on a malformed Redis URL or prefix.
Result<ServerOptions> ServerOptionsFrom(const Settings& settings, bool up);

}  // namespace trawl
