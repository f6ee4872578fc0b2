// Completion webhooks (options.webhook_url, docs/api.md "Webhooks") as a
// black box: the real `trawl serve` with --webhook-secret, and a receiver in
// this process (cpp-httplib on a free loopback port) that records what
// arrives and answers with the statuses a test scripts. The signature is
// recomputed here with OpenSSL, not with trawl's code.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
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

namespace trawl::testing {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "webhook-test-secret";

// One request the receiver got.
struct Hit {
  std::string method;
  std::string path;
  std::string body;
  httplib::Headers headers;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);  // httplib compares names case-insensitively
    return it == headers.end() ? "" : it->second;
  }
};

// A webhook receiver on 127.0.0.1: POST /hook is answered with the scripted
// statuses in turn (the last one ever after). Stopped on destruction.
class Receiver {
 public:
  explicit Receiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      hits_.push_back({req.method, req.path, req.body, req.headers});
      size_t i = std::min(hits_.size() - 1, statuses_.size() - 1);
      res.status = statuses_[i];
      res.set_content("{}", "application/json");
      cv_.notify_all();
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~Receiver() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  bool ok() const { return port_ > 0 && server_.is_running(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

  // Every request so far, once at least `n` arrived or `timeout_s` passed.
  std::vector<Hit> WaitForHits(size_t n, int timeout_s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(timeout_s), [&] { return hits_.size() >= n; });
    return hits_;
  }
  std::vector<Hit> Hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }
  void SetStatuses(std::vector<int> statuses) {
    std::lock_guard lock(mu_);
    statuses_ = std::move(statuses);
    hits_.clear();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> statuses_;
  std::vector<Hit> hits_;
};

// "sha256=<hex>", computed with OpenSSL directly.
std::string ExpectedSignature(const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::string(kSecret).size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  std::string hex;
  char digits[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(digits, sizeof digits, "%02x", mac[i]);
    hex += digits;
  }
  return "sha256=" + hex;
}

std::vector<std::string> With(std::vector<std::string> args, std::vector<std::string> more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string JobWithWebhook(ApiClient& client, const std::vector<std::string>& domains,
                           const std::string& webhook_url,
                           const std::string& path = "/api/process") {
  Call submit = Post(
      client, path, json{{"domains", domains}, {"options", {{"webhook_url", webhook_url}}}}.dump());
  EXPECT_EQ(submit.status, 202) << submit.raw;
  return submit.body.value("job_id", "");
}

// Polls the job's status until its webhook is in `state`; the last status.
json WaitForWebhook(ApiClient& client, const std::string& id, const std::string& state,
                    int timeout_s = 60) {
  json last;
  bool reached = WaitFor(
      [&] {
        Call s = Get(client, "/api/status/" + id + "?limit=0");
        if (s.status != 200) return false;
        last = s.body;
        return last["webhook"].is_object() && last["webhook"]["status"] == state;
      },
      timeout_s * 1000);
  EXPECT_TRUE(reached) << "webhook of job " << id << " never became " << state << ": "
                       << last.dump();
  return last;
}

// What every delivery carries, whatever the job.
void ExpectSignedDelivery(const Hit& hit) {
  EXPECT_EQ(hit.method, "POST");
  EXPECT_EQ(hit.path, "/hook");
  EXPECT_TRUE(hit.Header("Content-Type").starts_with("application/json"))
      << hit.Header("Content-Type");
  EXPECT_TRUE(hit.Header("User-Agent").starts_with("trawl/")) << hit.Header("User-Agent");
  EXPECT_EQ(hit.Header("X-Trawl-Event"), "job.finished");
  EXPECT_GE(hit.Header("X-Trawl-Delivery").size(), 16u);
  EXPECT_EQ(hit.Header("X-Trawl-Signature"), ExpectedSignature(hit.body));
  // Unix seconds, about now (a sanity bound of a day, not a timing check).
  int64_t stamp = std::atoll(hit.Header("X-Trawl-Timestamp").c_str());
  EXPECT_LT(std::llabs(stamp - static_cast<int64_t>(std::time(nullptr))), 86'400)
      << hit.Header("X-Trawl-Timestamp");
}

TEST(ApiWebhook, ACompletedJobPostsOneSignedAnnouncement) {
  FarmProcess farm({"--bulk", "3"});
  ASSERT_GT(farm.port(), 0);
  Receiver receiver({200});
  ASSERT_TRUE(receiver.ok());
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir, With(FarmFlags(farm), {"--webhook-secret", kSecret})));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  std::string id = JobWithWebhook(client, BulkDomains(0, 3), receiver.url());
  ASSERT_FALSE(id.empty());
  json done = WaitForJob(client, id);
  ASSERT_EQ(done["status"], "completed") << done.dump();

  std::vector<Hit> hits = receiver.WaitForHits(1, 60);
  ASSERT_EQ(hits.size(), 1u) << server.log();
  ExpectSignedDelivery(hits[0]);
  json body = json::parse(hits[0].body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << hits[0].body;
  EXPECT_EQ(body["event"], "job.finished");
  EXPECT_EQ(body["job_id"], id);
  EXPECT_EQ(body["status"], "completed");
  EXPECT_EQ(body["mode"], "sequential");
  EXPECT_EQ(body["total"], 3);
  EXPECT_EQ(body["completed"], done["completed"]);
  EXPECT_EQ(body["failed"], done["failed"]);
  EXPECT_EQ(body["completed"].get<int>() + body["failed"].get<int>(), 3);
  EXPECT_EQ(body["created_at"], done["created_at"]);
  EXPECT_EQ(body["finished_at"], done["finished_at"]);
  EXPECT_EQ(body["results_url"], "/api/jobs/" + id + "/results");

  json status = WaitForWebhook(client, id, "delivered");
  json webhook = status["webhook"];
  EXPECT_EQ(webhook["url"], receiver.url());
  EXPECT_EQ(webhook["attempts"], 1);
  EXPECT_TRUE(webhook["last_error"].is_null()) << webhook.dump();
  EXPECT_TRUE(webhook["delivered_at"].is_string()) << webhook.dump();
  // The jobs list shows the same block.
  Call list = Get(client, "/api/jobs");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body["jobs"][0]["webhook"], webhook);

  // Delivered once: a few more polls of the sender bring nothing.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(receiver.Hits().size(), 1u);
  EXPECT_NE(server.log().find("delivered (HTTP 200"), std::string::npos) << server.log();
}

TEST(ApiWebhook, ServerErrorsAreRetriedUntilDelivered) {
  Receiver receiver({500, 503, 200});
  ASSERT_TRUE(receiver.ok());
  TempDir dir;
  // Domains fail fast against a closed port; the job still completes.
  ServeProcess server(EmbeddedServeArgs(
      dir, {"--allow-private", "--connect-to", "::127.0.0.1:" + std::to_string(FreeLoopbackPort()),
            "--webhook-secret", kSecret}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  std::string id = JobWithWebhook(client, {"retry-a.test", "retry-b.test"}, receiver.url());
  ASSERT_FALSE(id.empty());
  json status = WaitForWebhook(client, id, "delivered", 90);
  EXPECT_EQ(status["webhook"]["attempts"], 3) << status.dump();
  EXPECT_EQ(status["failed"], 2);

  std::vector<Hit> hits = receiver.Hits();
  ASSERT_EQ(hits.size(), 3u) << server.log();
  std::set<std::string> deliveries;
  for (const Hit& hit : hits) {
    ExpectSignedDelivery(hit);
    EXPECT_EQ(hit.body, hits[0].body) << "every attempt announces the same completion";
    deliveries.insert(hit.Header("X-Trawl-Delivery"));
  }
  EXPECT_EQ(deliveries.size(), 3u) << "each attempt has its own delivery id";
  EXPECT_NE(server.log().find("HTTP 500; next attempt in"), std::string::npos) << server.log();
}

TEST(ApiWebhook, AClientErrorFailsAtOnce) {
  Receiver receiver({410});
  ASSERT_TRUE(receiver.ok());
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(
      dir, {"--allow-private", "--connect-to", "::127.0.0.1:" + std::to_string(FreeLoopbackPort()),
            "--webhook-secret", kSecret}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  std::string id = JobWithWebhook(client, {"gone.test"}, receiver.url());
  json status = WaitForWebhook(client, id, "failed");
  EXPECT_EQ(status["webhook"]["attempts"], 1);
  EXPECT_NE(status["webhook"]["last_error"].dump().find("410"), std::string::npos) << status.dump();
  EXPECT_TRUE(status["webhook"]["delivered_at"].is_null());
  // Longer than the first backoff: no second attempt comes.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(receiver.Hits().size(), 1u);
}

TEST(ApiWebhook, TheAddressGuardRefusesLoopbackWithoutAllowPrivate) {
  Receiver receiver({200});
  ASSERT_TRUE(receiver.ok());
  TempDir dir;
  // No --allow-private: the crawl of the domain is refused too (the
  // connect-to target is loopback), so the job ends quickly.
  ServeProcess server(
      EmbeddedServeArgs(dir, {"--connect-to", "::127.0.0.1:" + std::to_string(FreeLoopbackPort()),
                              "--webhook-secret", kSecret}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  std::string id = JobWithWebhook(client, {"guarded.test"}, receiver.url());
  json status = WaitForWebhook(client, id, "failed");
  std::string error = status["webhook"]["last_error"].is_string()
                          ? status["webhook"]["last_error"].get<std::string>()
                          : status.dump();
  EXPECT_NE(error.find("blocked_address"), std::string::npos) << error;
  EXPECT_NE(error.find("127.0.0.1 (loopback)"), std::string::npos) << error;
  EXPECT_EQ(status["webhook"]["attempts"], 1);
  EXPECT_TRUE(receiver.Hits().empty()) << "the guard let a request through";
}

TEST(ApiWebhook, WebhookUrlNeedsTheServersSecretAndAnHttpUrl) {
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  Call refused =
      Post(client, "/api/process",
           json{{"domains", {"a.test"}}, {"options", {{"webhook_url", "http://127.0.0.1:9/hook"}}}}
               .dump());
  EXPECT_EQ(refused.status, 400) << refused.raw;
  EXPECT_EQ(ErrorCode(refused), "bad_request");
  EXPECT_NE(ErrorMessage(refused).find("--webhook-secret"), std::string::npos) << refused.raw;
  Call jobs = Get(client, "/api/jobs");
  EXPECT_EQ(jobs.body["total"], 0) << "a refused job is not stored";

  for (const char* bad : {"ftp://example.com/hook", "not a url", "http://"}) {
    Call c = Post(client, "/api/process",
                  json{{"domains", {"a.test"}}, {"options", {{"webhook_url", bad}}}}.dump());
    EXPECT_EQ(c.status, 400) << bad << " → " << c.raw;
    EXPECT_EQ(ErrorCode(c), "bad_options") << bad;
  }

  // A job without a webhook shows "webhook": null.
  Call plain = Post(client, "/api/process", json{{"domains", {"plain.test"}}}.dump());
  ASSERT_EQ(plain.status, 202) << plain.raw;
  Call status = Get(client, "/api/status/" + plain.body["job_id"].get<std::string>());
  ASSERT_EQ(status.status, 200);
  ASSERT_TRUE(status.body.contains("webhook")) << status.raw;
  EXPECT_TRUE(status.body["webhook"].is_null()) << status.raw;
}

TEST(ApiWebhook, APendingWebhookSurvivesARestartAndARetriedJobIsAnnouncedAgain) {
  Receiver receiver({500});
  ASSERT_TRUE(receiver.ok());
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(
      dir, {"--allow-private", "--connect-to", "::127.0.0.1:" + std::to_string(FreeLoopbackPort()),
            "--webhook-secret", kSecret, "--webhook-attempts", "20"}));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  std::string id = JobWithWebhook(client, {"restart.test"}, receiver.url());
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(receiver.WaitForHits(1, 60).size(), 1u) << server.log();
  json status = WaitForWebhook(client, id, "pending");
  ASSERT_TRUE(WaitFor(
      [&] {
        status = Get(client, "/api/status/" + id + "?limit=0").body;
        return status["webhook"]["attempts"] >= 1;
      },
      30'000))
      << status.dump();
  EXPECT_EQ(status["webhook"]["last_error"], "HTTP 500");

  // Down with the webhook pending; up again, the receiver now well.
  ASSERT_EQ(server.Stop(SIGTERM), 0) << server.log();
  receiver.SetStatuses({200});
  ASSERT_TRUE(server.Start()) << server.log();
  ApiClient again(server.url(), "");
  // Due after its backoff, or after the claim of a POST cut short by the
  // stop runs out (30 s).
  status = WaitForWebhook(again, id, "delivered", 150);
  EXPECT_GE(status["webhook"]["attempts"], 2);
  std::vector<Hit> hits = receiver.Hits();
  ASSERT_GE(hits.size(), 1u);
  json first = json::parse(hits.back().body, nullptr, false);
  ExpectSignedDelivery(hits.back());

  // Retrying the failed domain reopens the job; its next completion is
  // announced afresh.
  receiver.SetStatuses({200});
  Call retry = Post(again, "/api/jobs/" + id + "/retry", "");
  ASSERT_EQ(retry.status, 200) << retry.raw;
  ASSERT_EQ(retry.body["retried"], 1) << retry.raw;
  std::vector<Hit> after = receiver.WaitForHits(1, 60);
  ASSERT_EQ(after.size(), 1u) << server.log();
  ExpectSignedDelivery(after[0]);
  json second = json::parse(after[0].body, nullptr, false);
  EXPECT_EQ(second["job_id"], id);
  EXPECT_EQ(second["status"], "completed");
  EXPECT_NE(second["finished_at"], first["finished_at"]) << "the new completion is announced";
  status = WaitForWebhook(again, id, "delivered");
  EXPECT_EQ(status["webhook"]["attempts"], 1) << status.dump();
}

TEST(ApiWebhook, ACancelledParallelJobIsAnnouncedToo) {
  TRAWL_REQUIRE_REDIS();
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  Receiver receiver({204});
  ASSERT_TRUE(receiver.ok());
  TempDir dir;
  // No workers: the job waits in Redis until it is cancelled.
  ServeProcess server({"serve", "--port", "0", "--redis", redis.url(), "--db", dir.File("trawl.db"),
                       "--allow-private", "--webhook-secret", kSecret});
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  std::string id =
      JobWithWebhook(client, {"wait-a.test", "wait-b.test"}, receiver.url(), "/api/process_redis");
  ASSERT_FALSE(id.empty());
  Call status = Get(client, "/api/status/" + id + "?limit=0");
  ASSERT_EQ(status.body["mode"], "redis_parallel") << status.raw;
  EXPECT_EQ(status.body["webhook"]["status"], "pending");
  EXPECT_EQ(status.body["webhook"]["attempts"], 0);
  EXPECT_TRUE(receiver.Hits().empty()) << "announced before the job ended";

  Call cancel = Post(client, "/api/jobs/" + id + "/cancel", "");
  ASSERT_EQ(cancel.status, 200) << cancel.raw;
  std::vector<Hit> hits = receiver.WaitForHits(1, 60);
  ASSERT_EQ(hits.size(), 1u) << server.log();
  ExpectSignedDelivery(hits[0]);
  json body = json::parse(hits[0].body, nullptr, false);
  EXPECT_EQ(body["status"], "cancelled");
  EXPECT_EQ(body["mode"], "redis_parallel");
  EXPECT_EQ(body["total"], 2);
  WaitForWebhook(client, id, "delivered");
}

}  // namespace
}  // namespace trawl::testing
