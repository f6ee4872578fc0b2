// The storage contract, continued (see store_test.cpp): profiles, reviews,
// and a 100,000-domain job, on both back ends.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "store_test_util.h"

namespace trawl::store_test {
namespace {

TEST_P(StoreTest, PutProfileUpsertsByJobAndDomain) {
  Create(Job("u"), Domains(2));
  Put(Profile("u", "d0.test", 0, false), true);
  StoredProfile second = Profile("u", "d0.test", 0, true, "pending", 6000);
  Put(second, false);

  auto count = store_->CountProfiles("u", "");
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
  StoredProfile got = MustGetProfile("u", "d0.test");
  EXPECT_TRUE(got.ok);
  EXPECT_EQ(got.profile_json, second.profile_json);
  EXPECT_EQ(got.error_code, "");
  EXPECT_EQ(got.updated_at_ms, 6000);
  EXPECT_EQ(got.input_index, 0);
  auto missing = store_->GetProfile("u", "d1.test");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, TaskStateFollowsItsProfile) {
  Create(Job("t"), Domains(3));
  ASSERT_TRUE(store_->ClaimTasks("t", 3, 100));
  Put(Profile("t", "d0.test", 0, true, "pending", 700), true);
  Put(Profile("t", "d1.test", 1, false, "pending", 800), true);

  TaskRecord done = MustGetTask("t", 0);
  EXPECT_EQ(done.state, "done");
  EXPECT_EQ(done.finished_at_ms, std::optional<int64_t>(700));
  EXPECT_EQ(done.attempts, 1);
  TaskRecord failed = MustGetTask("t", 1);
  EXPECT_EQ(failed.state, "failed");
  EXPECT_EQ(failed.error_code, "timeout");
  EXPECT_EQ(failed.error_message, "no answer within 10 s");
  EXPECT_EQ(failed.finished_at_ms, std::optional<int64_t>(800));
  EXPECT_EQ(MustGetTask("t", 2).state, "processing");

  Put(Profile("t", "d1.test", 1, true, "pending", 900), false);
  failed = MustGetTask("t", 1);
  EXPECT_EQ(failed.state, "done") << "a retry that succeeds";
  EXPECT_EQ(failed.error_code, "");
}

TEST_P(StoreTest, ProfileForADomainWithoutTaskAddsTheTask) {
  Create(Job("x"), Domains(1));
  Put(Profile("x", "late.test", 7, true), true);
  auto tasks = store_->ListTasks("x", "done", 10, 0);
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().domain, "late.test");
  EXPECT_EQ(tasks->front().input_index, 7);
  EXPECT_EQ(MustGetJob("x").completed, 1);
}

TEST_P(StoreTest, GetTaskAndCountTasksByState) {
  Create(Job("g"), Domains(3));
  Put(Profile("g", "d1.test", 1, false), true);
  auto task = store_->GetTask("g", "d1.test");
  ASSERT_TRUE(task);
  ASSERT_TRUE(task->has_value());
  EXPECT_EQ((*task)->state, "failed");
  EXPECT_EQ((*task)->input_index, 1);
  auto none = store_->GetTask("g", "elsewhere.test");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto other_job = store_->GetTask("nope", "d1.test");
  ASSERT_TRUE(other_job);
  EXPECT_FALSE(other_job->has_value());
  EXPECT_EQ(store_->CountTasks("g", ""), 3);
  EXPECT_EQ(store_->CountTasks("g", "failed"), 1);
  EXPECT_EQ(store_->CountTasks("g", "pending"), 2);
  EXPECT_EQ(store_->CountTasks("g", "done"), 0);
  EXPECT_EQ(store_->CountTasks("nope", ""), 0);
}

TEST_P(StoreTest, ReviewAllPendingChangesOnlyThePendingProfilesOfTheJob) {
  Create(Job("r"), Domains(4));
  Create(Job("other"), Domains(1));
  for (int i = 0; i < 4; ++i) Put(Profile("r", "d" + std::to_string(i) + ".test", i, true), true);
  Put(Profile("other", "d0.test", 0, true), true);
  ASSERT_TRUE(
      store_->SetApproval("r", "d1.test", "rejected", "ann", "{\"company_name\":\"X\"}", 10));
  auto changed = store_->ReviewAllPending("r", "approved", "bob", 20);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(*changed, 3);
  EXPECT_EQ(store_->CountProfiles("r", "approved"), 3);
  StoredProfile kept = MustGetProfile("r", "d1.test");
  EXPECT_EQ(kept.approval, "rejected");
  EXPECT_EQ(kept.reviewed_by, "ann");
  EXPECT_EQ(kept.edited_json, "{\"company_name\":\"X\"}");
  StoredProfile approved = MustGetProfile("r", "d2.test");
  EXPECT_EQ(approved.reviewed_by, "bob");
  EXPECT_EQ(approved.reviewed_at_ms, std::optional<int64_t>(20));
  EXPECT_EQ(MustGetProfile("other", "d0.test").approval, "pending") << "another job's profile";
  auto again = store_->ReviewAllPending("r", "rejected", "bob", 30);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  auto bad = store_->ReviewAllPending("r", "pending", "bob", 30);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kUsage);
}

TEST_P(StoreTest, ProfileOfAnUnknownJobIsRefused) {
  auto put = store_->PutProfile(Profile("ghost", "d0.test", 0, true));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kNotFound);
  auto bad = store_->PutProfile(Profile("ghost", "d0.test", 0, true, "maybe"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kUsage);
}

TEST_P(StoreTest, RecrawlKeepsAReviewersDecisionButAutoApprovalReplacesIt) {
  Create(Job("a"), Domains(1));
  Put(Profile("a", "d0.test", 0, true), true);
  auto set = store_->SetApproval("a", "d0.test", "approved", "alice",
                                 R"({"company_name":"Fixed Ltd"})", 6000);
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_TRUE(*set);

  StoredProfile recrawl = Profile("a", "d0.test", 0, true, "pending", 7000);
  recrawl.profile_json = R"({"domain":"d0.test","status":"ok","v":2})";
  Put(recrawl, false);
  StoredProfile got = MustGetProfile("a", "d0.test");
  EXPECT_EQ(got.approval, "approved");
  EXPECT_EQ(got.reviewed_by, "alice");
  EXPECT_EQ(got.reviewed_at_ms, std::optional<int64_t>(6000));
  EXPECT_EQ(got.edited_json, R"({"company_name":"Fixed Ltd"})");
  EXPECT_EQ(got.profile_json, recrawl.profile_json);

  ASSERT_TRUE(store_->SetApproval("a", "d0.test", "rejected", "bob", "", 7500));
  Put(Profile("a", "d0.test", 0, true, "approved", 8000), false);
  got = MustGetProfile("a", "d0.test");
  EXPECT_EQ(got.approval, "approved");
  EXPECT_EQ(got.reviewed_by, "");
  EXPECT_EQ(got.updated_at_ms, 8000);
}

TEST_P(StoreTest, ListProfilesPagesInInputOrderAndFiltersByApproval) {
  constexpr int kCount = 10;
  Create(Job("p"), Domains(kCount));
  for (int i = kCount - 1; i >= 0; --i) {
    Put(Profile("p", fmt::format("d{}.test", i), i, true, i % 3 == 0 ? "approved" : "pending"),
        true);
  }
  auto indexes = [&](const std::string& approval, int limit, int64_t offset) {
    std::vector<int> out;
    auto profiles = store_->ListProfiles({"p", approval, limit, offset});
    EXPECT_TRUE(profiles) << profiles.error().message;
    if (profiles) {
      for (const auto& profile : *profiles) out.push_back(profile.input_index);
    }
    return out;
  };
  EXPECT_EQ(indexes("", 3, 0), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(indexes("", 3, 8), (std::vector<int>{8, 9}));
  EXPECT_TRUE(indexes("", 3, 10).empty());
  EXPECT_EQ(indexes("approved", 100, 0), (std::vector<int>{0, 3, 6, 9}));
  EXPECT_EQ(indexes("approved", 2, 1), (std::vector<int>{3, 6}));
  EXPECT_TRUE(indexes("rejected", 100, 0).empty());

  auto all = store_->CountProfiles("p", "");
  auto approved = store_->CountProfiles("p", "approved");
  auto pending = store_->CountProfiles("p", "pending");
  auto other_job = store_->CountProfiles("q", "");
  ASSERT_TRUE(all && approved && pending && other_job);
  EXPECT_EQ(*all, kCount);
  EXPECT_EQ(*approved, 4);
  EXPECT_EQ(*pending, 6);
  EXPECT_EQ(*other_job, 0);
}

TEST_P(StoreTest, SetApprovalRecordsTheReviewAndKeepsEditsWhenNoneGiven) {
  Create(Job("s"), Domains(1));
  Put(Profile("s", "d0.test", 0, true), true);
  auto unknown = store_->SetApproval("s", "nope.test", "approved", "alice", "", 100);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  auto bad = store_->SetApproval("s", "d0.test", "maybe", "alice", "", 100);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kUsage);

  ASSERT_TRUE(store_->SetApproval("s", "d0.test", "approved", "alice", R"({"phones":[]})", 100));
  ASSERT_TRUE(store_->SetApproval("s", "d0.test", "rejected", "bob", "", 200));
  StoredProfile got = MustGetProfile("s", "d0.test");
  EXPECT_EQ(got.approval, "rejected");
  EXPECT_EQ(got.reviewed_by, "bob");
  EXPECT_EQ(got.reviewed_at_ms, std::optional<int64_t>(200));
  EXPECT_EQ(got.edited_json, R"({"phones":[]})");
  auto rejected = store_->CountProfiles("s", "rejected");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(*rejected, 1);
}

// --- size ------------------------------------------------------------------

TEST_P(StoreTest, HundredThousandDomainJob) {
  constexpr int kDomains = 100'000;
  std::vector<std::string> domains = Domains(kDomains, "company-");
  auto start = std::chrono::steady_clock::now();
  Create(Job("big"), domains);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  std::printf("store_tests backend=%s create_job_domains=%d create_job_ms=%lld\n",
              GetParam().c_str(), kDomains, static_cast<long long>(ms));

  start = std::chrono::steady_clock::now();
  JobRecord job = MustGetJob("big");
  ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                             start)
           .count();
  std::printf("store_tests backend=%s get_job_100k_ms=%lld\n", GetParam().c_str(),
              static_cast<long long>(ms));
  EXPECT_EQ(job.total, kDomains);
  EXPECT_EQ(job.completed, 0);
  auto tail = store_->ListTasks("big", "pending", 10, kDomains - 2);
  ASSERT_TRUE(tail);
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ((*tail)[0].input_index, kDomains - 2);
  EXPECT_EQ((*tail)[1].domain, domains.back());
  auto head = store_->ClaimTasks("big", 3, 100);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->size(), 3u);
  EXPECT_EQ((*head)[0].domain, domains[0]);
}

}  // namespace
}  // namespace trawl::store_test
