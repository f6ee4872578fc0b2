// A loopback TCP port for test servers and test clients. Test helpers only.
#pragma once

namespace trawl::testing {

// A loopback TCP port that was free a moment ago (bound to port 0, read,
// closed); another process may take it before the caller binds, so callers
// that start a server retry. 0 on failure.
int FreeLoopbackPort();

}  // namespace trawl::testing
