// `trawl up`: a local parallel stack in one command — redis-server (started
// here when none answers and it is installed), the API server in this
// process, and `trawl workers -n N` as a child. Ctrl+C stops the workers,
// then the server, then the redis-server it started, in that order.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/serve_setup.h"
#include "api/server.h"
#include "cli/commands.h"
#include "cli/fetch_options.h"

namespace trawl {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int64_t kWorkersGraceMs = 40'000;  // the workers' own grace (30 s) and then some
constexpr int64_t kRedisStopMs = 10'000;
constexpr int64_t kRedisStartMs = 10'000;

// Forks and execs argv in its own process group (Ctrl+C in the terminal
// reaches only `trawl up`, which stops the children in order) with the
// default signal mask and `extra_env` ("NAME=value") added to ours; the child
// gets SIGTERM if this process dies. Everything is built before fork: the
// API server's threads may hold locks the child must not need. -1 on failure.
pid_t SpawnChild(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv = *e;
    bool replaced = false;
    for (const std::string& x : extra_env) {
      if (kv.substr(0, kv.find('=') + 1) == x.substr(0, x.find('=') + 1)) replaced = true;
    }
    if (!replaced) env.push_back(*e);
  }
  for (const std::string& x : extra_env) env.push_back(const_cast<char*>(x.c_str()));
  env.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);  // the parent died before prctl
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execvpe(args[0], args.data(), env.data());
  constexpr char kMsg[] = "trawl up: cannot run a child process (exec failed)\n";
  ssize_t ignored = write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  (void)ignored;
  _exit(127);
}

bool Exited(pid_t pid, int* status = nullptr) {
  int st = 0;
  pid_t r = waitpid(pid, &st, WNOHANG);
  if (r == pid && status) *status = st;
  return r == pid || (r < 0 && errno == ECHILD);
}

// SIGTERM, then up to `grace_ms` (a second Ctrl+C cuts it short), then
// SIGKILL of the child's whole process group.
void StopChild(pid_t pid, const char* name, int64_t grace_ms, const sigset_t& signals) {
  if (pid <= 0 || Exited(pid)) return;
  kill(pid, SIGTERM);
  auto deadline = Clock::now() + std::chrono::milliseconds(grace_ms);
  timespec tick{0, 100'000'000};
  while (Clock::now() < deadline) {
    if (Exited(pid)) return;
    if (sigtimedwait(&signals, nullptr, &tick) > 0) break;  // impatient user
  }
  std::fprintf(stderr, "trawl up: %s did not stop in time; killing it\n", name);
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

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

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    std::string dir = dirs.substr(start, colon - start);
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
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
    // The server must ask for the password the URL carries. It goes into a
    // config file only we can read (redis-server takes a config file as its
    // first argument), not onto the command line where `ps` would show it.
    fs::path conf = dir / "trawl-up.conf";
    int fd = open(conf.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0) {
      std::fprintf(stderr, "trawl up: cannot write %s\n", conf.c_str());
      if (fd >= 0) close(fd);
      return -1;
    }
    std::string quoted;
    for (char c : config.password) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    std::string line = "requirepass \"" + quoted + "\"\n";
    bool written = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    close(fd);
    if (!written) {
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

// The fetching flags as given on our command line, to hand to the workers:
// every "--name[=value]" that is not one of `own` (with its value when the
// option takes one).
std::vector<std::string> ForwardedFlags(const CLI::App& app, int argc, char** argv,
                                        const std::set<std::string>& own) {
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!arg.starts_with("--")) continue;
    std::string name = arg.substr(0, arg.find('='));
    const CLI::Option* opt = app.get_option_no_throw(name);
    if (!opt) continue;
    bool takes_value = opt->get_items_expected_min() > 0;  // 0 for flags
    bool inline_value = arg.find('=') != std::string::npos;
    if (own.count(name)) {
      if (takes_value && !inline_value) ++i;
      continue;
    }
    out.push_back(arg);
    if (takes_value && !inline_value && i + 1 < argc) out.push_back(argv[++i]);
  }
  return out;
}

}  // namespace

int RunUp(int argc, char** argv) {
  CLI::App app{"Start a local parallel stack: redis-server (if none answers), the API, N workers."};
  app.name("trawl up");
  ServerOptions options;
  int workers = 2;
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::string redis_prefix;
  std::string data_dir = "./trawl-data";
  std::string db_url;
  FetchFlags fetch;
  app.add_option("-n,--workers", workers, "worker processes to start")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  app.add_option("--port", options.port, "API port on 127.0.0.1")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--redis", redis_url, "redis://[:password@]host:port/db")
      ->envname("TRAWL_REDIS_URL")
      ->capture_default_str();
  app.add_option("--redis-prefix", redis_prefix, "prefix of every Redis key (default trawl:)")
      ->envname("TRAWL_REDIS_PREFIX");
  app.add_option("--db", db_url, "SQLite file or postgresql:// URL (default DATA_DIR/trawl.db)")
      ->envname("TRAWL_DB_URL");
  app.add_option("--data-dir", data_dir, "folder for the database and a redis-server started here")
      ->capture_default_str();
  app.add_option("--token", options.token, "require 'Authorization: Bearer TOKEN' on /api")
      ->envname("TRAWL_API_TOKEN");
  app.add_option("--ui-port", options.ui_port,
                 "also serve the web page and /api on this port (e.g. 3000); 0: off")
      ->envname("TRAWL_UI_PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("--webhook-secret", options.webhook_secret,
                 "key of the HMAC-SHA256 signature of job webhooks (options.webhook_url)")
      ->envname("TRAWL_WEBHOOK_SECRET");
  fetch.Add(app, options.crawl);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  fetch.Apply(options.crawl);
  auto redis = RedisSetting(redis_url, redis_prefix);
  if (!redis || !*redis) {
    std::fprintf(stderr, "trawl up: --redis: %s\n",
                 redis ? "a Redis URL is needed (trawl serve runs without one)"
                       : redis.error().message.c_str());
    return 2;
  }
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "trawl up: cannot create %s: %s\n", data_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  options.db_url = db_url.empty() ? (fs::path(data_dir) / "trawl.db").string() : db_url;
  options.redis = *redis;

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const RedisConfig& rc = **redis;
  pid_t redis_pid = -1;
  bool redis_up = RedisAnswers(rc);
  if (redis_up) {
    std::fprintf(stderr, "trawl up: using the Redis at %s\n", RedactRedisUrl(rc).c_str());
  } else if (!IsLocalHost(rc.host)) {
    std::fprintf(stderr,
                 "trawl up: no Redis answers at %s (not this machine, so none is started)\n",
                 RedactRedisUrl(rc).c_str());
  } else if (!OnPath("redis-server")) {
    std::fprintf(stderr,
                 "trawl up: no Redis answers at %s and redis-server is not installed "
                 "(apt-get install redis-server)\n",
                 RedactRedisUrl(rc).c_str());
  } else {
    redis_pid = StartRedis(rc, data_dir);
    redis_up = redis_pid > 0;
  }
  if (!redis_up) {
    std::fprintf(stderr, "trawl up: jobs run embedded in the API server; no workers started\n");
  }

  ApiServer server(options);
  if (auto started = server.Start(); !started) {
    std::fprintf(stderr, "trawl up: %s\n", started.error().message.c_str());
    StopChild(redis_pid, "redis-server", kRedisStopMs, stop_signals);
    return started.error().code == ErrorCode::kUsage ? 2 : 1;
  }
  std::fputs(ServeBanner("trawl up", options, server.port()).c_str(), stderr);

  pid_t workers_pid = -1;
  if (redis_up && workers > 0) {
    std::string self = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) self = "/proc/self/exe";
    std::vector<std::string> wargv = {self,   "workers",     "-n", std::to_string(workers),
                                      "--db", options.db_url};
    // The URL goes by environment when it holds a password, so `ps` does not show it.
    std::vector<std::string> env = {"TRAWL_REDIS_URL=" + redis_url};
    if (rc.password.empty()) {
      wargv.push_back("--redis");
      wargv.push_back(redis_url);
    }
    if (!redis_prefix.empty()) env.push_back("TRAWL_REDIS_PREFIX=" + redis_prefix);
    auto forwarded = ForwardedFlags(
        app, argc, argv,
        {"--workers", "--port", "--redis", "--redis-prefix", "--db", "--data-dir", "--token"});
    wargv.insert(wargv.end(), forwarded.begin(), forwarded.end());
    std::string shown = "trawl";
    for (size_t i = 1; i < wargv.size(); ++i) shown += " " + wargv[i];
    std::fprintf(stderr, "trawl up: starting %s\n", shown.c_str());
    workers_pid = SpawnChild(wargv, env);
    if (workers_pid < 0)
      std::fprintf(stderr, "trawl up: cannot start the workers: %s\n", std::strerror(errno));
  }
  std::fprintf(
      stderr,
      "trawl up: ready; Ctrl+C stops workers, API server and the redis-server started here\n");
  std::fflush(stderr);

  int exit_code = 0;
  timespec tick{1, 0};
  for (;;) {
    if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) break;
    int status = 0;
    if (workers_pid > 0 && Exited(workers_pid, &status)) {
      std::fprintf(stderr, "trawl up: the workers exited (%s %d); stopping\n",
                   WIFEXITED(status) ? "status" : "signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
      workers_pid = -1;
      exit_code = 1;
      break;
    }
    if (redis_pid > 0 && Exited(redis_pid, &status)) {
      std::fprintf(stderr, "trawl up: redis-server exited; new jobs fall back to embedded mode\n");
      redis_pid = -1;
    }
  }
  std::fprintf(stderr, "trawl up: stopping workers, then the API server, then redis-server\n");
  StopChild(workers_pid, "the workers", kWorkersGraceMs, stop_signals);
  server.Stop();
  StopChild(redis_pid, "redis-server", kRedisStopMs, stop_signals);
  std::fprintf(stderr, "trawl up: stopped\n");
  return exit_code;
}

}  // namespace trawl
