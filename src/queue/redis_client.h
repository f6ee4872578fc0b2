// A thin synchronous Redis client over hiredis: one connection, commands as
// argument vectors (binary-safe, never formatted into a string), pipelines,
// Lua scripts by SHA with a fallback to EVAL.
//
// Thread-safety: one RedisClient per thread; it is not shared. A lost
// connection is reported as kUnavailable and re-dialled on the next call, so
// callers retry with backoff (see RetryDelayMs) and carry on.
//
// hiredis writes with write(2), so a server that went away would raise
// SIGPIPE: the first RedisClient constructed sets SIGPIPE to ignored if it
// still has its default action (a handler the program installed is kept).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

struct redisContext;

namespace trawl {

// What --redis means when not given (`trawl serve` excepted: it runs without).
inline constexpr const char* kDefaultRedisUrl = "redis://127.0.0.1:6379/0";

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // "" for none
  std::string username;  // Redis 6 ACL user; "" for the default user
  int db = 0;
  std::string prefix = "trawl:";  // every key starts with it
  int connect_timeout_ms = 2000;
  int command_timeout_ms = 10000;  // blocking reads add their own block time
};

// Parses `redis://[[user]:password@]host[:port][/db]` (also `unix:`-less
// plain `host:port`). Fails with kUsage on anything else; the message never
// repeats the password.
Result<RedisConfig> ParseRedisUrl(std::string_view url);
// The URL with the password replaced by "***", for logs and /api/health.
std::string RedactRedisUrl(const RedisConfig& config);

struct RedisReply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;                   // kString, kStatus, kError
  int64_t integer = 0;               // kInteger
  std::vector<RedisReply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  // A string, status or integer as text; "" otherwise.
  std::string AsString() const;
  // An integer, or a string holding one; `fallback` otherwise.
  int64_t AsInt(int64_t fallback = 0) const;
};

// A Lua script: its source and SHA1 (computed once).
class RedisScript {
 public:
  explicit RedisScript(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }

 private:
  std::string source_;
  std::string sha_;
};

class RedisClient {
 public:
  explicit RedisClient(RedisConfig config);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  const RedisConfig& config() const { return config_; }
  // The key `name` with the configured prefix, e.g. Key("tasks") → "trawl:tasks".
  std::string Key(std::string_view name) const { return config_.prefix + std::string(name); }

  // Runs one command. A Redis error reply comes back as a reply of type
  // kError (not a failure); a failure is kUnavailable (connection lost,
  // timeout; the connection is closed and re-dialled on the next call).
  Result<RedisReply> Command(const std::vector<std::string>& argv);
  // Like Command, with `block_ms` added to the read timeout (XREADGROUP BLOCK).
  Result<RedisReply> BlockingCommand(const std::vector<std::string>& argv, int block_ms);
  // Sends all commands, then reads all replies (one round trip).
  Result<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  // EVALSHA, loading the script with EVAL when the server does not know it.
  Result<RedisReply> Eval(const RedisScript& script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args);
  // PING; the round trip in microseconds.
  Result<int64_t> Ping();

  // Pub/sub: after Command({"SUBSCRIBE", channel}) the connection only
  // receives pushed messages. NextPush waits up to `wait_ms` for the next one
  // and returns it, or nullopt when none came in time (the connection stays
  // usable). kUnavailable when the connection is lost (it is closed; dial and
  // SUBSCRIBE again).
  Result<std::optional<RedisReply>> NextPush(int wait_ms);

  bool connected() const { return ctx_ != nullptr; }
  void Disconnect();

 private:
  Result<void> EnsureConnected();

  RedisConfig config_;
  redisContext* ctx_ = nullptr;
};

// Exponential backoff for reconnecting: 100 ms, 200 ms, … capped at 5 s,
// with ±20 % jitter. `attempt` counts from 0.
int64_t RetryDelayMs(int attempt);

}  // namespace trawl
