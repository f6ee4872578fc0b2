// Hostile hosts under `.hostile.test`: servers that drip, never end, lie
// about encodings, nest 100,000 divs, or never answer — one per robustness
// case a crawler must survive. Their robots.txt is a plain allow-all unless
// the host is about robots. Large bodies are built once per process on first
// use. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sitefarm/http_message.h"

namespace trawl::sitefarm {

class HostileSites {
 public:
  // Every hostile host name, e.g. "drip.hostile.test".
  static const std::vector<std::string>& Hosts();
  // True for a host in Hosts() (also with a leading "www.").
  static bool Knows(std::string_view host);
  // Answers `req` as the hostile host does. Streaming behaviours end at the
  // latest after an hour, when the client goes away, or when the farm stops.
  static Response Serve(std::string_view host, const Request& req);
};

}  // namespace trawl::sitefarm
