// `trawl sitefarm`: serve the local fixture web farm until SIGINT/SIGTERM.
// Prints exactly one line, "listening on ADDR:PORT", once the port is bound,
// so that scripts can read the port. All logic lives in tools/sitefarm.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "sitefarm/farm.h"

namespace trawl {

int RunSitefarm(int argc, char** argv) {
  sitefarm::FarmOptions options;
  CLI::App app{"Serve the local fixture web farm: static sites, bulk-<i>.test company sites and "
               "*.hostile.test hosts, by Host header or as an HTTP proxy. See docs/sitefarm.md.",
               "trawl sitefarm"};
  app.add_option("--port", options.port, "TCP port; 0 picks a free one")->capture_default_str();
  app.add_option("--bind", options.bind, "numeric address to listen on")->capture_default_str();
  app.add_option("--sites", options.site_dirs, "folder of <host>/ site folders (repeatable)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--bulk", options.bulk, "serve generated sites bulk-0.test .. bulk-<N-1>.test")
      ->capture_default_str();
  app.add_option("--latency-ms", options.latency_ms, "delay before each response, ms")
      ->capture_default_str();
  app.add_option("--jitter-ms", options.jitter_ms, "extra uniform random delay 0..J ms")
      ->capture_default_str();
  app.add_option("--error-rate", options.error_rate,
                 "fraction 0..1 of requests answered 503 (never robots.txt)")
      ->capture_default_str();
  app.add_option("--threads", options.max_connections,
                 "max concurrent connections (one thread each); more get 503")
      ->capture_default_str();
  bool no_gzip = false;
  app.add_flag("--no-gzip", no_gzip, "never gzip responses, even when the client accepts gzip");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // --help is success; every parse error is a usage error
  }
  options.gzip = !no_gzip;

  // Block the stop signals before any farm thread exists, so that every
  // thread inherits the mask and sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  sitefarm::Farm farm(options);
  if (auto ok = farm.Start(); !ok) {
    std::fprintf(stderr, "trawl sitefarm: %s\n", ok.error().message.c_str());
    return ok.error().code == ErrorCode::kUsage ? 2 : 1;
  }
  std::printf("listening on %s\n", farm.address().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&stop_signals, &received);
  farm.Stop();
  return 0;
}

}  // namespace trawl
