// Test helpers for long-running trawl children other than the API server
// (workers, supervisors): a child with its output in a file, stopped by its
// PID; a bounded wait for a condition; the site farm's bulk domain names.
// Used by the integration tests only.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace trawl::testing {

// A child process in the background, its stdout and stderr going to a file.
// Killed (SIGKILL) on destruction if still running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::vector<std::pair<std::string, std::string>>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `sig` if the child is still running.
  void Signal(int sig) const;
  // Waits for the exit; its status (-1 when killed by a signal), or kRunning
  // if it is still running after `timeout_ms`.
  int Wait(int timeout_ms);
  // Everything the child wrote so far.
  std::string Output() const;

  static constexpr int kRunning = -1000;

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int exit_code_ = kRunning;
};

// Polls `done` every 200 ms until it holds or `timeout_ms` passes; its last value.
bool WaitFor(const std::function<bool()>& done, int timeout_ms);

// "bulk-<from>.test" … "bulk-<from+n-1>.test": the farm's `--bulk` sites.
std::vector<std::string> BulkDomains(int from, int n);

}  // namespace trawl::testing
