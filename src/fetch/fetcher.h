// The fetcher: asynchronous HTTP(S) on one libcurl multi handle, driven by
// one thread (the caller of Poll). Enforces the per-host connection limit and
// per-host delay itself (curl's own per-host limit keys on the connect-to or
// proxy target, which would serialize every host behind a proxy), the body
// cap, timeouts, content-type screening and the address guard. Pages'
// Content-Encoding is undone by ContentDecoder (fetch/content_decoder.h), not
// by libcurl: the same bodies and errors for less CPU.
// Not thread-safe: Fetch, Poll and the callbacks all run on one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace trawl {

class FetchMetrics;  // fetch/fetch_metrics.h

struct FetchOptions {
  std::string user_agent = "trawl/0.1 (+https://trawl.example/bot)";
  std::string proxy;                    // curl proxy URL; empty: none
  std::vector<std::string> connect_to;  // curl CURLOPT_CONNECT_TO entries
  std::vector<std::string> resolve;     // curl CURLOPT_RESOLVE entries
  bool allow_private = false;           // lift the address guard
  int64_t connect_timeout_ms = 10'000;
  int64_t timeout_ms = 30'000;       // whole request, headers to last byte
  int64_t max_body_bytes = 5 << 20;  // decoded bytes; beyond: too_large
  int per_host = 2;                  // requests in flight per host
  int64_t per_host_delay_ms = 0;     // minimum gap between request starts per host
  int max_connections = 256;         // curl's total connection cap
  // Let libcurl undo Content-Encoding for every request. Off: pages are
  // decoded by ContentDecoder (fetch/content_decoder.h; the same bodies and
  // errors, less CPU). On: the reference the decoder is tested against.
  bool decode_in_curl = false;
  // Where finished transfers are counted (GET /metrics); shared by every
  // Fetcher made from these options. Null: not counted.
  std::shared_ptr<FetchMetrics> fetch_metrics;
};

struct FetchRequest {
  std::string url;
  bool html_only = false;         // abort early on a non-HTML Content-Type (no_html)
  bool truncate_at_cap = false;   // keep the first max_body bytes instead of failing
  int64_t max_body_bytes = 0;     // 0: FetchOptions::max_body_bytes
  bool follow_redirects = false;  // let curl follow (robots.txt); pages follow by hand
};

struct FetchResponse {
  std::string url;             // the URL fetched (after curl's redirects, if followed)
  int status = 0;              // HTTP status; 0 when no response
  std::string content_type;    // lower case, parameters kept
  std::string location;        // absolute redirect target for 3xx, else empty
  std::string body;            // decoded bytes (gzip/deflate/br undone)
  bool truncated = false;      // body cut at the cap (truncate_at_cap)
  int64_t ms = 0;              // wall time from start of transfer
  std::optional<Error> error;  // transport-level failure; status may still be set
};

class Fetcher {
 public:
  using Callback = std::function<void(FetchResponse&&)>;

  // Fails only if libcurl cannot be initialized (reported on first Poll).
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Queues a request. `done` is called exactly once, from inside Poll (never
  // from inside Fetch), with the response or the error.
  void Fetch(FetchRequest request, Callback done);

  // Sets a minimum gap between request starts for one host (e.g. robots.txt
  // Crawl-delay); the larger of this and the global delay applies.
  void SetHostDelay(const std::string& host, std::chrono::milliseconds delay);

  // Runs transfers and callbacks for at most `max_wait_ms`; returns early once
  // something completed. Returns the number of requests not yet completed.
  size_t Poll(int max_wait_ms);

  // Requests queued or running.
  size_t Outstanding() const;

  const FetchOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trawl
