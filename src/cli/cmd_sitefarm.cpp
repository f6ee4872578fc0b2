// `trawl sitefarm`: serve the local fixture web farm until SIGINT/SIGTERM.
// Prints exactly one line, "listening on ADDR:PORT", once the port is bound,
// so that scripts can read the port. All logic lives in tools/sitefarm.
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "core/signals.h"
#include "sitefarm/farm.h"

namespace trawl {

int RunSitefarm(Settings& s) {
  sitefarm::FarmOptions options = s.farm;
  options.gzip = !s.no_gzip;
  sigset_t stop_signals = BlockStopSignals();  // before any farm thread exists
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
