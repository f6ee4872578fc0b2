// ServeProcess: a trawl server as a child process for the API tests.
#include "serve_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "process_util.h"
#include "servers/spawn.h"

namespace trawl::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kListening[] = "listening on http://127.0.0.1:";

}  // namespace

ServeProcess::ServeProcess(std::vector<std::string> args) : args_(std::move(args)) { Start(); }

ServeProcess::~ServeProcess() { Stop(SIGTERM); }

std::string ServeProcess::log() const {
  std::lock_guard lock(mu_);
  return log_;
}

bool ServeProcess::Start() {
  if (pid_ > 0) return ok();
  port_ = 0;
  int err[2];
  if (pipe2(err, O_CLOEXEC) != 0) return false;
  std::vector<std::string> argv = {TrawlBinary()};
  argv.insert(argv.end(), args_.begin(), args_.end());
  // The server dies with the test (a crashed test leaves no server behind).
  pid_ = SpawnProcess(argv, {.stderr_fd = err[1], .die_with_parent = true});
  close(err[1]);
  if (pid_ < 0) {
    close(err[0]);
    return false;
  }
  err_fd_ = err[0];
  reader_ = std::thread([this, fd = err_fd_] {
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      std::lock_guard lock(mu_);
      log_.append(buf, static_cast<size_t>(n));
    }
  });
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    {
      std::lock_guard lock(mu_);
      // The last listening line counts (a restart appends to the same log).
      size_t at = log_.rfind(kListening);
      if (at != std::string::npos && at >= restart_mark_) {
        port_ = std::atoi(log_.c_str() + at + sizeof kListening - 1);
        if (port_ > 0) return true;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      reader_.join();  // the pipe closed with the child
      close(err_fd_);
      err_fd_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int ServeProcess::Stop(int sig, int timeout_ms) {
  int result = 0;
  if (pid_ > 0) {
    int status = StopProcess(pid_, sig, std::chrono::milliseconds(timeout_ms));
    result = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    pid_ = -1;
  }
  if (reader_.joinable()) reader_.join();  // the pipe closed with the child
  if (err_fd_ >= 0) {
    close(err_fd_);
    err_fd_ = -1;
  }
  std::lock_guard lock(mu_);
  restart_mark_ = log_.size();
  port_ = 0;
  return result;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/trawl-api-XXXXXX";
  if (mkdtemp(templ.data())) path_ = templ;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace trawl::testing
