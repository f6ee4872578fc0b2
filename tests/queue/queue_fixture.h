// Shared set-up for the queue suite: one redis-server per test process
// (started on first use, stopped at exit), and a key prefix per test so tests
// never see each other's keys. Tests that kill or reconfigure a server start
// their own.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "queue/redis_client.h"
#include "queue/task_queue.h"
#include "servers/redis_server.h"
#include "servers/require.h"

namespace trawl {

// The suite's server (append-only on, noeviction); nullptr when redis-server
// is not installed or would not start.
inline testing::RedisServer* SharedRedis() {
  static std::unique_ptr<testing::RedisServer> server = [] {
    if (!testing::RedisServer::Available()) return std::unique_ptr<testing::RedisServer>();
    auto s = std::make_unique<testing::RedisServer>();
    return s->ok() ? std::move(s) : std::unique_ptr<testing::RedisServer>();
  }();
  return server.get();
}

// A config for `server` whose prefix is unique to the running test.
inline RedisConfig ConfigFor(const testing::RedisServer& server) {
  auto parsed = ParseRedisUrl(server.url());
  EXPECT_TRUE(parsed.has_value());
  RedisConfig config = parsed ? *parsed : RedisConfig{};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  config.prefix = std::string("t:") + info->test_suite_name() + "." + info->name() + ":";
  return config;
}

// The suite's server, or the test ends: skipped where redis-server is not
// installed (failed under CI=true, servers/require.h), failed where it is
// installed but would not start.
#define TRAWL_REQUIRE_SHARED_REDIS()                                   \
  do {                                                                 \
    TRAWL_REQUIRE_REDIS();                                             \
    ASSERT_NE(SharedRedis(), nullptr) << "redis-server did not start"; \
  } while (0)

// Claims until `want` tasks arrived or `timeout` passed (a guard, not a
// measurement); what arrived.
inline std::vector<QueuedTask> ClaimUntil(
    TaskQueue& queue, const std::string& consumer, size_t want, int64_t visibility_ms,
    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  std::vector<QueuedTask> got;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto batch = queue.Claim(consumer, static_cast<int>(want - got.size()), 100, visibility_ms);
    if (!batch) {
      ADD_FAILURE() << batch.error().message;
      break;
    }
    got.insert(got.end(), batch->begin(), batch->end());
  }
  return got;
}

inline std::vector<std::string> Domains(int n, const std::string& stem = "example") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(stem + std::to_string(i) + ".co.uk");
  return out;
}

inline QueueJob NewJob(const std::string& id) {
  QueueJob job;
  job.id = id;
  job.status = "pending";
  job.mode = "redis_parallel";
  job.created_at_ms = 1'700'000'000'000;
  return job;
}

}  // namespace trawl
