// The state words are contracts (database rows, Redis hashes, the API):
// these tests pin each one and check that every word parses back.
#include "core/states.h"

#include <gtest/gtest.h>

#include <string>

namespace trawl {
namespace {

TEST(StatesTest, JobStatusWordsAreTheStoredOnes) {
  EXPECT_STREQ(ToString(JobStatus::kPending), "pending");
  EXPECT_STREQ(ToString(JobStatus::kProcessing), "processing");
  EXPECT_STREQ(ToString(JobStatus::kCompleted), "completed");
  EXPECT_STREQ(ToString(JobStatus::kCancelled), "cancelled");
}

TEST(StatesTest, TaskApprovalAndWebhookWordsAreTheStoredOnes) {
  EXPECT_STREQ(ToString(TaskState::kDone), "done");
  EXPECT_STREQ(ToString(TaskState::kFailed), "failed");
  EXPECT_STREQ(ToString(ApprovalState::kApproved), "approved");
  EXPECT_STREQ(ToString(ApprovalState::kRejected), "rejected");
  EXPECT_STREQ(ToString(WebhookState::kNone), "none");
  EXPECT_STREQ(ToString(WebhookState::kDelivered), "delivered");
}

TEST(StatesTest, EveryWordParsesBack) {
  for (auto s : {JobStatus::kPending, JobStatus::kProcessing, JobStatus::kCompleted,
                 JobStatus::kCancelled}) {
    EXPECT_EQ(ParseJobStatus(ToString(s)), s);
  }
  for (auto s :
       {TaskState::kPending, TaskState::kProcessing, TaskState::kDone, TaskState::kFailed}) {
    EXPECT_EQ(ParseTaskState(ToString(s)), s);
  }
  for (auto s : {ApprovalState::kPending, ApprovalState::kApproved, ApprovalState::kRejected}) {
    EXPECT_EQ(ParseApprovalState(ToString(s)), s);
  }
  for (auto s : {WebhookState::kNone, WebhookState::kPending, WebhookState::kDelivered,
                 WebhookState::kFailed}) {
    EXPECT_EQ(ParseWebhookState(ToString(s)), s);
  }
}

TEST(StatesTest, UnknownWordsDoNotParse) {
  EXPECT_FALSE(ParseJobStatus("Completed"));
  EXPECT_FALSE(ParseJobStatus("done"));
  EXPECT_FALSE(ParseTaskState("completed"));
  EXPECT_FALSE(ParseApprovalState(""));
}

TEST(StatesTest, OnlyCompletedAndCancelledAreFinal) {
  EXPECT_TRUE(IsFinalJobStatus("completed"));
  EXPECT_TRUE(IsFinalJobStatus("cancelled"));
  EXPECT_FALSE(IsFinalJobStatus("processing"));
  EXPECT_FALSE(IsFinalJobStatus("bogus"));
  EXPECT_TRUE(Is(std::string("done"), TaskState::kDone));
}

// SQL is spliced from the same words at compile time.
static_assert(std::string_view(TRAWL_SQL(TRAWL_WORD_DONE)) == "'done'");

}  // namespace
}  // namespace trawl
