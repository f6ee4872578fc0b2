// The API server (`trawl serve`, src/api/) as a black box: the real binary on
// a free loopback port, a temporary SQLite file, the site farm for anything
// crawled and a real redis-server (tests/servers/) for parallel mode. Every
// refused request is checked to have stored and queued nothing. Also the
// request parsing and token check directly, and `trawl submit`/`status`/`up`.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/client.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "api_call_util.h"
#include "process_util.h"
#include "queue/redis_client.h"
#include "serve_util.h"
#include "servers/redis_server.h"
#include "servers/require.h"
#include "store/store.h"

namespace trawl::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// ---- helpers ---------------------------------------------------------------

// `serve` on a free port with the database in `dir`. Unless `extra` points
// the crawler at the farm, every host goes to a closed loopback port, so an
// embedded job fails fast and nothing is looked up or fetched outside.
std::vector<std::string> ServeArgs(const TempDir& dir, std::vector<std::string> extra) {
  std::vector<std::string> args = {"serve", "--port", "0", "--db", dir.File("trawl.db")};
  if (std::find(extra.begin(), extra.end(), "--connect-to") == extra.end()) {
    args.insert(args.end(), {"--allow-private", "--connect-to",
                             "::127.0.0.1:" + std::to_string(FreeLoopbackPort())});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

int64_t JobCount(const TempDir& dir) {
  auto store = Store::Open(dir.File("trawl.db"));
  if (!store) {
    ADD_FAILURE() << store.error().message;
    return -1;
  }
  auto n = (*store)->CountJobs();
  return n ? *n : -1;
}

int64_t StreamLength(const std::string& redis_url, const std::string& key = "trawl:tasks") {
  auto config = ParseRedisUrl(redis_url);
  if (!config) return -1;
  RedisClient client(*config);
  auto reply = client.Command({"XLEN", key});
  return reply ? reply->AsInt(-1) : -1;
}

std::map<std::string, std::string> RedisHash(const std::string& redis_url, const std::string& key) {
  std::map<std::string, std::string> out;
  auto config = ParseRedisUrl(redis_url);
  if (!config) return out;
  RedisClient client(*config);
  auto reply = client.Command({"HGETALL", key});
  if (!reply) return out;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    out[reply->elements[i].AsString()] = reply->elements[i + 1].AsString();
  }
  return out;
}

// Polls the status until the job is completed or cancelled.

std::set<std::string> DomainsOf(const json& profiles) {
  std::set<std::string> out;
  for (const auto& p : profiles) out.insert(p.value("domain", ""));
  return out;
}

// ---- request parsing and the token check (no server) ------------------------

TEST(ApiParsing, SplitsTextOnSpacesCommasSemicolonsAndNewlines) {
  EXPECT_EQ(api::SplitDomainText(" a.com,b.com;c.com\nd.com\r\n\te.com,, ;"),
            (std::vector<std::string>{"a.com", "b.com", "c.com", "d.com", "e.com"}));
  EXPECT_TRUE(api::SplitDomainText(" ,;\n").empty());
}

TEST(ApiParsing, FoldsDuplicatesAfterNormalizationAndRejectsNonDomains) {
  api::DomainList list = api::NormalizeInputs({"Acme.test", "https://www.acme.test/about",
                                               "beta.test.", "not a domain", "co.uk", "beta.test"});
  EXPECT_EQ(list.domains, (std::vector<std::string>{"acme.test", "beta.test"}));
  EXPECT_EQ(list.duplicates, 2);
  ASSERT_EQ(list.rejected.size(), 2u);
  EXPECT_EQ(list.rejected[0].input, "not a domain");
  EXPECT_EQ(list.rejected[1].input, "co.uk");
  EXPECT_FALSE(list.rejected[1].reason.empty());
}

TEST(ApiParsing, JobRequestErrorsHaveTheirCodes) {
  struct Case {
    const char* body;
    const char* code;
  };
  const Case cases[] = {
      {"{", "bad_json"},
      {"", "bad_json"},
      {"[]", "bad_request"},
      {"{}", "bad_request"},
      {R"({"domains": 5})", "bad_request"},
      {R"({"domains": ["a.test", 7]})", "bad_request"},
      {R"({"domains": ["a.test"], "options": "x"})", "bad_request"},
      {R"({"domains": ["a.test"], "options": {"max_pages": 0}})", "bad_options"},
      {R"({"domains": ["a.test"], "options": {"nope": 1}})", "bad_options"},
      {R"({"domains": []})", "no_domains"},
      {R"({"domains": " , ;"})", "no_domains"},
      {R"({"domains": ["not a domain", "localhost"]})", "no_domains"},
      {R"({"domains": "a.test b.test c.test d.test"})", "too_many_domains"},
  };
  for (const Case& c : cases) {
    auto parsed = api::ParseJobRequest(c.body, 3);
    ASSERT_FALSE(parsed) << c.body;
    EXPECT_EQ(parsed.error().code, c.code) << c.body << ": " << parsed.error().message;
    EXPECT_EQ(parsed.error().status, 400) << c.body;
  }
  auto wrong_item = api::ParseJobRequest(R"({"domains": ["a.test", 7]})", 3);
  EXPECT_NE(wrong_item.error().message.find("domains[1]"), std::string::npos)
      << wrong_item.error().message;
  // Duplicates do not count against the limit.
  auto ok = api::ParseJobRequest(R"({"domains": "a.test A.test www.a.test b.test c.test"})", 3);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->domains.domains.size(), 3u);
  EXPECT_EQ(ok->domains.duplicates, 2);
}

TEST(ApiParsing, PagingAcceptsOnlyWholeNumbersInRange) {
  auto dflt = api::ParsePaging(std::nullopt, std::nullopt);
  ASSERT_TRUE(dflt);
  EXPECT_EQ(dflt->limit, 100);
  EXPECT_EQ(dflt->offset, 0);
  auto set = api::ParsePaging("0", "25");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->limit, 0);
  EXPECT_EQ(set->offset, 25);
  for (const char* bad : {"-1", "1001", "abc", "1.5", "", "10x"}) {
    EXPECT_FALSE(api::ParsePaging(std::string(bad), std::nullopt)) << "limit=" << bad;
  }
  for (const char* bad : {"-1", "x", ""}) {
    EXPECT_FALSE(api::ParsePaging(std::nullopt, std::string(bad))) << "offset=" << bad;
  }
}

TEST(ApiAuth, BearerMatchesOnlyTheExactToken) {
  EXPECT_TRUE(api::BearerMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(api::BearerMatches("bearer s3cret", "s3cret"));  // the scheme is case-insensitive
  EXPECT_FALSE(api::BearerMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(api::BearerMatches("Bearer s3crett", "s3cret"));
  EXPECT_FALSE(api::BearerMatches("Bearer S3cret", "s3cret"));
  EXPECT_FALSE(api::BearerMatches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(api::BearerMatches("s3cret", "s3cret"));
  EXPECT_FALSE(api::BearerMatches("", "s3cret"));
  EXPECT_FALSE(api::BearerMatches("Bearer ", ""));
}

// ---- the server without Redis ------------------------------------------------

TEST(ApiServe, HealthWithoutRedisIsOkAndSaysJobsRunEmbedded) {
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", ""}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call h = Get(client, "/api/health");
  ASSERT_EQ(h.status, 200) << h.raw;
  EXPECT_EQ(h.body["status"], "ok");
  EXPECT_EQ(h.body["mode"], "sequential");
  EXPECT_FALSE(h.body["version"].get<std::string>().empty());
  EXPECT_EQ(h.body["redis"]["configured"], false);
  EXPECT_EQ(h.body["redis"]["reachable"], false);
  EXPECT_EQ(h.body["database"]["backend"], "sqlite");
  EXPECT_EQ(h.body["database"]["reachable"], true);
  EXPECT_GE(h.body["database"]["schema_version"].get<int>(), 1);
  EXPECT_EQ(h.body["workers"], 0);
  Call w = Get(client, "/api/worker_stats");
  EXPECT_EQ(w.status, 503);
  EXPECT_EQ(ErrorCode(w), "redis_unavailable");
  EXPECT_EQ(server.Stop(SIGTERM), 0) << "SIGTERM is a clean stop:\n" << server.log();
}

TEST(ApiServe, BadRequestsAreRefusedWithJsonErrorsAndStoreNothing) {
  TempDir dir;
  ServeProcess server(
      ServeArgs(dir, {"--redis", "", "--max-job-domains", "3", "--max-body-mb", "1"}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  std::string huge = R"({"domains": [")" + std::string(1'500'000, 'a') + R"(.test"]})";
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"POST", "/api/process", "{not json", 400, "bad_json"},
      {"POST", "/api/process_redis", "{not json", 400, "bad_json"},
      {"POST", "/api/process", R"({"domains": 5})", 400, "bad_request"},
      {"POST", "/api/process", R"({"domains": [1, 2]})", 400, "bad_request"},
      {"POST", "/api/process", R"({"domains": ["a.test"], "options": []})", 400, "bad_request"},
      {"POST", "/api/process", R"({"options": {}})", 400, "bad_request"},
      {"POST", "/api/process", R"("a.test")", 400, "bad_request"},
      {"POST", "/api/process", R"({"domains": ["a.test"], "options": {"max_pages": 1000}})", 400,
       "bad_options"},
      {"POST", "/api/process", R"({"domains": ["a.test"], "options": {"colour": "red"}})", 400,
       "bad_options"},
      {"POST", "/api/process", R"({"domains": []})", 400, "no_domains"},
      {"POST", "/api/process_redis", R"({"domains": "not_a_domain! 127.0.0.1 com"})", 400,
       "no_domains"},
      {"POST", "/api/process", R"({"domains": "a.test b.test c.test d.test"})", 400,
       "too_many_domains"},
      {"POST", "/api/process", huge, 413, "body_too_large"},
      {"GET", "/api/status/0123456789abcdef", "", 404, "not_found"},
      {"POST", "/api/jobs/0123456789abcdef/cancel", "{}", 404, "not_found"},
      {"POST", "/api/jobs/0123456789abcdef/retry", "{}", 404, "not_found"},
      {"GET", "/api/status/0123456789abcdef?limit=5000", "", 400, "bad_request"},
      {"GET", "/api/nothing", "", 404, "not_found"},
      {"GET", "/no-such-page", "", 404, "not_found"},
      {"GET", "/api/process", "", 405, "method_not_allowed"},
      {"DELETE", "/api/status/abc", "", 405, "method_not_allowed"},
      {"PUT", "/api/health", "{}", 405, "method_not_allowed"},
  };
  for (const Case& c : cases) {
    Call call = Send(client, c.method, c.path, c.body);
    std::string what = c.method + " " + c.path + " " + c.body.substr(0, 80);
    EXPECT_EQ(call.status, c.status) << what << " → " << call.raw.substr(0, 300);
    EXPECT_EQ(ErrorCode(call), c.code) << what;
    EXPECT_TRUE(call.body.is_object() && call.body["error"]["message"].is_string()) << what;
    EXPECT_EQ(JobCount(dir), 0) << "a refused request stored a job: " << what;
  }
  EXPECT_EQ(Send(client, "GET", "/api/process").allow, "POST");
  // The server is still fine after all that.
  EXPECT_EQ(Get(client, "/api/health").status, 200);
}

TEST(ApiServe, BodiesAreReadAsJsonWhateverTheContentType) {
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", ""}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  // What `curl -d @file` sends: form-urlencoded, here well over httplib's
  // 8 KB limit for form bodies.
  json domains = json::array();
  for (int i = 0; i < 2000; ++i) domains.push_back("site-" + std::to_string(i) + ".test");
  std::string body = json{{"domains", domains}}.dump();
  ASSERT_GT(body.size(), 20'000u);
  auto form = client.Post("/api/process", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_EQ(form->status, 202) << form->body.substr(0, 300);
  json job = json::parse(form->body, nullptr, false);
  EXPECT_EQ(job["total"], 2000);
  EXPECT_EQ(Post(client, "/api/jobs/" + job.value("job_id", "") + "/cancel", "").status, 200);
  auto multipart =
      client.Post("/api/process", "--x\r\n\r\n--x--\r\n", "multipart/form-data; boundary=x");
  ASSERT_TRUE(multipart) << multipart.error().message;
  EXPECT_EQ(multipart->status, 415);
  EXPECT_EQ(JobCount(dir), 1);
}

TEST(ApiServe, EmbeddedJobFromMixedSeparatorsCompletesAgainstTheFarmWithPagedProfiles) {
  FarmProcess farm({"--bulk", "5"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::vector<std::string> args = {"--redis", ""};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  json request = {{"domains",
                   "bulk-0.test, bulk-1.test\nbulk-2.test;bulk-3.test  BULK-0.test\r\n"
                   "https://www.bulk-1.test/contact bulk-4.test not_a_domain!"},
                  {"options", {{"auto_approve", true}}}};
  Call submit = Post(client, "/api/process", request.dump());
  ASSERT_EQ(submit.status, 202) << submit.raw;
  EXPECT_EQ(submit.body["mode"], "sequential");
  EXPECT_EQ(submit.body["status"], "pending");
  EXPECT_EQ(submit.body["total"], 5);
  EXPECT_EQ(submit.body["duplicates"], 2);
  ASSERT_EQ(submit.body["rejected"].size(), 1u);
  EXPECT_EQ(submit.body["rejected"][0]["input"], "not_a_domain!");
  EXPECT_FALSE(submit.body.contains("fallback_reason"));
  std::string id = submit.body["job_id"];
  EXPECT_EQ(submit.body["status_url"], "/api/status/" + id);

  json done = WaitForJob(client, id);
  EXPECT_EQ(done["status"], "completed");
  EXPECT_EQ(done["completed"], 5) << done.dump();
  EXPECT_EQ(done["failed"], 0);
  EXPECT_TRUE(done["started_at"].is_string());
  EXPECT_TRUE(done["finished_at"].is_string());
  EXPECT_TRUE(done["created_at"].is_string());
  EXPECT_GT(done["domains_per_minute"].get<double>(), 0);
  EXPECT_EQ(done["approved_total"], 5);

  Call all = Get(client, "/api/status/" + id);
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.body["approved_data"].size(), 5u);
  std::vector<std::string> order;
  for (const auto& p : all.body["approved_data"]) {
    order.push_back(p["domain"]);
    EXPECT_EQ(p["status"], "ok") << p.dump();
    EXPECT_FALSE(p["emails"].empty()) << p.dump();
  }
  EXPECT_EQ(order, (std::vector<std::string>{"bulk-0.test", "bulk-1.test", "bulk-2.test",
                                             "bulk-3.test", "bulk-4.test"}));
  Call page = Get(client, "/api/status/" + id + "?limit=2&offset=1");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["limit"], 2);
  EXPECT_EQ(page.body["offset"], 1);
  ASSERT_EQ(page.body["approved_data"].size(), 2u);
  EXPECT_EQ(page.body["approved_data"][0]["domain"], "bulk-1.test");
  EXPECT_EQ(page.body["approved_data"][1]["domain"], "bulk-2.test");
  EXPECT_EQ(page.body["approved_total"], 5);
  Call tail = Get(client, "/api/status/" + id + "?limit=10&offset=4");
  ASSERT_EQ(tail.body["approved_data"].size(), 1u);
  EXPECT_EQ(tail.body["approved_data"][0]["domain"], "bulk-4.test");
  EXPECT_TRUE(Get(client, "/api/status/" + id + "?offset=99").body["approved_data"].empty());
  EXPECT_EQ(Get(client, "/api/status/" + id + "?limit=-1").status, 400);
  EXPECT_EQ(Get(client, "/api/status/" + id + "?offset=x").status, 400);
}

TEST(ApiServe, EmbeddedProfilesWaitForApprovalByDefault) {
  FarmProcess farm({"--bulk", "2"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::vector<std::string> args = {"--redis", ""};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call submit = Post(client, "/api/process", R"({"domains": ["bulk-0.test", "bulk-1.test"]})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  json done = WaitForJob(client, submit.body["job_id"]);
  EXPECT_EQ(done["completed"], 2);
  EXPECT_EQ(done["approved_total"], 0);
  EXPECT_EQ(done["pending_approval"], 2);
}

TEST(ApiServe, ProcessRedisWithoutRedisConfiguredRunsEmbedded) {
  FarmProcess farm({"--bulk", "3"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::vector<std::string> args = {"--redis", ""};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call submit = Post(
      client, "/api/process_redis",
      R"({"domains": ["bulk-0.test", "bulk-1.test", "bulk-2.test"], "options": {"auto_approve": true}})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  EXPECT_EQ(submit.body["mode"], "sequential");
  EXPECT_EQ(submit.body["fallback_reason"], "redis not configured");
  json done = WaitForJob(client, submit.body["job_id"]);
  EXPECT_EQ(done["status"], "completed");
  EXPECT_EQ(done["completed"], 3);
  EXPECT_EQ(done["mode"], "sequential");
  EXPECT_EQ(done["fallback_reason"], "redis not configured");
}

TEST(ApiServe, ProcessRedisWithRedisDownRunsEmbeddedAndHealthIsDegraded) {
  FarmProcess farm({"--bulk", "2"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  int nobody = FreeLoopbackPort();
  std::vector<std::string> args = {"--redis", "redis://127.0.0.1:" + std::to_string(nobody) + "/0"};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call h = Get(client, "/api/health");
  ASSERT_EQ(h.status, 200) << h.raw;  // degraded, not down: jobs still run
  EXPECT_EQ(h.body["status"], "degraded");
  EXPECT_EQ(h.body["redis"]["configured"], true);
  EXPECT_EQ(h.body["redis"]["reachable"], false);
  EXPECT_EQ(ErrorCode(Get(client, "/api/worker_stats")), "redis_unavailable");

  Call submit = Post(client, "/api/process_redis", R"({"domains": "bulk-0.test bulk-1.test"})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  EXPECT_EQ(submit.body["mode"], "sequential");
  EXPECT_TRUE(submit.body["fallback_reason"].get<std::string>().starts_with("redis unreachable"))
      << submit.raw;
  json done = WaitForJob(client, submit.body["job_id"]);
  EXPECT_EQ(done["status"], "completed");
  EXPECT_EQ(done["completed"], 2);
}

TEST(ApiServe, RetryReopensTheFailedDomainsOfAnEmbeddedJob) {
  FarmProcess farm({"--bulk", "1"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::vector<std::string> args = {"--redis", ""};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  // The farm answers an unknown host with 404: that domain fails.
  Call submit =
      Post(client, "/api/process", R"({"domains": ["bulk-0.test", "unknown-host.test"]})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  std::string id = submit.body["job_id"];
  json first = WaitForJob(client, id);
  ASSERT_EQ(first["completed"], 1) << first.dump();
  ASSERT_EQ(first["failed"], 1);

  Call retry = Post(client, "/api/jobs/" + id + "/retry", "{}");
  ASSERT_EQ(retry.status, 200) << retry.raw;
  EXPECT_EQ(retry.body["retried"], 1);
  EXPECT_EQ(retry.body["status"], "processing");
  json second = WaitForJob(client, id);
  EXPECT_EQ(second["status"], "completed");
  EXPECT_EQ(second["completed"], 1);
  EXPECT_EQ(second["failed"], 1);
  EXPECT_EQ(second["total"], 2);
  // A finished job cannot be cancelled.
  Call cancel = Post(client, "/api/jobs/" + id + "/cancel", "{}");
  EXPECT_EQ(cancel.status, 409) << cancel.raw;
  EXPECT_EQ(ErrorCode(cancel), "job_finished");
}

TEST(ApiServe, CancelledEmbeddedJobStaysCancelled) {
  FarmProcess farm({"--bulk", "6", "--latency-ms", "300"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::vector<std::string> args = {"--redis", "", "--concurrency", "1"};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call submit = Post(
      client, "/api/process",
      R"({"domains": "bulk-0.test bulk-1.test bulk-2.test bulk-3.test bulk-4.test bulk-5.test"})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  std::string id = submit.body["job_id"];
  Call cancel = Post(client, "/api/jobs/" + id + "/cancel", "");
  ASSERT_EQ(cancel.status, 200) << cancel.raw;
  EXPECT_EQ(cancel.body["status"], "cancelled");
  EXPECT_EQ(cancel.body["changed"], true);
  Call again = Post(client, "/api/jobs/" + id + "/cancel", "");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body["changed"], false);
  Call retry = Post(client, "/api/jobs/" + id + "/retry", "");
  EXPECT_EQ(retry.status, 409);
  EXPECT_EQ(ErrorCode(retry), "job_cancelled");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Call status = Get(client, "/api/status/" + id);
  EXPECT_EQ(status.body["status"], "cancelled");
  EXPECT_TRUE(status.body["finished_at"].is_string());
}

TEST(ApiServe, KilledServerResumesItsEmbeddedJobAndStoresEveryDomainOnce) {
  constexpr int kDomains = 12;
  FarmProcess farm({"--bulk", std::to_string(kDomains), "--latency-ms", "250"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::vector<std::string> args = {"--redis", "", "--concurrency", "1"};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  json domains = json::array();
  std::set<std::string> want;
  for (int i = 0; i < kDomains; ++i) {
    domains.push_back("bulk-" + std::to_string(i) + ".test");
    want.insert(domains.back());
  }
  std::string id;
  {
    ApiClient client(server.url(), "");
    Call submit = Post(client, "/api/process",
                       json{{"domains", domains}, {"options", {{"auto_approve", true}}}}.dump());
    ASSERT_EQ(submit.status, 202) << submit.raw;
    id = submit.body["job_id"];
    // Wait until the job is under way, then kill the server in the middle.
    auto deadline = Clock::now() + std::chrono::seconds(120);
    int64_t done = 0;
    while (Clock::now() < deadline) {
      Call s = Get(client, "/api/status/" + id + "?limit=0");
      done = s.body.value("completed", 0) + s.body.value("failed", 0);
      if (done >= 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_GE(done, 2);
    ASSERT_LT(done, kDomains) << "the job finished before the kill; the test proves nothing";
  }
  EXPECT_EQ(server.Stop(SIGKILL), -SIGKILL);
  ASSERT_TRUE(server.Start()) << server.log();
  ApiClient client(server.url(), "");
  json final_status = WaitForJob(client, id, 240);
  EXPECT_EQ(final_status["status"], "completed");
  EXPECT_EQ(final_status["total"], kDomains);
  EXPECT_EQ(final_status.value("completed", 0) + final_status.value("failed", 0), kDomains);
  EXPECT_EQ(final_status["completed"], kDomains);
  Call all = Get(client, "/api/status/" + id + "?limit=1000");
  EXPECT_EQ(all.body["approved_total"], kDomains);
  ASSERT_EQ(all.body["approved_data"].size(), static_cast<size_t>(kDomains));
  EXPECT_EQ(DomainsOf(all.body["approved_data"]), want);
}

TEST(ApiServe, TokenIsRequiredOnApiPathsWhenSet) {
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", "", "--token", "t0ken-123"}));
  ASSERT_SERVING(server);
  ApiClient none(server.url(), "");
  ApiClient wrong(server.url(), "t0ken-124");
  ApiClient right(server.url(), "t0ken-123");
  for (ApiClient* c : {&none, &wrong}) {
    Call h = Get(*c, "/api/health");
    EXPECT_EQ(h.status, 401) << h.raw;
    EXPECT_EQ(ErrorCode(h), "unauthorized");
    Call p = Post(*c, "/api/process", R"({"domains": ["a.test"]})");
    EXPECT_EQ(p.status, 401);
  }
  EXPECT_EQ(JobCount(dir), 0);
  EXPECT_EQ(Get(right, "/api/health").status, 200);
  Call p = Post(right, "/api/process", R"({"domains": ["a.test"]})");
  EXPECT_EQ(p.status, 202) << p.raw;
  EXPECT_EQ(JobCount(dir), 1);
}

TEST(ApiServe, NonLoopbackHostWithoutTokenIsRefusedAtStart) {
  TempDir dir;
  // 192.0.2.1 (TEST-NET-1) is no address of this machine: even a server that
  // skipped the check could not listen there.
  ProcessResult r = RunProcess({TrawlBinary(), "serve", "--host", "192.0.2.1", "--port", "0",
                                "--redis", "", "--db", dir.File("trawl.db")},
                               20'000);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("without a token"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("listening on"), std::string::npos) << r.err;
}

// ---- the command-line client ---------------------------------------------------

TEST(ApiCli, SubmitWaitsForTheJobAndStatusPrintsIt) {
  FarmProcess farm({"--bulk", "2"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::vector<std::string> args = {"--redis", "", "--token", "cli-token"};
  for (auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(ServeArgs(dir, args));
  ASSERT_SERVING(server);
  ProcessResult submit = RunProcess(
      {TrawlBinary(), "submit", "--server", server.url(), "--token", "cli-token", "--embedded",
       "--wait", "--option", "auto_approve=true", "bulk-0.test", "bulk-1.test", "bulk-1.test"},
      120'000);
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  std::string id = submit.out.substr(0, submit.out.find('\n'));
  ASSERT_EQ(id.size(), 16u) << submit.out;
  ProcessResult status = RunProcess(
      {TrawlBinary(), "status", id, "--server", server.url(), "--token", "cli-token"}, 30'000);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  json body = json::parse(status.out, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << status.out;
  EXPECT_EQ(body["status"], "completed");
  EXPECT_EQ(body["total"], 2);
  EXPECT_EQ(body["approved_data"].size(), 2u);
  ProcessResult missing = RunProcess({TrawlBinary(), "status", "0000000000000000", "--server",
                                      server.url(), "--token", "cli-token"},
                                     30'000);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("not_found"), std::string::npos) << missing.err;
  ProcessResult unauthorized =
      RunProcess({TrawlBinary(), "submit", "--server", server.url(), "a.test"}, 30'000);
  EXPECT_EQ(unauthorized.exit_code, 1);
  EXPECT_NE(unauthorized.err.find("unauthorized"), std::string::npos) << unauthorized.err;
}

// ---- with a real redis-server ---------------------------------------------------

class ApiRedis : public ::testing::Test {
 protected:
  void SetUp() override { TRAWL_REQUIRE_REDIS(); }
};

TEST_F(ApiRedis, ProcessRedisPutsTheJobInRedis) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", redis.url()}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  Call h = Get(client, "/api/health");
  ASSERT_EQ(h.status, 200) << h.raw;
  EXPECT_EQ(h.body["status"], "ok");
  EXPECT_EQ(h.body["mode"], "redis_parallel");
  EXPECT_EQ(h.body["redis"]["reachable"], true);
  EXPECT_TRUE(h.body["redis"]["latency_ms"].is_number());
  EXPECT_TRUE(h.body["redis"]["warnings"].empty()) << h.raw;  // noeviction, append-only
  EXPECT_EQ(h.body["queue"]["depth"], 0);
  EXPECT_EQ(h.body["workers"], 0);

  Call submit = Post(
      client, "/api/process_redis",
      R"({"domains": "alpha.test beta.test,gamma.test ALPHA.test", "options": {"max_pages": 3}})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  EXPECT_EQ(submit.body["mode"], "redis_parallel");
  EXPECT_EQ(submit.body["total"], 3);
  EXPECT_EQ(submit.body["duplicates"], 1);
  EXPECT_FALSE(submit.body.contains("fallback_reason"));
  std::string id = submit.body["job_id"];
  EXPECT_EQ(StreamLength(redis.url()), 3);
  auto hash = RedisHash(redis.url(), "trawl:job:" + id);
  EXPECT_EQ(hash["total"], "3");
  EXPECT_EQ(hash["mode"], "redis_parallel");
  EXPECT_EQ(hash["status"], "pending");
  EXPECT_EQ(JobCount(dir), 1);

  Call status = Get(client, "/api/status/" + id);
  ASSERT_EQ(status.status, 200) << status.raw;
  EXPECT_EQ(status.body["counters_from"], "redis");
  EXPECT_EQ(status.body["status"], "pending");
  EXPECT_EQ(status.body["total"], 3);
  EXPECT_EQ(status.body["completed"], 0);
  EXPECT_TRUE(status.body["started_at"].is_null());
  EXPECT_TRUE(status.body["approved_data"].empty());

  h = Get(client, "/api/health");
  EXPECT_EQ(h.body["queue"]["depth"], 3) << h.raw;

  Call stats = Get(client, "/api/worker_stats");
  ASSERT_EQ(stats.status, 200) << stats.raw;
  EXPECT_TRUE(stats.body["workers"].empty());
  EXPECT_EQ(stats.body["totals"]["workers"], 0);
  EXPECT_TRUE(stats.body["averages"].contains("cpu_percent"));

  // An embedded job beside it does not touch Redis.
  Call embedded = Post(client, "/api/process", R"({"domains": ["delta.test"]})");
  ASSERT_EQ(embedded.status, 202);
  EXPECT_EQ(embedded.body["mode"], "sequential");
  EXPECT_EQ(StreamLength(redis.url()), 3);
}

TEST_F(ApiRedis, RefusedRequestsQueueNothing) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server(
      ServeArgs(dir, {"--redis", redis.url(), "--max-job-domains", "2", "--max-body-mb", "1"}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  const std::vector<std::string> bodies = {
      "nope",
      R"({"domains": {"a": 1}})",
      R"({"domains": ["a.test", null]})",
      R"({"domains": ["a.test"], "options": {"max_attempts": 99}})",
      R"({"domains": "# ; ,"})",
      R"({"domains": "a.test b.test c.test"})",
      R"({"domains": [")" + std::string(1'200'000, 'x') + R"("]})",
  };
  for (const std::string& body : bodies) {
    Call call = Post(client, "/api/process_redis", body);
    EXPECT_GE(call.status, 400) << body.substr(0, 80);
    EXPECT_LT(call.status, 500) << body.substr(0, 80);
    EXPECT_EQ(StreamLength(redis.url()), 0) << body.substr(0, 80);
    EXPECT_EQ(JobCount(dir), 0) << body.substr(0, 80);
  }
  auto config = ParseRedisUrl(redis.url());
  RedisClient raw(*config);
  auto jobs = raw.Command({"ZCARD", "trawl:jobs"});
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->AsInt(-1), 0);
}

TEST_F(ApiRedis, CancelMarksAParallelJobCancelledInRedisAndTheStore) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", redis.url()}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call submit = Post(client, "/api/process_redis", R"({"domains": ["one.test", "two.test"]})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  std::string id = submit.body["job_id"];
  Call cancel = Post(client, "/api/jobs/" + id + "/cancel", "");
  ASSERT_EQ(cancel.status, 200) << cancel.raw;
  EXPECT_EQ(cancel.body["status"], "cancelled");
  EXPECT_FALSE(cancel.body.contains("warning")) << cancel.raw;
  EXPECT_EQ(RedisHash(redis.url(), "trawl:job:" + id)["status"], "cancelled");
  auto store = Store::Open(dir.File("trawl.db"));
  ASSERT_TRUE(store);
  auto job = (*store)->GetJob(id);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->status, "cancelled");
  EXPECT_EQ(Get(client, "/api/status/" + id).body["status"], "cancelled");
  // Nothing failed, so a retry of a live parallel job reopens nothing.
  Call submit2 = Post(client, "/api/process_redis", R"({"domains": ["three.test"]})");
  Call retry =
      Post(client, "/api/jobs/" + submit2.body["job_id"].get<std::string>() + "/retry", "");
  EXPECT_EQ(retry.status, 200) << retry.raw;
  EXPECT_EQ(retry.body["retried"], 0);
}

TEST_F(ApiRedis, HealthWarnsWhenRedisMayDropQueuedWork) {
  RedisServer redis(
      RedisServerOptions{.appendonly = false, .password = "", .maxmemory_policy = "allkeys-lru"});
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", redis.url()}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call h = Get(client, "/api/health");
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.body["redis"]["warnings"].size(), 2u) << h.raw;
}

TEST_F(ApiRedis, PasswordIsNeverShownAndJobsStillQueue) {
  RedisServer redis(RedisServerOptions{
      .appendonly = true, .password = "pa55word", .maxmemory_policy = "noeviction"});
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", redis.url()}));
  ASSERT_SERVING(server);
  EXPECT_EQ(server.log().find("pa55word"), std::string::npos) << server.log();
  ApiClient client(server.url(), "");
  Call h = Get(client, "/api/health");
  EXPECT_EQ(h.body["redis"]["reachable"], true) << h.raw;
  EXPECT_EQ(h.raw.find("pa55word"), std::string::npos) << h.raw;
  Call submit = Post(client, "/api/process_redis", R"({"domains": ["one.test"]})");
  EXPECT_EQ(submit.body["mode"], "redis_parallel") << submit.raw;
  EXPECT_EQ(StreamLength(redis.url()), 1);
}

TEST_F(ApiRedis, RedisGoingAwayFallsBackToEmbeddedAndComingBackIsNoticed) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server(ServeArgs(dir, {"--redis", redis.url()}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  ASSERT_EQ(Post(client, "/api/process_redis", R"({"domains": ["one.test"]})").body["mode"],
            "redis_parallel");
  redis.Kill();
  Call down = Post(client, "/api/process_redis", R"({"domains": ["two.test"]})");
  ASSERT_EQ(down.status, 202) << down.raw;
  EXPECT_EQ(down.body["mode"], "sequential");
  EXPECT_TRUE(down.body["fallback_reason"].get<std::string>().starts_with("redis unreachable"))
      << down.raw;
  Call h = Get(client, "/api/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body["status"], "degraded");
  EXPECT_EQ(Get(client, "/api/worker_stats").status, 503);
  ASSERT_TRUE(redis.Start());
  Call up = Post(client, "/api/process_redis", R"({"domains": ["three.test"]})");
  EXPECT_EQ(up.body["mode"], "redis_parallel") << up.raw;
  EXPECT_EQ(Get(client, "/api/health").body["status"], "ok");
}

// ---- trawl up ------------------------------------------------------------------

TEST(ApiUp, StartsRedisServesAndStopsWhatItStarted) {
  TRAWL_REQUIRE_REDIS();
  TempDir dir;
  int redis_port = FreeLoopbackPort();
  std::string redis_url = "redis://127.0.0.1:" + std::to_string(redis_port) + "/0";
  ServeProcess up({"up", "--workers", "0", "--port", "0", "--redis", redis_url, "--data-dir",
                   dir.File("data")});
  ASSERT_SERVING(up);
  EXPECT_NE(up.log().find("started redis-server"), std::string::npos) << up.log();
  ApiClient client(up.url(), "");
  Call h = Get(client, "/api/health");
  EXPECT_EQ(h.body["redis"]["reachable"], true) << h.raw;
  EXPECT_TRUE(h.body["redis"]["warnings"].empty()) << h.raw;
  Call submit = Post(client, "/api/process_redis", R"({"domains": ["one.test"]})");
  EXPECT_EQ(submit.body["mode"], "redis_parallel") << submit.raw;
  EXPECT_EQ(StreamLength(redis_url), 1);
  EXPECT_EQ(up.Stop(SIGINT, 30'000), 0) << up.log();
  RedisConfig config = *ParseRedisUrl(redis_url);
  config.connect_timeout_ms = 500;
  RedisClient after(config);
  EXPECT_FALSE(after.Ping()) << "the redis-server trawl up started is still running";
  EXPECT_TRUE(std::filesystem::exists(dir.File("data") + "/trawl.db"));
}

}  // namespace
}  // namespace trawl::testing
