// Child processes (process.h).
#include "core/process.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace trawl {

pid_t SpawnChild(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
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
  constexpr char kMsg[] = "trawl: cannot run a child process (exec failed)\n";
  ssize_t ignored = write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  (void)ignored;
  _exit(127);
}

bool Exited(pid_t pid, int* status) {
  int st = 0;
  pid_t r = waitpid(pid, &st, WNOHANG);
  if (r == pid && status) *status = st;
  return r == pid || (r < 0 && errno == ECHILD);
}

void StopChild(pid_t pid, const char* name, int64_t grace_ms, const sigset_t& signals) {
  if (pid <= 0 || Exited(pid)) return;
  kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  timespec tick{0, 100'000'000};
  while (std::chrono::steady_clock::now() < deadline) {
    if (Exited(pid)) return;
    if (sigtimedwait(&signals, nullptr, &tick) > 0) break;  // impatient user
  }
  std::fprintf(stderr, "trawl: %s did not stop in time; killing it\n", name);
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    std::string dir = dirs.substr(start, colon - start);
    std::string candidate = dir;
    candidate += '/';
    candidate += program;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

}  // namespace trawl
