// Enqueueing a big job: 100,000 domains in one CreateJob against a real
// redis-server, with the time it took and Redis memory per queued domain
// printed (issue 3 target: a few seconds, ≤ 200 bytes per domain). Only a
// loose guard is asserted; the figures belong to the benchmark.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "queue_fixture.h"

namespace trawl {
namespace {

int64_t UsedMemory(RedisClient& client) {
  auto info = client.Command({"INFO", "memory"});
  if (!info || info->is_error()) return -1;
  std::string text = info->AsString();
  size_t at = text.find("used_memory:");
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + 12));
}

TEST(EnqueueLoad, HundredThousandDomainsInOneJob) {
  TRAWL_REQUIRE_REDIS();
  // A server of its own, so that other tests' keys do not blur the figure.
  testing::RedisServer server;
  ASSERT_TRUE(server.ok());
  TaskQueue queue(ConfigFor(server));
  ASSERT_TRUE(queue.EnsureGroup().has_value());
  constexpr int kDomains = 100'000;
  std::vector<std::string> domains;
  domains.reserve(kDomains);
  for (int i = 0; i < kDomains; ++i) domains.push_back("company-" + std::to_string(i) + ".co.uk");
  QueueJob job = NewJob("3f2a9c4e1b7d8a60");  // a 16-hex-digit id like the API's

  int64_t before = UsedMemory(queue.client());
  auto start = std::chrono::steady_clock::now();
  auto created = queue.CreateJob(job, domains);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(created.has_value()) << created.error().message;
  int64_t after = UsedMemory(queue.client());
  ASSERT_GT(before, 0);
  ASSERT_GT(after, before);
  double per_domain = static_cast<double>(after - before) / kDomains;
  std::printf("enqueue_domains=%d enqueue_seconds=%.3f bytes_per_queued_domain=%.1f\n", kDomains,
              seconds, per_domain);
  RecordProperty("enqueue_seconds", std::to_string(seconds));
  RecordProperty("bytes_per_queued_domain", std::to_string(per_domain));
  EXPECT_LT(per_domain, 400.0);

  auto counts = queue.Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->depth, kDomains);
  EXPECT_EQ(counts->pending, 0);
  auto stored = queue.GetJob(job.id);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->total, kDomains);
  // Order is kept: the first claimed task is the first domain.
  auto first = queue.Claim("w", 1, 0, 60'000);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].input_index, 0);
  EXPECT_EQ((*first)[0].domain, "company-0.co.uk");
}

}  // namespace
}  // namespace trawl
