// Child processes for integration tests: fork/exec, pipes, time limits.
#include "process_util.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>

#include "servers/spawn.h"

namespace trawl::testing {
namespace {

using Clock = std::chrono::steady_clock;

size_t Collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

}  // namespace

std::string TrawlBinary() { return TRAWL_BINARY; }
std::string SourceDir() { return TRAWL_SOURCE_DIR; }

ProcessResult RunProcess(const std::vector<std::string>& argv, int timeout_ms,
                         const std::string& input) {
  ProcessResult res;
  int in[2], out[2], err[2];
  if (pipe(in) || pipe(out) || pipe(err)) return res;
  pid_t pid = SpawnProcess(argv, {.stdin_fd = in[0], .stdout_fd = out[1], .stderr_fd = err[1]});
  close(in[0]);
  close(out[1]);
  close(err[1]);
  signal(SIGPIPE, SIG_IGN);
  if (!input.empty()) {
    ssize_t ignored = write(in[1], input.data(), input.size());
    (void)ignored;
  }
  close(in[1]);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&res.out, &res.err};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      res.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 500))) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  res.peak_rss_kb = usage.ru_maxrss;
  res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return res;
}

FarmProcess::FarmProcess(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {TrawlBinary(), "sitefarm", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  int out[2];
  if (pipe(out)) return;
  pid_ = SpawnProcess(argv, {.stdout_fd = out[1]});
  close(out[1]);
  std::string line;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  pollfd pfd{out[0], POLLIN, 0};
  while (Clock::now() < deadline && line.find('\n') == std::string::npos) {
    if (poll(&pfd, 1, 200) <= 0) continue;
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);  // the farm prints one line only
  size_t colon = line.rfind(':');
  if (line.starts_with("listening on") && colon != std::string::npos) {
    port_ = std::atoi(line.c_str() + colon + 1);
  }
}

FarmProcess::~FarmProcess() {
  if (pid_ > 0) StopProcess(pid_, SIGTERM, std::chrono::seconds(5));
}

std::string FarmProcess::connect_to() const { return "::127.0.0.1:" + std::to_string(port_); }

nlohmann::json FarmProcess::Stats() const {
  std::string body;
  CURL* e = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port_) + "/__farm/stats";
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
  CURLcode rc = curl_easy_perform(e);
  curl_easy_cleanup(e);
  if (rc != CURLE_OK) return nullptr;
  return nlohmann::json::parse(body, nullptr, false);
}

std::vector<nlohmann::json> ParseJsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace trawl::testing
