// `trawl worker [--redis URL] [--db URL] [--concurrency N] ...`: one worker
// process (src/worker/worker.h). SIGINT/SIGTERM stop it gracefully; a second
// signal ends it at once.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "cli/commands.h"
#include "worker/worker.h"

namespace trawl {
namespace {

Worker* g_worker = nullptr;
std::atomic<int> g_signals{0};

void OnSignal(int) {
  if (g_signals.fetch_add(1) >= 1) _exit(130);
  if (g_worker) g_worker->RequestStop();
}

}  // namespace

int RunWorker(Settings& s) {
  auto options = WorkerOptionsFrom(s);
  if (!options) {
    std::fprintf(stderr, "trawl worker: --redis: %s\n", options.error().message.c_str());
    return 2;
  }
  Worker worker(*options);
  g_worker = &worker;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int rc = worker.Run();
  g_worker = nullptr;
  return rc;
}

}  // namespace trawl
