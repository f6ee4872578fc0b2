// `trawl up`'s local stack (local_stack.h).
#include "cli/local_stack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "api/serve_setup.h"
#include "core/process.h"
#include "core/signals.h"

namespace trawl {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int64_t kRedisStopMs = 10'000;
constexpr int64_t kRedisStartMs = 10'000;
constexpr int64_t kWorkersExtraMs = 10'000;  // beyond the workers' own grace

bool RedisAnswers(const RedisConfig& config) {
  RedisConfig quick = config;
  quick.connect_timeout_ms = 1000;
  quick.command_timeout_ms = 2000;
  RedisClient client(quick);
  return client.Ping().has_value();
}

bool IsLocalHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

// The server must ask for the password the URL carries. It goes into a
// config file only we can read (redis-server takes a config file as its
// first argument), not onto the command line where `ps` would show it.
bool WritePasswordConfig(const fs::path& conf, const std::string& password) {
  int fd = open(conf.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || fchmod(fd, 0600) != 0) {
    if (fd >= 0) close(fd);
    return false;
  }
  std::string quoted;
  for (char c : password) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  std::string line = "requirepass \"" + quoted + "\"\n";
  bool written = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  return written;
}

// Starts redis-server for `config` with a data folder under `data_dir`;
// waits until it answers. Returns its pid, or -1 (and says why).
pid_t StartRedis(const RedisConfig& config, const fs::path& data_dir) {
  fs::path dir = fs::absolute(data_dir / "redis");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "trawl up: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return -1;
  }
  std::vector<std::string> argv = {"redis-server", "--port",    std::to_string(config.port),
                                   "--bind",       "127.0.0.1", "--dir",
                                   dir.string(),   "--logfile", (dir / "redis.log").string(),
                                   "--appendonly", "yes",       "--maxmemory-policy",
                                   "noeviction",   "--save",    ""};
  if (!config.password.empty()) {
    fs::path conf = dir / "trawl-up.conf";
    if (!WritePasswordConfig(conf, config.password)) {
      std::fprintf(stderr, "trawl up: cannot write %s\n", conf.c_str());
      return -1;
    }
    argv.insert(argv.begin() + 1, conf.string());
  }
  pid_t pid = SpawnChild(argv, {});
  if (pid < 0) return -1;
  auto deadline = Clock::now() + std::chrono::milliseconds(kRedisStartMs);
  while (Clock::now() < deadline) {
    if (Exited(pid)) {
      std::fprintf(stderr, "trawl up: redis-server exited at once; see %s\n",
                   (dir / "redis.log").c_str());
      return -1;
    }
    if (RedisAnswers(config)) {
      std::fprintf(stderr,
                   "trawl up: started redis-server (pid %d) on 127.0.0.1:%d, data in %s "
                   "(append-only, noeviction)\n",
                   pid, config.port, dir.c_str());
      return pid;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "trawl up: redis-server did not answer within %lld s; stopping it\n",
               static_cast<long long>(kRedisStartMs / 1000));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

// The Redis of `config`: one that answers, or one started here. Returns
// false when there is none (jobs then run embedded); `pid` is the started
// server's, or -1.
bool EnsureRedis(const RedisConfig& config, const std::string& data_dir, pid_t& pid) {
  pid = -1;
  std::string where = RedactRedisUrl(config);
  if (RedisAnswers(config)) {
    std::fprintf(stderr, "trawl up: using the Redis at %s\n", where.c_str());
    return true;
  }
  if (!IsLocalHost(config.host)) {
    std::fprintf(stderr,
                 "trawl up: no Redis answers at %s (not this machine, so none is started)\n",
                 where.c_str());
  } else if (!OnPath("redis-server")) {
    std::fprintf(stderr,
                 "trawl up: no Redis answers at %s and redis-server is not installed "
                 "(apt-get install redis-server)\n",
                 where.c_str());
  } else {
    pid = StartRedis(config, data_dir);
  }
  return pid > 0;
}

pid_t StartWorkers(const LocalStackOptions& o) {
  std::error_code ec;
  std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) self = "/proc/self/exe";
  std::vector<std::string> argv = {self, "workers", "-n", std::to_string(o.workers)};
  argv.insert(argv.end(), o.worker_args.begin(), o.worker_args.end());
  std::string shown = "trawl";
  for (size_t i = 1; i < argv.size(); ++i) shown += " " + argv[i];
  std::fprintf(stderr, "trawl up: starting %s\n", shown.c_str());
  pid_t pid = SpawnChild(argv, o.worker_env);
  if (pid < 0)
    std::fprintf(stderr, "trawl up: cannot start the workers: %s\n", std::strerror(errno));
  return pid;
}

// Waits for a stop signal, or for the workers to exit (returns 1).
int WaitForStop(const sigset_t& stop_signals, pid_t& workers_pid, pid_t& redis_pid) {
  timespec tick{1, 0};
  for (;;) {
    if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) return 0;
    int status = 0;
    if (workers_pid > 0 && Exited(workers_pid, &status)) {
      std::fprintf(stderr, "trawl up: the workers exited (%s %d); stopping\n",
                   WIFEXITED(status) ? "status" : "signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
      workers_pid = -1;
      return 1;
    }
    if (redis_pid > 0 && Exited(redis_pid, &status)) {
      std::fprintf(stderr, "trawl up: redis-server exited; new jobs fall back to embedded mode\n");
      redis_pid = -1;
    }
  }
}

}  // namespace

int RunLocalStack(const LocalStackOptions& o) {
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "trawl up: cannot create %s: %s\n", o.data_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  sigset_t stop_signals = BlockStopSignals();
  pid_t redis_pid = -1;
  bool redis_up = EnsureRedis(*o.server.redis, o.data_dir, redis_pid);
  if (!redis_up) {
    std::fprintf(stderr, "trawl up: jobs run embedded in the API server; no workers started\n");
  }
  ApiServer server(o.server);
  if (auto started = server.Start(); !started) {
    std::fprintf(stderr, "trawl up: %s\n", started.error().message.c_str());
    StopChild(redis_pid, "redis-server", kRedisStopMs, stop_signals);
    return started.error().code == ErrorCode::kUsage ? 2 : 1;
  }
  std::fputs(ServeBanner("trawl up", o.server, server.port()).c_str(), stderr);
  pid_t workers_pid = redis_up && o.workers > 0 ? StartWorkers(o) : -1;
  std::fprintf(
      stderr,
      "trawl up: ready; Ctrl+C stops workers, API server and the redis-server started here\n");
  std::fflush(stderr);
  int exit_code = WaitForStop(stop_signals, workers_pid, redis_pid);
  std::fprintf(stderr, "trawl up: stopping workers, then the API server, then redis-server\n");
  StopChild(workers_pid, "the workers", o.workers_grace_ms + kWorkersExtraMs, stop_signals);
  server.Stop();
  StopChild(redis_pid, "redis-server", kRedisStopMs, stop_signals);
  std::fprintf(stderr, "trawl up: stopped\n");
  return exit_code;
}

}  // namespace trawl
