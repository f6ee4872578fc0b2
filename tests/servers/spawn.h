// Child processes for tests: the one fork/exec of the test helpers (servers,
// the trawl binary, workers, the site farm), and a bounded wait for a child's
// exit. Everything the child needs is prepared before fork(), so the child
// runs only async-signal-safe calls (the test process has threads).
// Stateless; callable from any thread (see die_with_parent).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace trawl::testing {

// Where a standard stream of the child goes: a descriptor of the caller's
// (duplicated into the child; the caller keeps and closes its own), or one
// of these.
inline constexpr int kDevNull = -1;  // /dev/null
inline constexpr int kInherit = -2;  // the test process's own stream

struct SpawnOptions {
  int stdin_fd = kDevNull;
  int stdout_fd = kDevNull;
  int stderr_fd = kDevNull;
  // When not "": stdout and stderr both go to this file (created 0644),
  // truncated first unless `append_log`. Overrides stdout_fd and stderr_fd.
  std::string log_path{};
  bool append_log = false;
  // Variables set (or replaced) in the child's environment.
  std::vector<std::pair<std::string, std::string>> env{};
  // The child leads a process group of its own, so kill(-pid, …) reaches
  // everything it starts (PostgreSQL's backends).
  bool own_process_group = false;
  // The child gets SIGKILL when the *thread* that spawned it ends, so a
  // crashed test leaves nothing behind: spawn from a thread that outlives
  // the child (the test's main thread).
  bool die_with_parent = false;
  // Run as this user and group instead (a root test process hands
  // PostgreSQL to `postgres`); the child exits 126 when it cannot switch.
  std::optional<std::pair<uid_t, gid_t>> run_as{};
};

// Starts argv[0] (a path; PATH is not searched) with `argv`, after closing
// every other descriptor in the child. Returns the child's PID, or -1 when
// argv is empty, the log cannot be opened or fork fails. A failed exec makes
// the child exit 127. The caller reaps the child (WaitExit, waitpid).
pid_t SpawnProcess(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// Waits for our child `pid` to exit, polling, at most `timeout`: its wait
// status (WIFEXITED, …), or nullopt when it is still running. Reaps it. A pid
// that is not (or no longer) our child gives status 0 at once.
std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout);

// Sends `sig`, waits up to `timeout`, then SIGKILL (to the group when
// `group`) and waits for good: the wait status.
int StopProcess(pid_t pid, int sig, std::chrono::milliseconds timeout, bool group = false);

}  // namespace trawl::testing
