// Per-host request counters of the site farm.
#include "sitefarm/farm_stats.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace trawl::sitefarm {

std::shared_ptr<void> FarmStats::Begin(const std::string& host) {
  {
    std::lock_guard lock(mu_);
    ++total_;
    HostCounters& c = hosts_[host];
    ++c.requests;
    ++c.in_flight;
    c.max_in_flight = std::max(c.max_in_flight, c.in_flight);
  }
  // The token owns nothing; its deleter is the end of the request.
  return std::shared_ptr<void>(nullptr, [this, host](void*) { End(host); });
}

void FarmStats::End(const std::string& host) {
  std::lock_guard lock(mu_);
  auto it = hosts_.find(host);
  if (it != hosts_.end()) --it->second.in_flight;
}

void FarmStats::Reset() {
  std::lock_guard lock(mu_);
  total_ = 0;
  for (auto it = hosts_.begin(); it != hosts_.end();) {
    HostCounters& c = it->second;
    if (c.in_flight == 0) {
      it = hosts_.erase(it);
      continue;
    }
    c.requests = 0;
    c.max_in_flight = c.in_flight;
    ++it;
  }
}

std::string FarmStats::ToJson() const {
  nlohmann::json hosts = nlohmann::json::object();
  std::lock_guard lock(mu_);
  for (const auto& [host, c] : hosts_) {
    hosts[host] = {
        {"requests", c.requests}, {"max_in_flight", c.max_in_flight}, {"in_flight", c.in_flight}};
  }
  nlohmann::json out = {{"total", total_}, {"hosts", std::move(hosts)}};
  // Host names come from clients and may hold invalid UTF-8: replace, never throw.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace trawl::sitefarm
