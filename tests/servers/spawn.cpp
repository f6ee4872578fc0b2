// SpawnProcess, WaitExit, StopProcess (spawn.h).
#include "servers/spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace trawl::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(20);

// The caller's environment with `overrides` set: "NAME=value" strings.
std::vector<std::string> ChildEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [k, v] : overrides) replaced = replaced || k == name;
    if (!replaced) out.push_back(std::move(entry));
  }
  for (const auto& [k, v] : overrides) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The descriptor the child's stream gets (before dup2): the caller's, the
// shared /dev/null, or the stream itself (kInherit).
int Source(int fd, int devnull, int stream) {
  if (fd == kInherit) return stream;
  return fd == kDevNull ? devnull : fd;
}

}  // namespace

pid_t SpawnProcess(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return -1;
  std::vector<std::string> args = argv;
  std::vector<std::string> envs = ChildEnvironment(options.env);
  std::vector<char*> arg_ptrs = Pointers(args);
  std::vector<char*> env_ptrs = Pointers(envs);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return -1;
  int log = -1;
  if (!options.log_path.empty()) {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (options.append_log ? O_APPEND : O_TRUNC);
    log = open(options.log_path.c_str(), flags, 0644);
    if (log < 0) {
      close(devnull);
      return -1;
    }
  }
  int in = Source(options.stdin_fd, devnull, STDIN_FILENO);
  int out = log >= 0 ? log : Source(options.stdout_fd, devnull, STDOUT_FILENO);
  int err = log >= 0 ? log : Source(options.stderr_fd, devnull, STDERR_FILENO);
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid == 0) {
    // The child: async-signal-safe calls only from here on.
    if (options.own_process_group) setpgid(0, 0);
    if (options.run_as && (setgroups(0, nullptr) != 0 || setgid(options.run_as->second) != 0 ||
                           setuid(options.run_as->first) != 0)) {
      _exit(126);
    }
    if (options.die_with_parent) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);     // after setuid, which clears it
      if (getppid() != parent) _exit(127);  // the parent died before prctl
    }
    // dup2 clears close-on-exec on the copy; a descriptor already in place
    // (kInherit) keeps its flags.
    if (in != STDIN_FILENO) dup2(in, STDIN_FILENO);
    if (out != STDOUT_FILENO) dup2(out, STDOUT_FILENO);
    if (err != STDERR_FILENO) dup2(err, STDERR_FILENO);
    // Nothing else is inherited: a stray copy of a pipe's write end would
    // keep the reader from ever seeing end of file.
    close_range(3, ~0U, 0);
    execve(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
    _exit(127);
  }
  close(devnull);
  if (log >= 0) close(log);
  return pid;
}

std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return 0;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

int StopProcess(pid_t pid, int sig, std::chrono::milliseconds timeout, bool group) {
  if (pid <= 0) return 0;
  kill(pid, sig);
  if (auto status = WaitExit(pid, timeout)) return *status;
  kill(group ? -pid : pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace trawl::testing
