// `trawl workers -n N [any worker option]`: N supervised worker processes
// (src/worker/supervisor.h). The worker options are checked here, then each
// child gets those that differ from its defaults (option_table.h).
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "worker/supervisor.h"

namespace trawl {

int RunWorkers(Settings& s) {
  if (s.workers < 1) {
    std::fprintf(stderr, "trawl workers: --workers must be at least 1\n");
    return 2;
  }
  auto worker = WorkerOptionsFrom(s);  // checked once here rather than failing N times
  if (!worker) {
    std::fprintf(stderr, "trawl workers: --redis: %s\n", worker.error().message.c_str());
    return 2;
  }
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    std::fprintf(stderr, "trawl workers: cannot find this executable (/proc/self/exe)\n");
    return 1;
  }
  ForwardedOptions forwarded = ForwardToWorkers(kWorkers, s);
  // Secrets reach the children through the environment they inherit.
  for (const std::string& entry : forwarded.env) {
    size_t eq = entry.find('=');
    setenv(entry.substr(0, eq).c_str(), entry.c_str() + eq + 1, 1);
  }
  SupervisorOptions options;
  options.workers = s.workers;
  options.binary.assign(self, static_cast<size_t>(n));
  options.worker_args = forwarded.args;
  options.grace_ms = worker->grace_ms;
  return RunSupervisor(options);
}

}  // namespace trawl
