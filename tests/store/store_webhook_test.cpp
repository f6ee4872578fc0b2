// The store's side of completion webhooks (store.h, "completion webhooks"):
// what CreateJob records, claims with a lease that two stores never share,
// recording attempts, and a retried job announcing its next completion. Runs
// on SQLite and PostgreSQL (StoreTest).
#include <algorithm>
#include <set>
#include <thread>

#include "store_test_util.h"

namespace trawl::store_test {
namespace {

constexpr int64_t kLease = 30'000;

JobRecord HookedJob(const std::string& id, const std::string& url = "http://hooks.test/h") {
  JobRecord job = Job(id);
  job.options_json = R"({"webhook_url":")" + url + R"("})";
  return job;
}

std::vector<std::string> Ids(const std::vector<JobRecord>& jobs) {
  std::vector<std::string> ids;
  for (const JobRecord& job : jobs) ids.push_back(job.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

class StoreWebhookTest : public StoreTest {
 protected:
  std::vector<JobRecord> Claim(int64_t now_ms, int limit = 10) {
    auto claimed = store_->ClaimDueWebhooks(now_ms, kLease, limit);
    EXPECT_TRUE(claimed) << claimed.error().message;
    return claimed ? *claimed : std::vector<JobRecord>();
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreWebhookTest, ::testing::Values(kSqlite, kPostgres),
                         [](const auto& info) { return info.param; });

TEST_P(StoreWebhookTest, CreateJobTakesTheWebhookFromTheOptions) {
  Create(HookedJob("hooked"), Domains(1));
  Create(Job("plain"), Domains(1));
  JobRecord hooked = MustGetJob("hooked");
  EXPECT_EQ(hooked.webhook_url, "http://hooks.test/h");
  EXPECT_EQ(hooked.webhook_status, "pending");
  EXPECT_EQ(hooked.webhook_attempts, 0);
  EXPECT_EQ(hooked.webhook_last_error, "");
  EXPECT_FALSE(hooked.webhook_delivered_at_ms.has_value());
  JobRecord plain = MustGetJob("plain");
  EXPECT_EQ(plain.webhook_url, "");
  EXPECT_EQ(plain.webhook_status, "none");

  JobRecord bad = Job("bad");
  bad.options_json = R"({"webhook_url":"ftp://hooks.test/"})";
  auto refused = store_->CreateJob(bad, Domains(1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUsage);
  auto none = store_->GetJob("bad");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value()) << "a refused job is not stored";
}

TEST_P(StoreWebhookTest, OnlyFinishedJobsAreClaimedAndAClaimHoldsForItsLease) {
  Create(HookedJob("running"), Domains(1));
  Create(HookedJob("done"), Domains(1));
  Create(HookedJob("cancelled"), Domains(1));
  Create(Job("no-hook"), Domains(1));
  ASSERT_TRUE(store_->MarkJobFinished("done", "completed", 1000));
  ASSERT_TRUE(store_->MarkJobFinished("cancelled", "cancelled", 1100));
  ASSERT_TRUE(store_->MarkJobFinished("no-hook", "completed", 1200));

  EXPECT_EQ(Ids(Claim(2000)), (std::vector<std::string>{"cancelled", "done"}));
  EXPECT_TRUE(Claim(2000).empty()) << "claimed ones wait for their lease";
  EXPECT_TRUE(Claim(2000 + kLease - 1).empty());
  std::vector<JobRecord> again = Claim(2000 + kLease);
  ASSERT_EQ(Ids(again), (std::vector<std::string>{"cancelled", "done"}))
      << "a claim whose sender died runs out";
  for (const JobRecord& job : again) {
    EXPECT_EQ(job.webhook_url, "http://hooks.test/h");
    EXPECT_EQ(job.webhook_next_at_ms, 2000 + 2 * kLease);
  }
  EXPECT_EQ(MustGetJob("done").finished_at_ms, std::optional<int64_t>(1000));
  EXPECT_EQ(Claim(5 * kLease, 1).size(), 1u) << "at most `limit`";
}

TEST_P(StoreWebhookTest, AttemptsAreRecordedUntilDeliveredOrFailed) {
  Create(HookedJob("j"), Domains(2));
  ASSERT_TRUE(store_->MarkJobFinished("j", "completed", 1000));
  ASSERT_EQ(Claim(2000).size(), 1u);

  auto retry = store_->RecordWebhookAttempt("j", 1000, "pending", "HTTP 500", 3000, 2100);
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_TRUE(*retry);
  JobRecord job = MustGetJob("j");
  EXPECT_EQ(job.webhook_status, "pending");
  EXPECT_EQ(job.webhook_attempts, 1);
  EXPECT_EQ(job.webhook_last_error, "HTTP 500");
  EXPECT_EQ(job.webhook_next_at_ms, 3000);
  EXPECT_TRUE(Claim(2999).empty()) << "not due before its backoff";
  ASSERT_EQ(Claim(3000).size(), 1u);

  ASSERT_TRUE(store_->RecordWebhookAttempt("j", 1000, "delivered", "", 0, 3100));
  job = MustGetJob("j");
  EXPECT_EQ(job.webhook_status, "delivered");
  EXPECT_EQ(job.webhook_attempts, 2);
  EXPECT_EQ(job.webhook_last_error, "");
  EXPECT_EQ(job.webhook_delivered_at_ms, std::optional<int64_t>(3100));
  EXPECT_TRUE(Claim(10 * kLease).empty()) << "a delivered webhook is never claimed again";

  auto late = store_->RecordWebhookAttempt("j", 1000, "failed", "late", 0, 3200);
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late) << "only a pending webhook takes an attempt";
  EXPECT_EQ(MustGetJob("j").webhook_status, "delivered");

  auto bad = store_->RecordWebhookAttempt("j", 1000, "lost", "", 0, 3300);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kUsage);

  Create(HookedJob("f"), Domains(1));
  ASSERT_TRUE(store_->MarkJobFinished("f", "completed", 1000));
  ASSERT_EQ(Claim(2000).size(), 1u);
  ASSERT_TRUE(store_->RecordWebhookAttempt("f", 1000, "failed", "HTTP 410 (not retried)", 0, 2100));
  job = MustGetJob("f");
  EXPECT_EQ(job.webhook_status, "failed");
  EXPECT_EQ(job.webhook_last_error, "HTTP 410 (not retried)");
  EXPECT_FALSE(job.webhook_delivered_at_ms.has_value());
  EXPECT_TRUE(Claim(10 * kLease).empty());
}

TEST_P(StoreWebhookTest, AReopenedJobAnnouncesItsNextCompletion) {
  Create(HookedJob("r"), Domains(1));
  ASSERT_TRUE(store_->MarkJobFinished("r", "completed", 1000));
  ASSERT_EQ(Claim(2000).size(), 1u);
  ASSERT_TRUE(store_->RecordWebhookAttempt("r", 1000, "delivered", "", 0, 2100));

  ASSERT_TRUE(store_->ReopenJob("r"));
  JobRecord job = MustGetJob("r");
  EXPECT_EQ(job.webhook_status, "pending");
  EXPECT_EQ(job.webhook_attempts, 0);
  EXPECT_FALSE(job.webhook_delivered_at_ms.has_value());
  EXPECT_TRUE(Claim(3000).empty()) << "not while the job runs again";

  ASSERT_TRUE(store_->MarkJobFinished("r", "completed", 4000));
  std::vector<JobRecord> claimed = Claim(5000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].finished_at_ms, std::optional<int64_t>(4000));
  // An attempt made for the earlier completion is not taken for this one.
  auto stale = store_->RecordWebhookAttempt("r", 1000, "delivered", "", 0, 5100);
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
  EXPECT_TRUE(*store_->RecordWebhookAttempt("r", 4000, "delivered", "", 0, 5200));
  EXPECT_EQ(MustGetJob("r").webhook_delivered_at_ms, std::optional<int64_t>(5200));

  Create(Job("plain"), Domains(1));
  ASSERT_TRUE(store_->MarkJobFinished("plain", "completed", 1000));
  ASSERT_TRUE(store_->ReopenJob("plain"));
  EXPECT_EQ(MustGetJob("plain").webhook_status, "none");
}

TEST_P(StoreWebhookTest, TwoStoresClaimingTogetherNeverShareAWebhook) {
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) {
    std::string id = "h" + std::to_string(i);
    Create(HookedJob(id), Domains(1, id + "-d"));
    ASSERT_TRUE(store_->MarkJobFinished(id, "completed", 1000));
  }
  std::unique_ptr<Store> other = OpenStore();
  ASSERT_NE(other, nullptr);
  std::vector<std::string> got[2];
  std::string errors[2];
  auto claim_all = [&](Store* store, int who) {
    // Bounded: each round claims one or finds none left.
    for (int round = 0; round < 2 * kJobs; ++round) {
      auto claimed = store->ClaimDueWebhooks(2000, kLease, 1);
      if (!claimed) {
        errors[who] += claimed.error().message + "; ";
        continue;
      }
      if (claimed->empty()) return;
      for (const JobRecord& job : *claimed) got[who].push_back(job.id);
    }
  };
  std::thread first(claim_all, store_.get(), 0);
  std::thread second(claim_all, other.get(), 1);
  first.join();
  second.join();
  std::set<std::string> all(got[0].begin(), got[0].end());
  for (const std::string& id : got[1]) {
    EXPECT_TRUE(all.insert(id).second) << id << " was claimed by both stores";
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kJobs)) << errors[0] << errors[1];
}

}  // namespace
}  // namespace trawl::store_test
