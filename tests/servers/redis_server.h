// A real redis-server for tests: started on a free loopback port in a fresh
// temporary folder (append-only file on, noeviction), stopped by its PID and
// the folder removed on destruction. Never touches a server it did not start.
#pragma once

#include <string>

namespace trawl::testing {

struct RedisServerOptions {
  bool appendonly = true;
  std::string password;  // "" none
  std::string maxmemory_policy = "noeviction";
};

class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Whether `redis-server` is installed: the first on PATH, or the file
  // TRAWL_TEST_REDIS_SERVER names. Tests check it with TRAWL_REQUIRE_REDIS()
  // (servers/require.h): skipped without, failed under CI=true.
  static bool Available();

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  int pid() const { return pid_; }
  // "redis://[:password@]127.0.0.1:PORT/0"
  std::string url() const;

  // SIGKILL, no save (data since the last fsync of the AOF may be lost).
  void Kill();
  // SIGTERM and wait (a clean shutdown).
  void Stop();
  // Starts again on the same port and folder (data kept); true when up.
  bool Start();

 private:
  RedisServerOptions options_;
  std::string dir_;
  int port_ = 0;
  int pid_ = -1;
};

}  // namespace trawl::testing
