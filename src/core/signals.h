// The stop signals (SIGINT, SIGTERM) of the long-running commands, taken by
// one thread with sigwait: blocked before any other thread starts, so every
// thread inherits the mask. Call from the main thread only.
#pragma once

#include <signal.h>

namespace trawl {

// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread it
// starts after), ignores SIGPIPE, and returns the blocked set for sigwait.
// Cannot fail.
sigset_t BlockStopSignals();

}  // namespace trawl
