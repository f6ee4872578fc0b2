// The supervisor (supervisor.h): fork/exec of N `trawl worker` children, one
// pipe each for their stdout and stderr, a poll loop that prefixes and
// forwards whole lines, and restarts with backoff.
//
// Children run in their own process group, so a terminal's Ctrl+C reaches
// only the supervisor, which then asks each child once (SIGTERM) — a second
// signal would make a worker leave at once. PR_SET_PDEATHSIG ends a child
// whose supervisor was killed outright.
#include "worker/supervisor.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "core/clock.h"
#include "worker/worker_log.h"

namespace trawl {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kFirstBackoffMs = 1000;
constexpr int64_t kMaxBackoffMs = 30'000;
constexpr int64_t kStableUptimeMs =
    60'000;                             // up this long: the next crash starts from kFirstBackoffMs
constexpr int64_t kQuickExitMs = 1000;  // an exit 0 sooner than this is a failure to start
constexpr int64_t kStopExtraMs = 5000;  // beyond the workers' grace before SIGKILL

std::atomic<int> g_signals{0};

void OnSignal(int) { g_signals.fetch_add(1); }

struct Child {
  int index = 0;     // 1-based
  std::string name;  // "worker-<index>"
  std::string id;    // the worker's --id
  pid_t pid = -1;    // -1: not running
  int fd = -1;       // read end of its stdout+stderr pipe
  std::string partial;
  Clock::time_point started{};
  Clock::time_point restart_at{};
  int64_t backoff_ms = kFirstBackoffMs;
};

int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// Starts the child's process. Returns "" or why it could not start.
std::string Spawn(Child& c, const SupervisorOptions& o, pid_t supervisor) {
  std::vector<std::string> args = {o.binary, "worker"};
  args.insert(args.end(), o.worker_args.begin(), o.worker_args.end());
  args.push_back("--id");
  args.push_back(c.id);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2], report[2];
  if (pipe2(out, O_CLOEXEC) != 0) return std::strerror(errno);
  if (pipe2(report, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return std::strerror(errno);
  }
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {out[0], out[1], report[0], report[1]}) close(fd);
    return std::strerror(e);
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != supervisor) _exit(1);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    execv(argv[0], argv.data());
    int e = errno;
    ssize_t ignored = write(report[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  close(out[1]);
  close(report[1]);
  int e = 0;
  ssize_t n;
  do {
    n = read(report[0], &e, sizeof e);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof e)) {  // exec failed
    waitpid(pid, nullptr, 0);
    close(out[0]);
    return fmt::format("cannot run {}: {}", o.binary, std::strerror(e));
  }
  fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
  c.pid = pid;
  c.fd = out[0];
  c.partial.clear();
  c.started = Clock::now();
  return "";
}

// Forwards every whole line the child has written, prefixed with its name.
// At end of file (or with `flush`), a last partial line too. Returns false
// at end of file.
bool Forward(Child& c, bool flush) {
  bool open = true;
  char buf[65536];
  while (true) {
    ssize_t n = read(c.fd, buf, sizeof buf);
    if (n > 0) {
      c.partial.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) open = false;
    break;  // EAGAIN or end of file
  }
  size_t start = 0;
  for (size_t nl; (nl = c.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    LogLine(stdout,
            fmt::format("[{}] {}", c.name, std::string_view(c.partial).substr(start, nl - start)));
  }
  c.partial.erase(0, start);
  if ((!open || flush) && !c.partial.empty()) {
    LogLine(stdout, fmt::format("[{}] {}", c.name, c.partial));
    c.partial.clear();
  }
  // A child printing without newlines must not grow this without bound.
  if (c.partial.size() > (1u << 20)) {
    LogLine(stdout, fmt::format("[{}] {}", c.name, c.partial));
    c.partial.clear();
  }
  return open;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return fmt::format("was killed by signal {} (SIG{})", sig, name ? name : "?");
  }
  return "stopped";
}

// A child has ended: forward what it left in the pipe, then plan a restart.
void Reaped(Child& c, int status, bool stopping) {
  if (c.fd >= 0) {
    Forward(c, true);
    close(c.fd);
    c.fd = -1;
  }
  int64_t uptime = MsSince(c.started);
  c.pid = -1;
  if (stopping) return;
  bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (clean && uptime >= kQuickExitMs) {
    // A --max-tasks recycle: a fresh process at once.
    c.backoff_ms = kFirstBackoffMs;
    c.restart_at = Clock::now();
    LogLine(stdout, fmt::format("{} {}; restarting it", c.name, DescribeExit(status)));
    return;
  }
  if (uptime >= kStableUptimeMs) c.backoff_ms = kFirstBackoffMs;
  c.restart_at = Clock::now() + std::chrono::milliseconds(c.backoff_ms);
  LogLine(stdout, fmt::format("{} {}; restarting it in {} s", c.name, DescribeExit(status),
                              c.backoff_ms / 1000.0));
  c.backoff_ms = std::min(c.backoff_ms * 2, kMaxBackoffMs);
}

void Signal(std::vector<Child>& children, int sig) {
  for (auto& c : children) {
    if (c.pid > 0) kill(c.pid, sig);
  }
}

int Running(const std::vector<Child>& children) {
  int n = 0;
  for (const auto& c : children) n += c.pid > 0;
  return n;
}

}  // namespace

int RunSupervisor(const SupervisorOptions& options) {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll returns at once on a signal
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const int n = std::max(1, options.workers);
  const pid_t self = getpid();
  std::vector<Child> children(static_cast<size_t>(n));
  LogLine(stdout, fmt::format("Starting {} Redis workers...", n));
  int started = 0;
  for (int k = 1; k <= n; ++k) {
    Child& c = children[static_cast<size_t>(k - 1)];
    c.index = k;
    c.name = fmt::format("worker-{}", k);
    c.id = fmt::format("{}-worker-{}-{}", HostName(), k, self);
    LogLine(stdout, fmt::format("[{}/{}] Starting {}...", k, n, c.name));
    std::string error = Spawn(c, options, self);
    if (error.empty()) {
      ++started;
    } else {
      LogLine(stdout, fmt::format("✗ {} could not start: {}", c.name, error));
      c.restart_at = Clock::now() + std::chrono::milliseconds(c.backoff_ms);
    }
  }
  if (started == 0) {
    LogLine(stderr, "trawl workers: no worker could be started");
    return 1;
  }
  LogLine(stdout, "");
  if (started == n) {
    LogLine(stdout, fmt::format("✓ All {} workers started!", n));
  } else {
    LogLine(stdout, fmt::format("✓ {} of {} workers started; retrying the others", started, n));
  }
  std::string pids;
  for (const auto& c : children) {
    if (c.pid > 0) pids += fmt::format("{}{}", pids.empty() ? "" : ", ", c.pid);
  }
  LogLine(stdout, fmt::format("  PIDs: {}", pids));
  LogLine(stdout, "");
  LogLine(stdout, "Monitoring worker output (Ctrl+C to stop)...");

  bool stopping = false;
  bool killed = false;
  Clock::time_point deadline{};
  while (true) {
    int signals = g_signals.load();
    if (signals > 0 && !stopping) {
      stopping = true;
      deadline = Clock::now() + std::chrono::milliseconds(options.grace_ms + kStopExtraMs);
      LogLine(stdout,
              fmt::format("Stopping {} workers (they finish what is in flight, {} s at most)...",
                          Running(children), (options.grace_ms + kStopExtraMs) / 1000.0));
      Signal(children, SIGTERM);
    }
    if (stopping && !killed && (signals >= 2 || Clock::now() >= deadline)) {
      if (Running(children) > 0) {
        LogLine(stdout, fmt::format("Killing {} workers that did not stop", Running(children)));
      }
      Signal(children, SIGKILL);
      killed = true;
      deadline = Clock::now() + std::chrono::milliseconds(kStopExtraMs);
    }
    if (stopping && Running(children) == 0) break;
    if (killed && Clock::now() >= deadline) {
      LogLine(stderr, "trawl workers: some workers did not end even after SIGKILL");
      break;
    }

    std::vector<pollfd> fds;
    std::vector<Child*> owners;
    for (auto& c : children) {
      if (c.fd >= 0) {
        fds.push_back(pollfd{c.fd, POLLIN, 0});
        owners.push_back(&c);
      }
    }
    poll(fds.data(), fds.size(), 200);
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (!Forward(*owners[i], false)) {
        close(owners[i]->fd);
        owners[i]->fd = -1;
      }
    }
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      for (auto& c : children) {
        if (c.pid == pid) Reaped(c, status, stopping);
      }
    }
    if (stopping) continue;
    for (auto& c : children) {
      if (c.pid > 0 || Clock::now() < c.restart_at) continue;
      std::string error = Spawn(c, options, self);
      if (!error.empty()) {
        LogLine(stdout, fmt::format("✗ {} could not start: {}; trying again in {} s", c.name, error,
                                    c.backoff_ms / 1000.0));
        c.restart_at = Clock::now() + std::chrono::milliseconds(c.backoff_ms);
        c.backoff_ms = std::min(c.backoff_ms * 2, kMaxBackoffMs);
      }
    }
  }
  for (auto& c : children) {
    if (c.fd >= 0) close(c.fd);
  }
  LogLine(stdout, "All workers stopped.");
  return 0;
}

}  // namespace trawl
