// Many clients at once: 50 threads each submit a job to the real
// `trawl serve` at the same moment (parallel jobs on a real redis-server,
// crawled by two real `trawl worker` processes against the site farm). Every
// job must be accepted, listed and completed, and every domain stored once
// with its counters agreeing — nothing lost, nothing counted twice.
// Behaviour only: how fast it goes is bench/api.sh's business.
#include <gtest/gtest.h>

#include <barrier>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/client.h"
#include "api_call_util.h"
#include "child_util.h"
#include "process_util.h"
#include "serve_util.h"
#include "servers/redis_server.h"
#include "servers/require.h"
#include "store/store.h"

namespace trawl::testing {
namespace {

using nlohmann::json;

constexpr int kClients = 50;
constexpr int kDomainsPerJob = 8;

TEST(ApiLoad, FiftyClientsSubmittingAtOnceLoseNoJobAndNoDomain) {
  TRAWL_REQUIRE_REDIS();
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  // Jobs overlap by half their domains, so the same domain sits in
  // several jobs at once (each job must still store it once).
  const int farm_sites = kClients * kDomainsPerJob / 2 + kDomainsPerJob;
  FarmProcess farm({"--bulk", std::to_string(farm_sites)});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::string db = dir.File("trawl.db");
  std::vector<std::string> serve_args = {"serve",     "--port", "0", "--redis",
                                         redis.url(), "--db",   db};
  for (auto& f : FarmFlags(farm)) serve_args.push_back(f);
  ServeProcess server(serve_args);
  ASSERT_SERVING(server);

  std::vector<std::string> ids(kClients);
  std::vector<std::string> problems(kClients);
  std::vector<std::vector<std::string>> domains(kClients);
  for (int c = 0; c < kClients; ++c)
    domains[c] = BulkDomains(c * kDomainsPerJob / 2, kDomainsPerJob);
  std::barrier start(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      ApiClient client(server.url(), "");
      start.arrive_and_wait();
      Call submit = Post(client, "/api/process_redis", json{{"domains", domains[c]}}.dump());
      if (submit.status != 202 || !submit.body.contains("job_id")) {
        problems[c] = std::to_string(submit.status) + " " + submit.raw;
        return;
      }
      if (submit.body["mode"] != "redis_parallel" || submit.body["total"] != kDomainsPerJob) {
        problems[c] = "unexpected answer " + submit.raw;
      }
      ids[c] = submit.body["job_id"];
    });
  }
  for (auto& t : clients) t.join();
  for (int c = 0; c < kClients; ++c)
    ASSERT_EQ(problems[c], "") << "client " << c << "\n" << server.log();
  ASSERT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), static_cast<size_t>(kClients))
      << "job ids must be distinct";

  ApiClient client(server.url(), "");
  Call listed = Get(client, "/api/jobs?limit=1000");
  ASSERT_EQ(listed.status, 200) << listed.raw;
  EXPECT_EQ(listed.body["total"], kClients);
  std::set<std::string> listed_ids;
  for (const json& j : listed.body["jobs"]) listed_ids.insert(j["job_id"].get<std::string>());
  EXPECT_EQ(listed_ids, std::set<std::string>(ids.begin(), ids.end()));

  std::vector<std::string> workers_args = {TrawlBinary(),   "workers",   "-n",   "2",
                                           "--redis",       redis.url(), "--db", db,
                                           "--concurrency", "16"};
  for (auto& f : FarmFlags(farm)) workers_args.push_back(f);
  BackgroundProcess workers(workers_args, dir.File("workers.log"));

  auto store = Store::Open(db);
  ASSERT_TRUE(store) << store.error().message;
  for (int c = 0; c < kClients; ++c) {
    json status = WaitForJob(client, ids[c], 240);
    ASSERT_EQ(status["status"], "completed") << "job " << c << ": " << status.dump() << "\n"
                                             << workers.Output().substr(0, 4000);
    EXPECT_EQ(status["total"], kDomainsPerJob);
    EXPECT_EQ(status["completed"].get<int>() + status["failed"].get<int>(), kDomainsPerJob);
  }
  for (int c = 0; c < kClients; ++c) {
    // Every domain of the job stored exactly once, and the store's counts agree.
    ProfileQuery query;
    query.job_id = ids[c];
    query.limit = 1000;
    auto rows = (*store)->ListProfiles(query);
    ASSERT_TRUE(rows) << rows.error().message;
    std::multiset<std::string> stored;
    for (const StoredProfile& p : *rows) stored.insert(p.domain);
    EXPECT_EQ(stored, std::multiset<std::string>(domains[c].begin(), domains[c].end()))
        << "job " << c;
    auto job = (*store)->GetJob(ids[c]);
    ASSERT_TRUE(job && *job);
    EXPECT_EQ((*job)->completed + (*job)->failed, kDomainsPerJob) << "job " << c;
  }
  workers.Signal(SIGTERM);
  EXPECT_NE(workers.Wait(60'000), BackgroundProcess::kRunning);
}

}  // namespace
}  // namespace trawl::testing
