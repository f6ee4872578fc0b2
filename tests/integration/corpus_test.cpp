// The corpus floor: `trawl crawl` over the fixture corpus (tests/fixtures/sites,
// served by `trawl sitefarm` on loopback) must score micro-F1 >= 0.95 and
// company-name accuracy >= 0.9 against tests/fixtures/truth, with no negatives.
// Starts real processes; every wait is bounded; children are killed by PID.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli/score.h"

extern char** environ;

namespace trawl {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kFarmStartTimeout = std::chrono::seconds(30);
constexpr auto kCrawlTimeout = std::chrono::seconds(120);
constexpr auto kTermGrace = std::chrono::seconds(5);

// A child process owned by the test; the destructor ends it (SIGTERM, a
// bounded wait, then SIGKILL) so that no path leaves it running.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() { Stop(); }

  // Starts argv; the child's stdout goes to a pipe (read_stdout) or to
  // stdout_path, its stderr to stderr_path. False when spawning failed.
  bool Start(const std::vector<std::string>& args, bool read_stdout, const std::string& stdout_path,
             const std::string& stderr_path) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int fds[2] = {-1, -1};
    if (read_stdout && pipe(fds) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (read_stdout) {
      posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
      posix_spawn_file_actions_addclose(&actions, fds[0]);
      posix_spawn_file_actions_addclose(&actions, fds[1]);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (read_stdout) {
      close(fds[1]);
      stdout_fd_ = fds[0];
    }
    if (rc != 0) pid_ = -1;
    return rc == 0;
  }

  // Reads the first line of the child's stdout, waiting at most `timeout`.
  std::string FirstLine(std::chrono::milliseconds timeout) {
    std::string line;
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline && line.find('\n') == std::string::npos) {
      pollfd p{stdout_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    return line.substr(0, line.find('\n'));
  }

  // Waits for exit at most `timeout`; returns the exit status, or -1 after
  // killing a child that overran.
  int Wait(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (Clock::now() >= deadline) {
        Stop();
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }

  void Stop() {
    if (stdout_fd_ >= 0) close(stdout_fd_);
    stdout_fd_ = -1;
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto deadline = Clock::now() + kTermGrace;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CorpusTest, CrawlOfTheFixtureCorpusMeetsTheFloor) {
  const std::string source = TRAWL_SOURCE_DIR;
  auto truth = score::LoadTruthDir(source + "/tests/fixtures/truth");
  ASSERT_TRUE(truth.has_value()) << truth.error().message;
  ASSERT_GE(truth->size(), 26u);

  fs::path tmp = fs::path(::testing::TempDir()) / ("trawl_corpus_" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  {
    std::ofstream domains(tmp / "domains.txt");
    // IDNs go in as typed by a person (U-labels), to exercise normalization.
    for (const auto& t : *truth) domains << t.domain_unicode << "\n";
  }

  Child farm;
  ASSERT_TRUE(farm.Start({TRAWL_BINARY, "sitefarm", "--port", "0", "--sites", source + "/tests/fixtures/sites"},
                         /*read_stdout=*/true, "", (tmp / "farm.stderr").string()));
  std::string line = farm.FirstLine(kFarmStartTimeout);
  auto colon = line.rfind(':');
  ASSERT_TRUE(line.rfind("listening on 127.0.0.1:", 0) == 0 && colon != std::string::npos)
      << "farm said '" << line << "'; stderr: " << ReadAll(tmp / "farm.stderr");
  std::string port = line.substr(colon + 1);

  fs::path out = tmp / "profiles.jsonl";
  Child crawl;
  ASSERT_TRUE(crawl.Start({TRAWL_BINARY, "crawl", "--allow-private", "--connect-to", "::127.0.0.1:" + port, "-f",
                           (tmp / "domains.txt").string(), "-o", out.string()},
                          /*read_stdout=*/false, (tmp / "crawl.stdout").string(), (tmp / "crawl.stderr").string()));
  int rc = crawl.Wait(kCrawlTimeout);
  farm.Stop();
  ASSERT_EQ(rc, 0) << "crawl failed or overran " << kCrawlTimeout.count() << " s; stderr:\n"
                   << ReadAll(tmp / "crawl.stderr");

  auto profiles = score::LoadProfiles(out.string());
  ASSERT_TRUE(profiles.has_value()) << profiles.error().message;
  score::Report report = score::Score(*truth, *profiles);
  std::string detail = score::FormatText(report, /*verbose=*/true);
  EXPECT_EQ(profiles->size(), truth->size()) << detail;
  EXPECT_EQ(report.profiled, report.domains) << detail;
  EXPECT_EQ(report.duplicate_profiles, 0) << detail;
  EXPECT_GE(report.micro.F1(), 0.95) << detail;
  EXPECT_GE(report.NameAccuracy(), 0.9) << detail;
  EXPECT_EQ(report.negatives, 0) << detail;
  if (!HasFailure()) fs::remove_all(tmp);
}

}  // namespace
}  // namespace trawl
