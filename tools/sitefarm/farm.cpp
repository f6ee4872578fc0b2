// The site farm: options, routing by host, the /__farm endpoints.
#include "sitefarm/farm.h"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/text.h"
#include "sitefarm/hostile.h"
#include "sitefarm/server.h"

namespace trawl::sitefarm {
namespace {

constexpr int kMaxBulk = 1000000;
constexpr int kMaxDelayMs = 600000;

double Uniform() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id()));
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

Response Json(int status, std::string body) {
  Response r = TextResponse(status, "application/json", std::move(body));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// The value of `name` in a raw query string, percent-decoded, or "".
std::string QueryParam(std::string_view query, std::string_view name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
      auto value = PercentDecode(pair.substr(name.size() + 1));
      return value ? *value : std::string();
    }
    pos = amp + 1;
  }
  return {};
}

Result<void> Validate(const FarmOptions& o) {
  if (o.port < 0 || o.port > 65535) return Fail(ErrorCode::kUsage, "port must be in 0..65535");
  if (o.bulk < 0 || o.bulk > kMaxBulk) return Fail(ErrorCode::kUsage, "bulk must be in 0..1000000");
  if (o.latency_ms < 0 || o.latency_ms > kMaxDelayMs || o.jitter_ms < 0 ||
      o.jitter_ms > kMaxDelayMs) {
    return Fail(ErrorCode::kUsage, "latency and jitter must be in 0..600000 ms");
  }
  if (!(o.error_rate >= 0 && o.error_rate <= 1)) {
    return Fail(ErrorCode::kUsage, "error rate must be in 0..1");
  }
  if (o.max_connections < 1) return Fail(ErrorCode::kUsage, "threads must be at least 1");
  return {};
}

}  // namespace

Farm::Farm(FarmOptions options) : options_(std::move(options)) {}

Farm::~Farm() { Stop(); }

Result<void> Farm::Start() {
  if (server_) return Fail(ErrorCode::kUsage, "farm already started");
  if (auto ok = Validate(options_); !ok) return ok;
  auto sites = StaticSites::Load(options_.site_dirs);
  if (!sites) return tl::unexpected(sites.error());
  static_sites_ = std::move(*sites);
  bulk_ = std::make_unique<BulkSites>(options_.bulk);
  ServerOptions so;
  so.bind = options_.bind;
  so.port = options_.port;
  so.max_connections = options_.max_connections;
  server_ = std::make_unique<Server>(so, [this](const Request& req) { return Handle(req); });
  return server_->Start();
}

void Farm::Stop() {
  if (server_) server_->Stop();
}

int Farm::port() const { return server_ ? server_->port() : 0; }

std::string Farm::address() const { return server_ ? server_->address() : std::string(); }

int Farm::DelayMs() const {
  int delay = options_.latency_ms;
  if (options_.jitter_ms > 0) delay += static_cast<int>(Uniform() * (options_.jitter_ms + 1));
  return delay;
}

Response Farm::Handle(const Request& req) {
  if (req.path.starts_with("/__farm/")) return HandleFarmEndpoint(req);
  std::shared_ptr<void> in_flight = stats_.Begin(req.host);
  if (int delay = DelayMs(); delay > 0) server_->stop_signal().SleepFor(delay);
  Response r;
  if (req.method != "GET" && req.method != "HEAD" && req.method != "POST") {
    r = TextResponse(405, "text/plain; charset=utf-8", "405: method not allowed\n");
    r.headers.emplace_back("Allow", "GET, HEAD, POST");
  } else if (options_.error_rate > 0 && req.path != "/robots.txt" &&
             Uniform() < options_.error_rate) {
    r = TextResponse(503, "text/html; charset=utf-8",
                     "<html><body><h1>503 Service Unavailable</h1></body></html>\n");
    r.headers.emplace_back("Retry-After", "1");
  } else {
    r = Route(req);
  }
  if (!options_.gzip) r.compressible = false;
  r.hold = std::move(in_flight);
  return r;
}

Response Farm::Route(const Request& req) {
  if (const auto* root = static_sites_.Find(req.host)) return static_sites_.Serve(*root, req);
  if (int i = bulk_->IndexOf(req.host); i >= 0) return bulk_->Serve(i, req, options_.gzip);
  if (HostileSites::Knows(req.host)) return HostileSites::Serve(req.host, req);
  return TextResponse(404, "text/html; charset=utf-8",
                      "<!DOCTYPE html><html><head><title>Unknown host</title></head><body>"
                      "<h1>404 Unknown host</h1><p>The site farm does not serve this host.</p>"
                      "</body></html>\n");
}

Response Farm::HandleFarmEndpoint(const Request& req) {
  if (req.path == "/__farm/stats") return Json(200, stats_.ToJson() + "\n");
  if (req.path == "/__farm/reset") {
    stats_.Reset();
    return Json(200, "{\"ok\":true}\n");
  }
  if (req.path == "/__farm/truth") {
    std::string host = AsciiLower(QueryParam(req.query, "host"));
    int i = bulk_->IndexOf(host);
    if (i < 0) {
      return Json(404, nlohmann::json({{"error", "not a bulk host of this farm"}, {"host", host}})
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                           "\n");
    }
    return Json(200, BulkSites::TruthJson(i));
  }
  if (req.path == "/__farm/hosts") {
    nlohmann::json j = {{"bulk", options_.bulk},
                        {"hostile", HostileSites::Hosts()},
                        {"static", static_sites_.Hosts()}};
    return Json(200, j.dump(2) + "\n");
  }
  return Json(404, "{\"error\":\"unknown farm endpoint\"}\n");
}

}  // namespace trawl::sitefarm
