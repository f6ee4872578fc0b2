// `trawl up` with every kind of option a worker and the server take, from
// the command line and from --config: the stack comes up (two workers
// heartbeat), a parallel job over the farm completes, and Ctrl+C stops it.
// Options that only the server takes (--ui-port, --webhook-secret, --token)
// must not reach the workers, whose command line would refuse them.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/client.h"
#include "api_call_util.h"
#include "process_util.h"
#include "serve_util.h"
#include "servers/redis_server.h"
#include "servers/require.h"

namespace trawl::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST(UpForwarding, EveryWorkerAndServerOptionBringsTheStackUpAndAJobCompletes) {
  TRAWL_REQUIRE_REDIS();
  FarmProcess farm({"--bulk", "6"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  // Server, worker and fetching options in the file; the command line wins.
  std::string config = dir.File("trawl.toml");
  std::ofstream(config) << "ui-port = 1\n"  // overridden below
                           "webhook-attempts = 2\n"
                           "visibility = 30\n"
                           "heartbeat = 0.5\n"
                           "retry-base = 1\n"
                           "connect-timeout = 5\n"
                           "no-sitemap = true\n"
                           "resolve = []\n";
  std::string redis_url = "redis://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/0";
  std::string token = "up-test-token";
  ServeProcess up({"up",
                   "--workers",
                   "2",
                   "--port",
                   "0",
                   "--ui-port",
                   std::to_string(FreeLoopbackPort()),
                   "--webhook-secret",
                   "s3cret",
                   "--token",
                   token,
                   "--config",
                   config,
                   "--redis",
                   redis_url,
                   "--redis-prefix",
                   "uptest:",
                   "--data-dir",
                   dir.File("data"),
                   "--allow-private",
                   "--connect-to",
                   farm.connect_to(),
                   "--max-pages",
                   "3",
                   "--per-host",
                   "1",
                   "--timeout",
                   "10",
                   "--domain-timeout",
                   "60",
                   "--delay",
                   "0",
                   "--concurrency",
                   "8",
                   "--threads",
                   "1",
                   "--max-body",
                   "1048576",
                   "--user-agent",
                   "trawl-uptest/1.0",
                   "--grace",
                   "5",
                   "--max-tasks",
                   "0"});
  ASSERT_SERVING(up);
  ApiClient client(up.url(), token);

  // Both workers heartbeat, so both took every option they were given.
  int workers = 0;
  for (auto deadline = Clock::now() + std::chrono::seconds(30);
       workers < 2 && Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Call stats = Get(client, "/api/worker_stats");
    if (stats.status == 200) workers = stats.body["totals"]["workers"].get<int>();
  }
  ASSERT_EQ(workers, 2) << up.log();
  EXPECT_EQ(up.log().find("not expected"), std::string::npos) << up.log();

  std::string log = up.log();
  size_t start = log.find("trawl up: starting trawl workers");
  ASSERT_NE(start, std::string::npos) << log;
  std::string workers_line = log.substr(start, log.find('\n', start) - start);
  for (const char* passed : {"--max-pages=3", "--visibility=30", "--heartbeat=0.5",
                             "--no-sitemap=true", "--user-agent=trawl-uptest/1.0"}) {
    EXPECT_NE(workers_line.find(passed), std::string::npos) << passed << " in " << workers_line;
  }
  for (const char* kept : {"ui-port", "webhook", "token", "s3cret"}) {
    EXPECT_EQ(workers_line.find(kept), std::string::npos) << kept << " in " << workers_line;
  }

  Call job = Post(client, "/api/process_redis",
                  R"({"domains": ["bulk-0.test", "bulk-1.test", "bulk-2.test"]})");
  ASSERT_EQ(job.status, 202) << job.raw;
  EXPECT_EQ(job.body["mode"], "redis_parallel") << job.raw;
  nlohmann::json done = WaitForJob(client, job.body["job_id"].get<std::string>(), 90);
  EXPECT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["completed"], 3) << done.dump();

  EXPECT_EQ(up.Stop(SIGINT, 60'000), 0) << up.log();
}

}  // namespace
}  // namespace trawl::testing
