#include "queue/redis_client.h"

#include <fmt/core.h>
#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <mutex>
#include <random>

namespace trawl {
namespace {

timeval ToTimeval(int64_t ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

// hiredis writes with write(2), so a server that went away would raise
// SIGPIPE and end the process; the connection error is handled instead.
// Only replaces the default disposition, never a handler the program set.
void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
  });
}

std::string Sha1Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

struct ArgvView {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  explicit ArgvView(const std::vector<std::string>& argv) {
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (const auto& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
};

}  // namespace

// ---- RedisReply -----------------------------------------------------------

std::string RedisReply::AsString() const {
  switch (type) {
    case Type::kString:
    case Type::kStatus:
    case Type::kError:
      return str;
    case Type::kInteger:
      return std::to_string(integer);
    default:
      return "";
  }
}

int64_t RedisReply::AsInt(int64_t fallback) const {
  if (type == Type::kInteger) return integer;
  if (type != Type::kString && type != Type::kStatus) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(str.data(), str.data() + str.size(), value);
  if (ec != std::errc() || end != str.data() + str.size()) return fallback;
  return value;
}

RedisScript::RedisScript(std::string source) : source_(std::move(source)), sha_(Sha1Hex(source_)) {}

// ---- RedisClient: connection ---------------------------------------------

RedisClient::RedisClient(RedisConfig config) : config_(std::move(config)) { IgnoreSigpipeOnce(); }

RedisClient::~RedisClient() { Disconnect(); }

void RedisClient::Disconnect() {
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
}

Result<void> RedisClient::EnsureConnected() {
  if (ctx_ != nullptr) return {};
  std::string where = config_.host + ":" + std::to_string(config_.port);
  redisContext* ctx = redisConnectWithTimeout(config_.host.c_str(), config_.port,
                                              ToTimeval(config_.connect_timeout_ms));
  if (ctx == nullptr) return Fail(ErrorCode::kUnavailable, "redis " + where + ": out of memory");
  if (ctx->err != 0) {
    std::string why = ctx->errstr;
    redisFree(ctx);
    return Fail(ErrorCode::kUnavailable, fmt::format("redis {}: {}", where, why));
  }
  if (redisSetTimeout(ctx, ToTimeval(config_.command_timeout_ms)) != REDIS_OK) {
    redisFree(ctx);
    return Fail(ErrorCode::kUnavailable, "redis " + where + ": cannot set the socket timeout");
  }
  ctx_ = ctx;
  // AUTH and SELECT go first on every (re)connection; a refusal is reported
  // as kUnavailable so that callers back off and retry like on any outage.
  std::vector<std::vector<std::string>> setup;
  if (!config_.password.empty()) {
    if (config_.username.empty()) {
      setup.push_back({"AUTH", config_.password});
    } else {
      setup.push_back({"AUTH", config_.username, config_.password});
    }
  }
  if (config_.db != 0) setup.push_back({"SELECT", std::to_string(config_.db)});
  for (const auto& argv : setup) {
    ArgvView view(argv);
    auto* raw = static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(argv.size()), view.ptrs.data(), view.lens.data()));
    if (raw == nullptr) {
      std::string why = ctx_->errstr;
      Disconnect();
      return Fail(ErrorCode::kUnavailable, fmt::format("redis {}: {}", where, why));
    }
    RedisReply reply = Convert(raw);
    freeReplyObject(raw);
    if (reply.is_error()) {
      Disconnect();
      // The server's message never repeats the password.
      std::string what = argv[0] == "AUTH" ? "authentication failed" : "SELECT failed";
      return Fail(ErrorCode::kUnavailable, fmt::format("redis {}: {}: {}", where, what, reply.str));
    }
  }
  return {};
}

// ---- RedisClient: commands -----------------------------------------------

Result<RedisReply> RedisClient::Command(const std::vector<std::string>& argv) {
  if (argv.empty()) return Fail(ErrorCode::kInternal, "redis: empty command");
  if (auto ok = EnsureConnected(); !ok) return tl::unexpected(ok.error());
  ArgvView view(argv);
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(argv.size()), view.ptrs.data(), view.lens.data()));
  if (raw == nullptr) {
    std::string why = ctx_->errstr;
    Disconnect();
    return Fail(ErrorCode::kUnavailable, "redis " + argv.front() + ": " + why);
  }
  RedisReply reply = Convert(raw);
  freeReplyObject(raw);
  return reply;
}

Result<RedisReply> RedisClient::BlockingCommand(const std::vector<std::string>& argv,
                                                int block_ms) {
  if (auto ok = EnsureConnected(); !ok) return tl::unexpected(ok.error());
  int64_t wait_ms = static_cast<int64_t>(config_.command_timeout_ms) + std::max(block_ms, 0);
  if (redisSetTimeout(ctx_, ToTimeval(wait_ms)) != REDIS_OK) {
    Disconnect();
    return Fail(ErrorCode::kUnavailable, "redis: cannot set the socket timeout");
  }
  auto reply = Command(argv);
  if (ctx_ != nullptr && redisSetTimeout(ctx_, ToTimeval(config_.command_timeout_ms)) != REDIS_OK) {
    Disconnect();
  }
  return reply;
}

Result<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<RedisReply> replies;
  if (commands.empty()) return replies;
  for (const auto& argv : commands) {
    if (argv.empty()) return Fail(ErrorCode::kInternal, "redis: empty command in a pipeline");
  }
  if (auto ok = EnsureConnected(); !ok) return tl::unexpected(ok.error());
  for (const auto& argv : commands) {
    ArgvView view(argv);
    if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), view.ptrs.data(),
                               view.lens.data()) != REDIS_OK) {
      std::string why = ctx_->errstr;
      Disconnect();
      return Fail(ErrorCode::kUnavailable, "redis pipeline: " + why);
    }
  }
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
      // Unread replies would answer the next command: drop the connection.
      std::string why = ctx_->errstr;
      Disconnect();
      return Fail(ErrorCode::kUnavailable, "redis pipeline: " + why);
    }
    replies.push_back(Convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return replies;
}

Result<RedisReply> RedisClient::Eval(const RedisScript& script,
                                     const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha());
  argv.push_back(std::to_string(keys.size()));
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = Command(argv);
  if (!reply || !reply->is_error() || reply->str.rfind("NOSCRIPT", 0) != 0) return reply;
  // The server does not know the script yet (or restarted): EVAL runs it and
  // caches it, so the next EVALSHA succeeds.
  argv[0] = "EVAL";
  argv[1] = script.source();
  return Command(argv);
}

Result<std::optional<RedisReply>> RedisClient::NextPush(int wait_ms) {
  if (ctx_ == nullptr) return Fail(ErrorCode::kUnavailable, "redis: not subscribed");
  // A reply already buffered comes first; only then wait on the socket, so a
  // quiet channel never leaves hiredis in its timed-out (unusable) state.
  for (int round = 0; round < 2; ++round) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(ctx_, &raw) != REDIS_OK) {
      std::string why = ctx_->errstr;
      Disconnect();
      return Fail(ErrorCode::kUnavailable, "redis subscription: " + why);
    }
    if (raw != nullptr) {
      RedisReply reply = Convert(static_cast<redisReply*>(raw));
      freeReplyObject(raw);
      return std::optional<RedisReply>(std::move(reply));
    }
    if (round == 1) break;
    pollfd pfd{ctx_->fd, POLLIN, 0};
    int ready = poll(&pfd, 1, std::max(wait_ms, 0));
    if (ready == 0 || (ready < 0 && errno == EINTR)) return std::optional<RedisReply>{};
    if (ready < 0 || redisBufferRead(ctx_) != REDIS_OK) {
      std::string why = ready < 0 ? "poll failed" : std::string(ctx_->errstr);
      Disconnect();
      return Fail(ErrorCode::kUnavailable, "redis subscription: " + why);
    }
  }
  return std::optional<RedisReply>{};
}

Result<int64_t> RedisClient::Ping() {
  auto start = std::chrono::steady_clock::now();
  auto reply = Command({"PING"});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return Fail(ErrorCode::kUnavailable, "redis PING: " + reply->str);
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

int64_t RetryDelayMs(int attempt) {
  constexpr int64_t kBaseMs = 100;
  constexpr int64_t kCapMs = 5000;
  int shift = std::clamp(attempt, 0, 16);
  int64_t delay = std::min(kBaseMs << shift, kCapMs);
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return static_cast<int64_t>(static_cast<double>(delay) * jitter(rng));
}

}  // namespace trawl
