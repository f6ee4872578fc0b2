// End to end through the API, as a user runs it: a real redis-server, SQLite
// or a real PostgreSQL, the site farm, `trawl serve` and `trawl workers -n 4`
// as child processes. Jobs go in with POST /api/process_redis; the checks
// read the store, Redis and the API, and compare the stored profiles with
// what `trawl crawl` extracts from the same sites.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api/client.h"
#include "child_util.h"
#include "process_util.h"
#include "queue/task_queue.h"
#include "serve_util.h"
#include "servers/postgres_server.h"
#include "servers/redis_server.h"
#include "servers/require.h"
#include "store/store.h"

namespace trawl::testing {
namespace {

using nlohmann::json;

constexpr int kJobTimeoutMs = 240'000;  // a guard against hangs, not a measurement

std::vector<std::string> FarmFlags(const FarmProcess& farm) {
  return {"--allow-private", "--connect-to", farm.connect_to(), "--timeout", "15"};
}

// POSTs the domains to /api/process_redis; the response body (null on failure).
json Submit(ApiClient& api, const std::vector<std::string>& domains) {
  auto reply = api.Post("/api/process_redis", json{{"domains", domains}}.dump());
  if (!reply) {
    ADD_FAILURE() << reply.error().message;
    return nullptr;
  }
  EXPECT_EQ(reply->status, 202) << reply->body;
  return json::parse(reply->body, nullptr, false);
}

json Status(ApiClient& api, const std::string& job_id) {
  auto reply = api.Get("/api/status/" + job_id + "?limit=0");
  if (!reply || reply->status != 200) return nullptr;
  json body = json::parse(reply->body, nullptr, false);
  return body.is_discarded() ? json(nullptr) : body;
}

bool Completed(const json& status) {
  return status.is_object() && status.value("status", "") == "completed";
}

// The fields a user reads, for comparing a stored profile with `trawl crawl`.
json Comparable(const json& p) {
  json out;
  for (const char* key : {"domain", "status", "company_name", "company_number", "vat_number",
                          "country", "social", "final_url"}) {
    out[key] = p.contains(key) ? p[key] : json(nullptr);
  }
  for (const char* key : {"emails", "phones", "addresses"}) {
    json values = json::array();
    for (const auto& v : p.value(key, json::array())) {
      values.push_back(v.contains("value") ? v["value"] : v.value("text", json(nullptr)));
    }
    out[key] = values;
  }
  out["error"] = p.contains("error") && p["error"].is_object() ? p["error"]["code"] : json(nullptr);
  return out;
}

class EndToEnd : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    TRAWL_REQUIRE_REDIS();
    if (GetParam() == "postgresql") {
      TRAWL_REQUIRE_POSTGRES();
      postgres_ = std::make_unique<PostgresServer>();
      ASSERT_TRUE(postgres_->ok());
      db_ = postgres_->CreateDatabase("e2e");
      ASSERT_FALSE(db_.empty());
    } else {
      db_ = dir_.File("trawl.db");
    }
    ASSERT_TRUE(redis_.ok());
  }

  std::vector<std::string> WorkersArgs(const FarmProcess& farm, int n, int concurrency) {
    std::vector<std::string> args = {TrawlBinary(),
                                     "workers",
                                     "-n",
                                     std::to_string(n),
                                     "--redis",
                                     redis_.url(),
                                     "--db",
                                     db_,
                                     "--concurrency",
                                     std::to_string(concurrency),
                                     "--visibility",
                                     "5",
                                     "--grace",
                                     "10"};
    for (auto& f : FarmFlags(farm)) args.push_back(f);
    return args;
  }
  std::vector<std::string> ServeArgs(const FarmProcess& farm) {
    std::vector<std::string> args = {"serve", "--port", "0", "--redis", redis_.url(), "--db", db_};
    for (auto& f : FarmFlags(farm)) args.push_back(f);
    return args;
  }

  // Every domain of the job has exactly one stored profile, and the counters
  // of the API, Redis and the store agree with the stored profiles.
  std::vector<StoredProfile> CheckStoredOnce(const std::string& job_id,
                                             const std::vector<std::string>& domains,
                                             const json& status) {
    auto store = Store::Open(db_);
    EXPECT_TRUE(store.has_value());
    if (!store) return {};
    auto rows =
        (*store)->ListProfiles({.job_id = job_id, .approval = "", .limit = 10'000, .offset = 0});
    EXPECT_TRUE(rows.has_value());
    if (!rows) return {};
    std::multiset<std::string> stored;
    int64_t ok = 0;
    for (const auto& p : *rows) {
      stored.insert(p.domain);
      ok += p.ok ? 1 : 0;
    }
    EXPECT_EQ(stored, std::multiset<std::string>(domains.begin(), domains.end()));
    EXPECT_EQ(status["total"], static_cast<int64_t>(domains.size()));
    EXPECT_EQ(status["completed"], ok);
    EXPECT_EQ(status["failed"], static_cast<int64_t>(domains.size()) - ok);

    auto job = (*store)->GetJob(job_id);
    EXPECT_TRUE(job && *job);
    if (job && *job) {
      EXPECT_EQ((*job)->status, "completed");
      EXPECT_EQ((*job)->completed, ok);
      EXPECT_EQ((*job)->completed + (*job)->failed, static_cast<int64_t>(domains.size()));
    }
    auto cfg = ParseRedisUrl(redis_.url());
    EXPECT_TRUE(cfg.has_value());
    TaskQueue queue(*cfg);
    auto qjob = queue.GetJob(job_id);
    EXPECT_TRUE(qjob && *qjob);
    if (qjob && *qjob) {
      EXPECT_EQ((*qjob)->status, "completed");
      EXPECT_EQ((*qjob)->completed, ok);
      EXPECT_EQ((*qjob)->failed, static_cast<int64_t>(domains.size()) - ok);
    }
    auto done = queue.client().Command({"SCARD", queue.client().Key("job:" + job_id + ":done")});
    EXPECT_TRUE(done.has_value());
    if (done) {
      EXPECT_EQ(done->AsInt(), static_cast<int64_t>(domains.size()));
    }
    auto counts = queue.Counts();
    EXPECT_TRUE(counts.has_value());
    if (counts) {
      EXPECT_EQ(counts->depth, 0);
      EXPECT_EQ(counts->pending, 0);
    }
    return *rows;
  }

  TempDir dir_;
  RedisServer redis_;
  std::unique_ptr<PostgresServer> postgres_;
  std::string db_;
};

TEST_P(EndToEnd,
       TwoHundredFarmDomainsThroughTheApiWithFourWorkersEachStoredOnceMatchingTrawlCrawl) {
  FarmProcess farm({"--bulk", "200", "--latency-ms", "5"});
  ASSERT_GT(farm.port(), 0);
  ServeProcess serve(ServeArgs(farm));
  ASSERT_TRUE(serve.ok()) << serve.log();
  BackgroundProcess workers(WorkersArgs(farm, 4, 8), dir_.File("workers.log"));
  ApiClient api(serve.url(), "");

  std::vector<std::string> domains = BulkDomains(0, 200);
  json job = Submit(api, domains);
  ASSERT_TRUE(job.is_object());
  EXPECT_EQ(job["mode"], "redis_parallel");
  EXPECT_EQ(job["total"], 200);
  std::string job_id = job["job_id"];

  json status;
  ASSERT_TRUE(WaitFor([&] { return Completed(status = Status(api, job_id)); }, kJobTimeoutMs))
      << status.dump() << "\n"
      << workers.Output().substr(0, 4000);
  std::vector<StoredProfile> rows = CheckStoredOnce(job_id, domains, status);
  EXPECT_EQ(status["failed"], 0) << workers.Output().substr(0, 4000);

  // Four workers took part: every worker printed at least one finished domain.
  std::string out = workers.Output();
  for (int k = 1; k <= 4; ++k) {
    EXPECT_NE(out.find("[worker-" + std::to_string(k) + "] ok "), std::string::npos)
        << "worker-" << k;
  }

  // The same domains through `trawl crawl` give the same profiles.
  std::vector<std::string> crawl_args = {TrawlBinary(), "crawl", "-q", "--concurrency", "32"};
  for (auto& f : FarmFlags(farm)) crawl_args.push_back(f);
  std::string input;
  for (const auto& d : domains) input += d + "\n";
  crawl_args.insert(crawl_args.end(), {"-f", "-"});
  ProcessResult crawl = RunProcess(crawl_args, kJobTimeoutMs, input);
  ASSERT_EQ(crawl.exit_code, 0) << crawl.err;
  std::map<std::string, json> expected;
  for (const auto& p : ParseJsonLines(crawl.out)) expected[p.value("domain", "")] = Comparable(p);
  ASSERT_EQ(expected.size(), domains.size());
  int compared = 0;
  for (const auto& row : rows) {
    json stored = json::parse(row.profile_json, nullptr, false);
    ASSERT_FALSE(stored.is_discarded()) << row.domain;
    EXPECT_EQ(Comparable(stored), expected[row.domain]) << row.domain;
    ++compared;
  }
  EXPECT_EQ(compared, 200);

  // Parallel jobs auto-approve: the status lists every profile as approved data.
  auto full = api.Get("/api/status/" + job_id + "?limit=1000");
  ASSERT_TRUE(full.has_value());
  json approved = json::parse(full->body, nullptr, false);
  EXPECT_EQ(approved["approved_data"].size(), 200u);

  workers.Signal(SIGINT);
  EXPECT_EQ(workers.Wait(60'000), 0) << workers.Output().substr(0, 2000);
}

TEST_P(EndToEnd, ApiServerKilledMidJobComesBackWithTheJobIntactAndTheJobCompletes) {
  FarmProcess farm({"--bulk", "60", "--latency-ms", "40"});
  ASSERT_GT(farm.port(), 0);
  ServeProcess serve(ServeArgs(farm));
  ASSERT_TRUE(serve.ok()) << serve.log();
  BackgroundProcess workers(WorkersArgs(farm, 2, 4), dir_.File("workers.log"));

  std::vector<std::string> domains = BulkDomains(0, 60);
  std::string job_id;
  int64_t before = 0;
  {
    ApiClient api(serve.url(), "");
    json job = Submit(api, domains);
    ASSERT_TRUE(job.is_object());
    job_id = job["job_id"];
    json status;
    ASSERT_TRUE(WaitFor(
        [&] {
          status = Status(api, job_id);
          return status.is_object() && status.value("completed", 0) >= 5;
        },
        kJobTimeoutMs));
    before = status["completed"];
    ASSERT_LT(before, 60) << "the job finished before the server could be killed";
  }

  EXPECT_EQ(serve.Stop(SIGKILL), -SIGKILL);
  ASSERT_TRUE(serve.Start()) << serve.log();
  ApiClient api(serve.url(), "");
  json status = Status(api, job_id);
  ASSERT_TRUE(status.is_object()) << "the restarted server does not know the job";
  EXPECT_EQ(status["job_id"], job_id);
  EXPECT_EQ(status["mode"], "redis_parallel");
  EXPECT_EQ(status["total"], 60);
  EXPECT_GE(status["completed"].get<int64_t>(), before);

  ASSERT_TRUE(WaitFor([&] { return Completed(status = Status(api, job_id)); }, kJobTimeoutMs))
      << status.dump();
  CheckStoredOnce(job_id, domains, status);
  EXPECT_EQ(status["failed"], 0);
}

INSTANTIATE_TEST_SUITE_P(Store, EndToEnd, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace trawl::testing
