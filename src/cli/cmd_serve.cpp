// `trawl serve`: the API server (src/api/server.h) until SIGINT/SIGTERM.
// Embedded jobs crawl in this process, so it takes the fetching options.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "api/serve_setup.h"
#include "api/server.h"
#include "cli/commands.h"
#include "core/signals.h"

namespace trawl {

int RunServe(Settings& s) {
  auto options = ServerOptionsFrom(s, /*up=*/false);
  if (!options) {
    std::fprintf(stderr, "trawl serve: --redis: %s\n", options.error().message.c_str());
    return 2;
  }
  // Signals go to one waiting thread; every other thread (httplib's pool,
  // the embedded runner) inherits the blocked mask.
  sigset_t stop_signals = BlockStopSignals();
  ApiServer server(*options);
  if (auto started = server.Start(); !started) {
    std::fprintf(stderr, "trawl serve: %s\n", started.error().message.c_str());
    return started.error().code == ErrorCode::kUsage ? 2 : 1;
  }
  std::fputs(ServeBanner("trawl serve", *options, server.port()).c_str(), stderr);
  std::fflush(stderr);

  std::atomic<bool> done{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (done.load()) return;
    std::fprintf(stderr, "trawl serve: stopping (a second Ctrl+C exits at once)\n");
    std::thread([&stop_signals] {
      int again = 0;
      sigwait(&stop_signals, &again);
      _exit(130);
    }).detach();
    server.Stop();
  });
  server.Wait();
  server.Stop();
  done.store(true);
  // Releases the waiter if the server ended by itself (a thread-directed
  // signal, so the detached thread does not see it).
  // The waiter sits in sigwait for exactly this signal: it ends the wait,
  // not the thread.
  pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  waiter.join();
  std::fprintf(stderr, "trawl serve: stopped\n");
  return 0;
}

}  // namespace trawl
