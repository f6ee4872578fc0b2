// Test helpers that run trawl's real binary: a child process with captured
// output and a time limit, and the site farm as a child process on a free
// loopback port. Used by the integration tests only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace trawl::testing {

struct ProcessResult {
  int exit_code = -1;      // -1 when killed by a signal
  bool timed_out = false;  // killed at the time limit
  std::string out;         // standard output
  std::string err;         // standard error
  long peak_rss_kb = 0;    // the child's peak resident set size
};

// Runs argv[0] with the arguments, feeding `input` on stdin. Kills the child
// (SIGKILL) after `timeout_ms`. Never throws; a failed exec gives exit 127.
ProcessResult RunProcess(const std::vector<std::string>& argv, int timeout_ms,
                         const std::string& input = "");

// `trawl sitefarm --port 0 ARGS...` as a child; stopped (SIGTERM) on
// destruction. port() is 0 if it did not start within 10 s.
class FarmProcess {
 public:
  explicit FarmProcess(const std::vector<std::string>& args);
  ~FarmProcess();
  FarmProcess(const FarmProcess&) = delete;
  FarmProcess& operator=(const FarmProcess&) = delete;

  int port() const { return port_; }
  // "::127.0.0.1:PORT", for --connect-to.
  std::string connect_to() const;
  // GET /__farm/stats, parsed; null JSON on failure.
  nlohmann::json Stats() const;

 private:
  int pid_ = -1;
  int port_ = 0;
};

// Parses JSON lines; lines that do not parse are skipped.
std::vector<nlohmann::json> ParseJsonLines(const std::string& text);

// The path of the built trawl binary and of the source tree.
std::string TrawlBinary();
std::string SourceDir();

}  // namespace trawl::testing
