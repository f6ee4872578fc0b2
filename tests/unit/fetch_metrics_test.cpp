// FetchMetrics (src/fetch/fetch_metrics.h): which class and latency bucket a
// finished transfer lands in, that concurrent recording loses nothing, and
// that the heartbeat's JSON form reads back exactly and refuses other shapes.
#include "fetch/fetch_metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace trawl {
namespace {

TEST(FetchMetrics, ClassesFollowTheStatusAndNoResponseIsAnError) {
  struct Case {
    int status;
    FetchClass want;
  };
  const Case cases[] = {
      {200, FetchClass::k2xx}, {204, FetchClass::k2xx},   {299, FetchClass::k2xx},
      {301, FetchClass::k3xx}, {308, FetchClass::k3xx},   {404, FetchClass::k4xx},
      {429, FetchClass::k4xx}, {500, FetchClass::k5xx},   {503, FetchClass::k5xx},
      {0, FetchClass::kError}, {100, FetchClass::kError}, {600, FetchClass::kError},
      {-1, FetchClass::kError}};
  for (const Case& c : cases) EXPECT_EQ(ClassifyStatus(c.status), c.want) << c.status;
  EXPECT_STREQ(FetchClassName(FetchClass::k2xx), "2xx");
  EXPECT_STREQ(FetchClassName(FetchClass::k5xx), "5xx");
  EXPECT_STREQ(FetchClassName(FetchClass::kError), "error");
}

// Prometheus buckets are "less than or equal": a transfer of exactly a bound
// belongs to that bound's bucket, one millisecond more to the next.
TEST(FetchMetrics, LatencyLandsInTheFirstBucketWhoseBoundItDoesNotExceed) {
  struct Case {
    int64_t ms;
    size_t bucket;
  };
  const Case cases[] = {{0, 0},      {50, 0},     {51, 1},        {100, 1},  {101, 2},  {250, 2},
                        {499, 3},    {500, 3},    {1000, 4},      {1001, 5}, {2500, 5}, {5000, 6},
                        {10'000, 7}, {10'001, 8}, {3'600'000, 8}, {-5, 0}};
  for (const Case& c : cases) {
    FetchMetrics m;
    m.Record(200, 0, c.ms);
    FetchMetricsSnapshot s = m.Snapshot();
    for (size_t i = 0; i < s.buckets.size(); ++i) {
      EXPECT_EQ(s.buckets[i], i == c.bucket ? 1 : 0) << c.ms << " ms, bucket " << i;
    }
    EXPECT_EQ(s.count(), 1);
  }
}

TEST(FetchMetrics, CountsResponsesBytesAndTheSumOfTimes) {
  FetchMetrics m;
  m.Record(200, 1000, 30);
  m.Record(200, 500, 70);
  m.Record(301, 0, 5);
  m.Record(404, 120, 40);
  m.Record(503, 80, 3000);
  m.Record(0, 0, 10'000);  // e.g. a connect timeout
  FetchMetricsSnapshot s = m.Snapshot();
  EXPECT_EQ(s.responses[static_cast<size_t>(FetchClass::k2xx)], 2);
  EXPECT_EQ(s.responses[static_cast<size_t>(FetchClass::k3xx)], 1);
  EXPECT_EQ(s.responses[static_cast<size_t>(FetchClass::k4xx)], 1);
  EXPECT_EQ(s.responses[static_cast<size_t>(FetchClass::k5xx)], 1);
  EXPECT_EQ(s.responses[static_cast<size_t>(FetchClass::kError)], 1);
  EXPECT_EQ(s.total(), 6);
  EXPECT_EQ(s.count(), 6);
  EXPECT_EQ(s.bytes, 1700);
  EXPECT_EQ(s.sum_ms, 30 + 70 + 5 + 40 + 3000 + 10'000);
  // 5, 30, 40 ≤ 50 ms; 70 ≤ 100 ms; 3000 ≤ 5 s; 10 000 ≤ 10 s.
  const std::array<int64_t, kFetchLatencyBuckets> want = {3, 1, 0, 0, 0, 0, 1, 1, 0};
  EXPECT_EQ(s.buckets, want);
}

TEST(FetchMetrics, ThreadsRecordingAtOnceLoseNothing) {
  FetchMetrics m;
  constexpr int kThreads = 4;
  constexpr int kEach = 10'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kEach; ++i) m.Record(t % 2 == 0 ? 200 : 404, 3, i % 200);
    });
  }
  for (auto& th : threads) th.join();
  FetchMetricsSnapshot s = m.Snapshot();
  EXPECT_EQ(s.total(), kThreads * kEach);
  EXPECT_EQ(s.count(), kThreads * kEach);
  EXPECT_EQ(s.responses[static_cast<size_t>(FetchClass::k2xx)], kThreads / 2 * kEach);
  EXPECT_EQ(s.bytes, 3 * kThreads * kEach);
}

TEST(FetchMetricsSnapshot, JsonReadsBackExactly) {
  FetchMetrics m;
  m.Record(200, 51234, 12);
  m.Record(302, 0, 260);
  m.Record(0, 0, 12'000);
  FetchMetricsSnapshot s = m.Snapshot();
  std::string text = s.ToJson();
  EXPECT_EQ(text, R"({"b":51234,"h":[1,0,0,1,0,0,0,0,1],"r":[1,1,0,0,1],"s":12272})");
  auto back = FetchMetricsSnapshot::FromJson(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->responses, s.responses);
  EXPECT_EQ(back->buckets, s.buckets);
  EXPECT_EQ(back->bytes, s.bytes);
  EXPECT_EQ(back->sum_ms, s.sum_ms);
  // An empty snapshot too.
  auto empty = FetchMetricsSnapshot::FromJson(FetchMetricsSnapshot{}.ToJson());
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->count(), 0);
}

TEST(FetchMetricsSnapshot, JsonOfAnotherShapeIsRefused) {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      R"({"b":1,"h":[0,0,0,0,0,0,0,0,0],"s":0})",                    // no r
      R"({"r":[0,0,0,0,0],"b":1,"h":[0,0,0,0,0,0,0,0],"s":0})",      // 8 buckets
      R"({"r":[0,0,0,0],"b":1,"h":[0,0,0,0,0,0,0,0,0],"s":0})",      // 4 classes
      R"({"r":[0,0,0,0,-1],"b":1,"h":[0,0,0,0,0,0,0,0,0],"s":0})",   // negative
      R"({"r":[0,0,0,0,0],"b":"1","h":[0,0,0,0,0,0,0,0,0],"s":0})",  // a string
      R"({"r":[0,0,0,0,0],"b":1,"h":[0,0,0,0,0,0,0,0,0.5],"s":0})",  // a fraction
      R"({"r":[0,0,0,0,0],"b":1,"h":[0,0,0,0,0,0,0,0,0]})",          // no s
  };
  for (const char* text : bad) {
    auto parsed = FetchMetricsSnapshot::FromJson(text);
    EXPECT_FALSE(parsed) << text;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, ErrorCode::kUsage);
    }
  }
}

}  // namespace
}  // namespace trawl
