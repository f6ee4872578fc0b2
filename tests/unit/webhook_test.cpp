// Completion webhooks (src/api/webhook.h) without a server: the signature
// against RFC 4231's HMAC-SHA256 test vectors, the retry schedule, the
// payload, and POSTs that the address guard refuses before any packet is
// sent (so no network is needed).
#include "api/webhook.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace trawl {
namespace {

struct HmacCase {
  const char* name;
  std::string key;
  std::string data;
  const char* hmac_sha256;  // RFC 4231, section 4
};

TEST(WebhookSignature, MatchesRfc4231TestVectors) {
  const HmacCase cases[] = {
      {"case 1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case 2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case 6 (key longer than a block)", std::string(131, '\xaa'),
       "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
  for (const HmacCase& c : cases) {
    EXPECT_EQ(WebhookSignature(c.key, c.data), std::string("sha256=") + c.hmac_sha256) << c.name;
  }
}

TEST(WebhookSignature, DependsOnEveryByteOfTheBody) {
  std::string body = R"({"event":"job.finished","job_id":"abc"})";
  std::string changed = body;
  changed[changed.size() - 2] = 'd';
  EXPECT_NE(WebhookSignature("k", body), WebhookSignature("k", changed));
  EXPECT_NE(WebhookSignature("k", body), WebhookSignature("k2", body));
  EXPECT_EQ(WebhookSignature("k", body), WebhookSignature("k", body));
}

TEST(WebhookBackoff, QuadruplesFromOneSecondUpToFiveMinutes) {
  const int64_t expected_ms[] = {1'000, 4'000, 16'000, 64'000, 256'000, 300'000, 300'000};
  for (int failed = 1; failed <= 7; ++failed) {
    EXPECT_EQ(WebhookBackoffMs(failed), expected_ms[failed - 1]) << "after failure " << failed;
  }
  EXPECT_EQ(WebhookBackoffMs(1000), 300'000);
}

TEST(WebhookPayload, AnnouncesTheFinishedJob) {
  JobRecord job;
  job.id = "9f1c2b7a0d4e6f13";
  job.mode = kModeParallel;
  job.status = "completed";
  job.total = 3;
  job.completed = 2;
  job.failed = 1;
  job.created_at_ms = 1'700'000'000'000;
  job.finished_at_ms = 1'700'000'060'500;
  nlohmann::json body = nlohmann::json::parse(WebhookPayload(job));
  EXPECT_EQ(body, (nlohmann::json{{"event", "job.finished"},
                                  {"job_id", "9f1c2b7a0d4e6f13"},
                                  {"status", "completed"},
                                  {"mode", "redis_parallel"},
                                  {"total", 3},
                                  {"completed", 2},
                                  {"failed", 1},
                                  {"created_at", "2023-11-14T22:13:20.000Z"},
                                  {"finished_at", "2023-11-14T22:14:20.500Z"},
                                  {"results_url", "/api/jobs/9f1c2b7a0d4e6f13/results"}}));
  job.finished_at_ms.reset();
  EXPECT_TRUE(nlohmann::json::parse(WebhookPayload(job))["finished_at"].is_null());
}

TEST(PostWebhook, TheAddressGuardRefusesPrivateTargetsForGood) {
  WebhookOptions options;
  options.secret = "s";
  options.timeout_ms = 2'000;
  for (const char* url : {"http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://[::1]:9/hook",
                          "http://169.254.169.254/latest"}) {
    WebhookResult result = PostWebhook(url, "{}", options);
    EXPECT_FALSE(result.delivered) << url;
    EXPECT_FALSE(result.retryable) << url;
    EXPECT_EQ(result.http_status, 0) << url;
    EXPECT_TRUE(result.error.starts_with("blocked_address: refused to connect to "))
        << result.error;
  }
  WebhookResult metadata = PostWebhook("http://169.254.169.254/", "{}", options);
  EXPECT_NE(metadata.error.find("(cloud-metadata)"), std::string::npos) << metadata.error;
}

TEST(PostWebhook, OtherSchemesAreRefusedForGood) {
  WebhookOptions options;
  options.secret = "s";
  WebhookResult result = PostWebhook("ftp://127.0.0.1/hook", "{}", options);
  EXPECT_FALSE(result.delivered);
  EXPECT_FALSE(result.retryable);
  EXPECT_FALSE(result.error.empty());
}

}  // namespace
}  // namespace trawl
