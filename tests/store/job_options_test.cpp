// A job's options: parsing, bounds, the stored form, the initial approval.
#include "store/job_options.h"

#include <gtest/gtest.h>

#include "store/store.h"

namespace trawl {
namespace {

TEST(JobOptionsTest, EmptyTextAndEmptyObjectGiveDefaults) {
  for (const char* text : {"", "  ", "{}", " { } "}) {
    auto options = ParseJobOptions(text);
    ASSERT_TRUE(options) << text << ": " << options.error().message;
    EXPECT_EQ(options->max_pages, 10);
    EXPECT_EQ(options->max_attempts, 3);
    EXPECT_FALSE(options->auto_approve.has_value());
    EXPECT_EQ(options->webhook_url, "");
  }
}

TEST(JobOptionsTest, ReadsEveryOption) {
  auto options = ParseJobOptions(
      R"({"max_pages": 25, "auto_approve": false, "max_attempts": 5,
          "webhook_url": "http://127.0.0.1:9/hook"})");
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->max_pages, 25);
  EXPECT_EQ(options->auto_approve, std::optional<bool>(false));
  EXPECT_EQ(options->max_attempts, 5);
  EXPECT_EQ(options->webhook_url, "http://127.0.0.1:9/hook");
}

TEST(JobOptionsTest, BoundsAreInclusive) {
  EXPECT_EQ(ParseJobOptions(R"({"max_pages": 1})")->max_pages, 1);
  EXPECT_EQ(ParseJobOptions(R"({"max_pages": 100})")->max_pages, 100);
  EXPECT_EQ(ParseJobOptions(R"({"max_attempts": 1})")->max_attempts, 1);
  EXPECT_EQ(ParseJobOptions(R"({"max_attempts": 10})")->max_attempts, 10);
}

struct BadOptions {
  const char* json;
  const char* message_part;  // the error names this
};

class JobOptionsRejectTest : public ::testing::TestWithParam<BadOptions> {};

TEST_P(JobOptionsRejectTest, FailsWithUsageNamingTheProblem) {
  auto options = ParseJobOptions(GetParam().json);
  ASSERT_FALSE(options) << GetParam().json;
  EXPECT_EQ(options.error().code, ErrorCode::kUsage);
  EXPECT_NE(options.error().message.find(GetParam().message_part), std::string::npos)
      << options.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JobOptionsRejectTest,
    ::testing::Values(BadOptions{R"({"max_page": 5})", "unknown option 'max_page'"},
                      BadOptions{R"({"max_pages": 0})", "max_pages"},
                      BadOptions{R"({"max_pages": 101})", "max_pages"},
                      BadOptions{R"({"max_pages": -1})", "max_pages"},
                      BadOptions{R"({"max_pages": "5"})", "max_pages"},
                      BadOptions{R"({"max_pages": 5.5})", "max_pages"},
                      BadOptions{R"({"max_pages": 18446744073709551615})", "max_pages"},
                      BadOptions{R"({"max_attempts": 11})", "max_attempts"},
                      BadOptions{R"({"max_attempts": true})", "max_attempts"},
                      BadOptions{R"({"auto_approve": "yes"})", "auto_approve"},
                      BadOptions{R"({"webhook_url": 7})", "webhook_url"},
                      BadOptions{R"([1, 2])", "object"}, BadOptions{R"("max_pages")", "object"},
                      BadOptions{R"({"max_pages": )", "JSON"}));

TEST(JobOptionsTest, StoredFormReadsBackTheSame) {
  JobOptions options;
  options.max_pages = 42;
  options.auto_approve = true;
  options.max_attempts = 7;
  options.webhook_url = "http://127.0.0.1:9/\"quoted\"";
  auto back = ParseJobOptions(JobOptionsToJson(options));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->max_pages, 42);
  EXPECT_EQ(back->auto_approve, std::optional<bool>(true));
  EXPECT_EQ(back->max_attempts, 7);
  EXPECT_EQ(back->webhook_url, options.webhook_url);

  auto defaults = ParseJobOptions(JobOptionsToJson(JobOptions{}));
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_FALSE(defaults->auto_approve.has_value());
}

TEST(JobOptionsTest, ParallelJobsApproveAndEmbeddedJobsQueueByDefault) {
  JobOptions options;
  EXPECT_EQ(InitialApproval(options, kModeParallel), "approved");
  EXPECT_EQ(InitialApproval(options, kModeEmbedded), "pending");
}

TEST(JobOptionsTest, AutoApproveOverridesTheMode) {
  JobOptions approve;
  approve.auto_approve = true;
  EXPECT_EQ(InitialApproval(approve, kModeEmbedded), "approved");
  JobOptions queue;
  queue.auto_approve = false;
  EXPECT_EQ(InitialApproval(queue, kModeParallel), "pending");
}

}  // namespace
}  // namespace trawl
