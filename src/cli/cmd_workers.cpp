// `trawl workers -n N [any worker option]`: N supervised worker processes
// (src/worker/supervisor.h). The worker options are checked here, then passed
// to every child unchanged.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "worker/supervisor.h"
#include "worker/worker.h"

namespace trawl {
namespace {

// The path of this executable, so children run the same build. "" if unknown.
std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

int RunWorkers(int argc, char** argv) {
  CLI::App app{
      "Start and supervise N worker processes: restart one that dies (with backoff), "
      "prefix their output with their names; Ctrl+C stops them all gracefully."};
  app.name("trawl workers");
  int n = 1;
  app.add_option("-n,--workers", n, "worker processes")->required()->check(CLI::Range(1, 256));
  app.allow_extras();
  app.footer(
      "Every other option is passed to each `trawl worker` (see trawl worker --help), "
      "except --id: the supervisor names each child <host>-worker-<k>-<supervisor pid>.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  std::vector<std::string> rest = app.remaining();
  for (const auto& arg : rest) {
    if (arg == "--id" || arg.starts_with("--id=")) {
      std::fprintf(stderr, "trawl workers: --id is set by the supervisor for each worker\n");
      return 2;
    }
  }
  // Check the worker options once here rather than have N children fail.
  std::vector<std::string> check_args = {"trawl workers"};
  check_args.insert(check_args.end(), rest.begin(), rest.end());
  std::vector<char*> check_argv;
  for (auto& a : check_args) check_argv.push_back(a.data());
  WorkerOptions worker;
  if (int rc =
          ParseWorkerCommandLine(static_cast<int>(check_argv.size()), check_argv.data(), worker);
      rc >= 0) {
    return rc;
  }
  SupervisorOptions options;
  options.workers = n;
  options.binary = SelfPath();
  if (options.binary.empty()) {
    std::fprintf(stderr, "trawl workers: cannot find this executable (/proc/self/exe)\n");
    return 1;
  }
  options.worker_args = rest;
  options.grace_ms = worker.grace_ms;
  return RunSupervisor(options);
}

}  // namespace trawl
