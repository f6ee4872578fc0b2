#include "servers/redis_server.h"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>
#include <vector>

#include "core/text.h"
#include "servers/ports.h"
#include "servers/spawn.h"

namespace trawl::testing {
namespace {

constexpr int kStartAttempts = 5;
constexpr auto kReadyTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(10);

// TRAWL_TEST_REDIS_SERVER when set (a path, e.g. /nonexistent to see how
// the tests behave without a server), else the first redis-server on PATH.
std::string FindRedisServer() {
  if (const char* chosen = std::getenv("TRAWL_TEST_REDIS_SERVER"); chosen != nullptr && *chosen) {
    return access(chosen, X_OK) == 0 ? chosen : "";
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/usr/local/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/redis-server";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Whether the server on `port` answers PING with PONG (not LOADING).
bool Pong(int port, const std::string& password) {
  timeval tv{1, 0};
  redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (ctx == nullptr) return false;
  bool ok = false;
  if (ctx->err == 0) {
    redisSetTimeout(ctx, tv);
    bool authed = true;
    if (!password.empty()) {
      const char* argv[] = {"AUTH", password.c_str()};
      size_t lens[] = {4, password.size()};
      auto* auth = static_cast<redisReply*>(redisCommandArgv(ctx, 2, argv, lens));
      authed = auth != nullptr && auth->type == REDIS_REPLY_STATUS;
      if (auth != nullptr) freeReplyObject(auth);
    }
    if (authed) {
      auto* reply = static_cast<redisReply*>(redisCommand(ctx, "PING"));
      ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
           std::strcmp(reply->str, "PONG") == 0;
      if (reply != nullptr) freeReplyObject(reply);
    }
  }
  redisFree(ctx);
  return ok;
}

}  // namespace

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  if (!Available()) return;
  char tmpl[] = "/tmp/trawl-redis-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return;
  dir_ = tmpl;
  for (int attempt = 0; attempt < kStartAttempts && pid_ < 0; ++attempt) {
    port_ = FreeLoopbackPort();
    if (port_ > 0) Start();
  }
}

RedisServer::~RedisServer() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

bool RedisServer::Available() { return !FindRedisServer().empty(); }

std::string RedisServer::url() const {
  std::string auth = options_.password.empty() ? "" : ":" + PercentEncode(options_.password) + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/0";
}

bool RedisServer::Start() {
  if (pid_ > 0) return true;
  std::string binary = FindRedisServer();
  if (binary.empty() || dir_.empty() || port_ <= 0) return false;
  std::vector<std::string> args{"--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--dir",
                                dir_,
                                "--appendonly",
                                options_.appendonly ? "yes" : "no",
                                "--appendfsync",
                                "always",
                                "--save",
                                "",
                                "--maxmemory-policy",
                                options_.maxmemory_policy,
                                "--daemonize",
                                "no",
                                "--logfile",
                                dir_ + "/redis.log"};
  if (!options_.password.empty()) args.insert(args.end(), {"--requirepass", options_.password});
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), args.begin(), args.end());
  // Dies with the test process, even when it is killed before its
  // destructors run, so no server outlives its suite.
  int pid = SpawnProcess(argv, {.die_with_parent = true});
  if (pid < 0) return false;
  auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    // Exited already: e.g. the port was taken meanwhile.
    if (WaitExit(pid, std::chrono::milliseconds(0))) return false;
    if (Pong(port_, options_.password)) {
      pid_ = pid;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  StopProcess(pid, SIGKILL, kStopTimeout);
  return false;
}

void RedisServer::Kill() {
  if (pid_ <= 0) return;
  StopProcess(pid_, SIGKILL, kStopTimeout);
  pid_ = -1;
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  StopProcess(pid_, SIGTERM, kStopTimeout);
  pid_ = -1;
}

}  // namespace trawl::testing
