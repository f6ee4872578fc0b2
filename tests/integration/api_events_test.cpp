// Live events (`GET /api/events`, SSE) and the job's domain list
// (`GET /api/jobs/{id}/domains`) as a black box: the real `trawl serve` on a
// loopback port, jobs crawling the site farm embedded and, with a real
// redis-server and a real `trawl worker`, in parallel. The SSE stream is
// read incrementally by an HTTP client in a thread of the test.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
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
#include "queue/redis_client.h"
#include "serve_util.h"
#include "servers/redis_server.h"
#include "servers/require.h"

namespace trawl::testing {
namespace {

using nlohmann::json;

struct SseFrame {
  std::string event;  // "message" when the frame names none
  json data;
};

// Reads GET `path` of `port` as an event stream in a thread, parsing frames
// as they arrive, until `stop_when` says so for a frame, Stop() is called,
// the server ends the stream, or `guard_s` passes.
class SseReader {
 public:
  SseReader(int port, std::string path, std::string token,
            std::function<bool(const SseFrame&)> stop_when, int guard_s = 120)
      : stop_when_(std::move(stop_when)) {
    thread_ = std::thread([=, this] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(guard_s, 0);
      httplib::Headers headers;
      if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(guard_s);
      auto result = client.Get(
          path, headers,
          [this](const httplib::Response& res) {
            std::lock_guard lock(mu_);
            status_ = res.status;
            content_type_ = res.get_header_value("Content-Type");
            return true;
          },
          [this, deadline](const char* data, size_t n) {
            Feed(std::string(data, n));
            return !stop_.load() && std::chrono::steady_clock::now() < deadline;
          });
      std::lock_guard lock(mu_);
      if (result) {
        if (status_ == 0) status_ = result->status;
        if (status_ != 200 && error_body_.empty()) error_body_ = result->body;
      }
      ended_ = true;
    });
  }
  ~SseReader() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

  void Stop() { stop_.store(true); }
  // Waits (bounded) for the reader to end; true if it did.
  bool WaitEnded(int timeout_s) {
    for (int i = 0; i < timeout_s * 20; ++i) {
      {
        std::lock_guard lock(mu_);
        if (ended_) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::lock_guard lock(mu_);
    if (ended_ && thread_.joinable()) {
      thread_.join();
    }
    return ended_;
  }
  // Waits (bounded) until the stream has answered with headers.
  int WaitStatus(int timeout_s) {
    for (int i = 0; i < timeout_s * 20; ++i) {
      {
        std::lock_guard lock(mu_);
        if (status_ != 0 || ended_) return status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }
  std::vector<SseFrame> frames() {
    std::lock_guard lock(mu_);
    return frames_;
  }
  std::string content_type() {
    std::lock_guard lock(mu_);
    return content_type_;
  }
  std::string error_body() {
    std::lock_guard lock(mu_);
    return error_body_;
  }
  int comments() {
    std::lock_guard lock(mu_);
    return comments_;
  }

 private:
  void Feed(const std::string& text) {
    std::lock_guard lock(mu_);
    if (status_ != 200) {
      error_body_ += text;
      return;
    }
    buffer_ += text;
    size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
      std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      SseFrame frame{"message", nullptr};
      std::string data;
      bool has_data = false;
      size_t start = 0;
      while (start <= block.size()) {
        size_t nl = block.find('\n', start);
        if (nl == std::string::npos) nl = block.size();
        std::string line = block.substr(start, nl - start);
        start = nl + 1;
        if (line.starts_with(":")) {
          ++comments_;
        } else if (line.starts_with("event: ")) {
          frame.event = line.substr(7);
        } else if (line.starts_with("data: ")) {
          data += line.substr(6);
          has_data = true;
        }
      }
      if (!has_data) continue;
      frame.data = json::parse(data, nullptr, false);
      EXPECT_FALSE(frame.data.is_discarded()) << "frame data is not JSON: " << data;
      frames_.push_back(frame);
      if (stop_when_ && stop_when_(frame)) stop_.store(true);
    }
  }

  std::function<bool(const SseFrame&)> stop_when_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  int status_ = 0;
  std::string content_type_;
  std::string error_body_;
  std::string buffer_;
  std::vector<SseFrame> frames_;
  int comments_ = 0;
  bool ended_ = false;
  std::thread thread_;
};

std::function<bool(const SseFrame&)> UntilJobFinished(std::shared_ptr<std::string> job_id) {
  return [job_id](const SseFrame& f) {
    return f.event == "job" && f.data.value("job_id", "") == *job_id &&
           (f.data.value("status", "") == "completed" || f.data.value("status", "") == "cancelled");
  };
}

// Checks the frames of one job: each domain's progress exactly once, the
// counters only growing, and a final job frame that agrees with `status`.
void CheckJobFrames(const std::vector<SseFrame>& frames, const std::string& id,
                    const std::vector<std::string>& domains, const json& status) {
  std::multiset<std::string> seen;
  int64_t last_done = -1;
  bool finished_frame = false;
  for (const SseFrame& f : frames) {
    if (f.data.value("job_id", "") != id) continue;
    if (f.event == "progress") {
      seen.insert(f.data.value("domain", ""));
      int64_t done = f.data.value("completed", int64_t{0}) + f.data.value("failed", int64_t{0});
      EXPECT_GT(done, last_done) << f.data.dump();
      last_done = done;
      EXPECT_EQ(f.data["total"], domains.size()) << f.data.dump();
      EXPECT_TRUE(f.data["status"] == "ok" || f.data["status"] == "failed") << f.data.dump();
      EXPECT_TRUE(f.data["job_status"].is_string()) << f.data.dump();
    } else if (f.event == "job" && f.data.value("status", "") == "completed") {
      finished_frame = true;
      EXPECT_EQ(f.data["completed"], status["completed"]) << f.data.dump();
      EXPECT_EQ(f.data["failed"], status["failed"]) << f.data.dump();
      EXPECT_EQ(f.data["total"], status["total"]) << f.data.dump();
      EXPECT_FALSE(f.data.contains("approved_data")) << f.data.dump();
    }
  }
  EXPECT_EQ(seen, std::multiset<std::string>(domains.begin(), domains.end()));
  EXPECT_EQ(last_done, static_cast<int64_t>(domains.size()));
  EXPECT_TRUE(finished_frame) << "no job frame with status completed";
}

TEST(ApiEvents, AnEmbeddedJobStreamsEveryDomainOnceThenItsCompletion) {
  FarmProcess farm({"--bulk", "8"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir, FarmFlags(farm)));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  // The all-jobs stream is open before the job exists, so nothing is missed.
  auto id = std::make_shared<std::string>();
  std::mutex id_mu;
  SseReader all(server.port(), "/api/events", "", [&, id](const SseFrame& f) {
    std::lock_guard lock(id_mu);
    return !id->empty() && UntilJobFinished(id)(f);
  });
  ASSERT_EQ(all.WaitStatus(20), 200);
  EXPECT_EQ(all.content_type(), "text/event-stream");

  std::vector<std::string> domains = BulkDomains(0, 8);
  Call submit = Post(client, "/api/process", json{{"domains", domains}}.dump());
  ASSERT_EQ(submit.status, 202) << submit.raw;
  {
    std::lock_guard lock(id_mu);
    *id = submit.body["job_id"];
  }
  json status = WaitForJob(client, *id);
  ASSERT_EQ(status["status"], "completed") << status.dump();
  ASSERT_TRUE(all.WaitEnded(60)) << "no completed job frame within 60 s";
  CheckJobFrames(all.frames(), *id, domains, status);

  // A job stream opened later starts with the job's view.
  SseReader one(server.port(), "/api/events?job_id=" + *id, "",
                [](const SseFrame&) { return true; });
  ASSERT_TRUE(one.WaitEnded(30));
  auto frames = one.frames();
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames[0].event, "job");
  EXPECT_EQ(frames[0].data["job_id"], *id);
  EXPECT_EQ(frames[0].data["status"], "completed");
  EXPECT_EQ(frames[0].data["completed"], status["completed"]);

  // The domain list shows every domain with its state and profile.
  Call listed = Get(client, "/api/jobs/" + *id + "/domains?limit=3&offset=2");
  ASSERT_EQ(listed.status, 200) << listed.raw;
  EXPECT_EQ(listed.body["total"], 8);
  ASSERT_EQ(listed.body["domains"].size(), 3u) << listed.raw;
  for (size_t i = 0; i < 3; ++i) {
    const json& d = listed.body["domains"][i];
    EXPECT_EQ(d["domain"], domains[2 + i]) << d.dump();
    EXPECT_EQ(d["index"], 2 + i);
    EXPECT_TRUE(d["state"] == "done" || d["state"] == "failed") << d.dump();
    ASSERT_TRUE(d["profile"].is_object()) << d.dump();
    EXPECT_EQ(d["profile"]["domain"], domains[2 + i]);
    EXPECT_EQ(d["approval"], "pending");
  }
  Call one_domain = Get(client, "/api/jobs/" + *id + "/domains?domain=" + domains[5]);
  ASSERT_EQ(one_domain.status, 200) << one_domain.raw;
  ASSERT_EQ(one_domain.body["domains"].size(), 1u);
  EXPECT_EQ(one_domain.body["domains"][0]["domain"], domains[5]);
  Call absent = Get(client, "/api/jobs/" + *id + "/domains?domain=elsewhere.test");
  ASSERT_EQ(absent.status, 200) << absent.raw;
  EXPECT_EQ(absent.body["total"], 0);
  EXPECT_TRUE(absent.body["domains"].empty());
  Call done_only = Get(client, "/api/jobs/" + *id + "/domains?state=done&limit=1000");
  ASSERT_EQ(done_only.status, 200);
  EXPECT_EQ(done_only.body["total"], status["completed"]);
  EXPECT_EQ(Get(client, "/api/jobs/" + *id + "/domains?state=maybe").status, 400);
  EXPECT_EQ(Get(client, "/api/jobs/" + *id + "/domains?limit=-1").status, 400);
  Call unknown = Get(client, "/api/jobs/no-such-job/domains");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "not_found");
}

TEST(ApiEvents, FailedDomainsShowTheirErrorInTheDomainList) {
  TempDir dir;
  // The default flags send every host to a closed port: every domain fails.
  ServeProcess server(EmbeddedServeArgs(dir));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call submit = Post(client, "/api/process", json{{"domains", {"a.test", "b.test"}}}.dump());
  ASSERT_EQ(submit.status, 202) << submit.raw;
  std::string id = submit.body["job_id"];
  json status = WaitForJob(client, id);
  ASSERT_EQ(status["failed"], 2) << status.dump();
  Call listed = Get(client, "/api/jobs/" + id + "/domains?state=failed");
  ASSERT_EQ(listed.status, 200) << listed.raw;
  ASSERT_EQ(listed.body["domains"].size(), 2u) << listed.raw;
  for (const json& d : listed.body["domains"]) {
    EXPECT_EQ(d["state"], "failed");
    ASSERT_TRUE(d["error"].is_object()) << d.dump();
    EXPECT_FALSE(d["error"]["code"].get<std::string>().empty());
    EXPECT_FALSE(d["error"]["message"].get<std::string>().empty());
  }
}

TEST(ApiEvents, RefusalsComeBeforeTheStream) {
  TempDir dir;
  std::vector<std::string> args = EmbeddedServeArgs(dir);
  args.push_back("--token");
  args.push_back("sse-secret");
  ServeProcess server(args);
  ASSERT_SERVING(server);
  {
    SseReader anonymous(server.port(), "/api/events", "", nullptr, 20);
    EXPECT_EQ(anonymous.WaitStatus(20), 401);
    ASSERT_TRUE(anonymous.WaitEnded(20));
  }
  {
    SseReader unknown(server.port(), "/api/events?job_id=nope", "sse-secret", nullptr, 20);
    EXPECT_EQ(unknown.WaitStatus(20), 404);
    ASSERT_TRUE(unknown.WaitEnded(20));
    EXPECT_NE(unknown.error_body().find("not_found"), std::string::npos) << unknown.error_body();
  }
  // An open stream ends when the server stops, so a shutdown is not held up.
  SseReader open(server.port(), "/api/events", "sse-secret", nullptr, 120);
  ASSERT_EQ(open.WaitStatus(20), 200);
  EXPECT_EQ(server.Stop(SIGTERM, 30'000), 0) << server.log();
  EXPECT_TRUE(open.WaitEnded(30)) << "the stream outlived the server";
}

TEST(ApiEvents, AParallelJobStreamsProgressFromTheWorkersThroughRedis) {
  TRAWL_REQUIRE_REDIS();
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  FarmProcess farm({"--bulk", "12"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  std::string db = dir.File("trawl.db");
  std::vector<std::string> serve_args = {"serve",     "--port", "0", "--redis",
                                         redis.url(), "--db",   db};
  for (auto& f : FarmFlags(farm)) serve_args.push_back(f);
  ServeProcess server(serve_args);
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  auto id = std::make_shared<std::string>();
  std::mutex id_mu;
  SseReader all(server.port(), "/api/events", "", [&, id](const SseFrame& f) {
    std::lock_guard lock(id_mu);
    return !id->empty() && UntilJobFinished(id)(f);
  });
  ASSERT_EQ(all.WaitStatus(20), 200);
  // The server's subscription to Redis is made by a thread of its own:
  // wait until Redis counts it, so the first events cannot be missed.
  bool subscribed = false;
  for (int i = 0; i < 100 && !subscribed; ++i) {
    auto cfg = ParseRedisUrl(redis.url());
    ASSERT_TRUE(cfg);
    RedisClient probe(*cfg);
    auto reply = probe.Command({"PUBSUB", "NUMSUB", probe.Key("events")});
    subscribed = reply && reply->elements.size() == 2 && reply->elements[1].AsInt() >= 1;
    if (!subscribed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(subscribed) << "the server never subscribed to the events channel\n" << server.log();

  std::vector<std::string> domains = BulkDomains(0, 12);
  Call submit = Post(client, "/api/process_redis", json{{"domains", domains}}.dump());
  ASSERT_EQ(submit.status, 202) << submit.raw;
  ASSERT_EQ(submit.body["mode"], "redis_parallel") << submit.raw;
  {
    std::lock_guard lock(id_mu);
    *id = submit.body["job_id"];
  }
  std::vector<std::string> worker = {TrawlBinary(), "worker", "--redis",       redis.url(),
                                     "--db",        db,       "--concurrency", "4"};
  for (auto& f : FarmFlags(farm)) worker.push_back(f);
  BackgroundProcess worker_process(worker, dir.File("worker.log"));

  json status = WaitForJob(client, *id);
  ASSERT_EQ(status["status"], "completed") << status.dump();
  ASSERT_TRUE(all.WaitEnded(60)) << "no completed job frame within 60 s\n" << server.log();
  CheckJobFrames(all.frames(), *id, domains, status);
  worker_process.Signal(SIGTERM);
  EXPECT_NE(worker_process.Wait(30'000), BackgroundProcess::kRunning);
}

}  // namespace
}  // namespace trawl::testing
