// `trawl workers -n N`: starts N `trawl worker` child processes, prefixes each
// line they print with the worker's name, restarts one that dies (with
// backoff so a crash loop does not spin), and on SIGINT/SIGTERM asks all to
// stop (SIGTERM), waits for their grace period, then kills what is left.
#pragma once

#include <string>
#include <vector>

namespace trawl {

struct SupervisorOptions {
  int workers = 1;
  std::string binary;                    // path of the trawl binary (/proc/self/exe)
  std::vector<std::string> worker_args;  // passed to each `trawl worker` after the subcommand
  int64_t grace_ms = 30'000;
};

// Blocks until stopped by a signal. Returns 0 after a clean stop, 1 when no
// worker could be started.
int RunSupervisor(const SupervisorOptions& options);

}  // namespace trawl
