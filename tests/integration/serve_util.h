// A long-running trawl child for the API tests: `trawl serve --port 0 …` (or
// `trawl up …`), its stderr read by a thread (kept for diagnostics, and for
// the "listening on http://127.0.0.1:PORT" line that gives the port), stopped
// by its PID on destruction. Also a free loopback port and a temporary folder.
#pragma once

#include <signal.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "servers/ports.h"

namespace trawl::testing {

class ServeProcess {
 public:
  // Runs TrawlBinary() with `args` (the subcommand first, e.g. {"serve",
  // "--port", "0", …}) and waits up to 20 s for the listening line.
  explicit ServeProcess(std::vector<std::string> args);
  ~ServeProcess();  // Stop(SIGTERM)
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  int pid() const { return pid_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Everything the child printed on stderr so far.
  std::string log() const;

  // Sends `sig`, waits up to `timeout_ms` for the exit (then SIGKILL).
  // Returns the exit status, or -signal when a signal ended it.
  int Stop(int sig = SIGTERM, int timeout_ms = 20'000);
  // Starts again with the same arguments (after Stop); true when listening.
  bool Start();

 private:
  std::vector<std::string> args_;
  int pid_ = -1;
  int port_ = 0;
  int err_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string log_;
  size_t restart_mark_ = 0;  // log_ size at the last Stop: older lines are stale
};

// A fresh folder under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace trawl::testing
