#include "child_util.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "servers/spawn.h"

namespace trawl::testing {

using Clock = std::chrono::steady_clock;

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::string& log_path,
                                     const std::vector<std::pair<std::string, std::string>>& env)
    : log_path_(log_path) {
  pid_ = SpawnProcess(argv, {.log_path = log_path, .env = env});
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0 && exit_code_ == kRunning) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void BackgroundProcess::Signal(int sig) const {
  if (pid_ > 0 && exit_code_ == kRunning) kill(pid_, sig);
}

int BackgroundProcess::Wait(int timeout_ms) {
  auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (exit_code_ == kRunning && pid_ > 0) {
    int status = 0;
    pid_t got = waitpid(pid_, &status, WNOHANG);
    if (got == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (Clock::now() >= end) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return exit_code_;
}

std::string BackgroundProcess::Output() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WaitFor(const std::function<bool()>& done, int timeout_ms) {
  auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

std::vector<std::string> BulkDomains(int from, int n) {
  std::vector<std::string> out;
  for (int i = from; i < from + n; ++i) out.push_back("bulk-" + std::to_string(i) + ".test");
  return out;
}

}  // namespace trawl::testing
