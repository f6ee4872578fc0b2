// Test helpers for anything that talks to the site farm: TestFarm starts a
// farm in-process on 127.0.0.1, port 0, and stops it on destruction; the
// free functions are a tiny blocking HTTP/1.1 client on raw sockets with
// timeouts, for tests that need to see exact bytes. One TestFarm per test
// (or per suite); its methods are thread-safe, the socket helpers are not
// tied to any thread.
//
//   TestFarm farm({.bulk = 5});
//   ASSERT_TRUE(farm.ok()) << farm.error();
//   // point the crawler at it: --connect-to farm.ConnectTo() (curl syntax
//   // "::127.0.0.1:PORT", every host goes to the farm), or --proxy farm.ProxyUrl()
//   ... crawl bulk-0.test ...
//   nlohmann::json stats = farm.Stats();
//   EXPECT_LE(stats["hosts"]["bulk-0.test"]["max_in_flight"], 2);
//   nlohmann::json truth = farm.Truth(0);  // what bulk-0.test has planted
//   EXPECT_EQ(profile["emails"][0]["value"], truth["email"]);
//
// Hosts the farm serves (docs/sitefarm.md): folders of `sites` dirs,
// bulk-<i>.test for i < bulk, and the *.hostile.test hosts (always on).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sitefarm/farm.h"

namespace trawl::testutil {

// One HTTP response as read off the wire.
struct HttpReply {
  int status = 0;                              // 0: no status line arrived
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;                            // de-chunked; still gzip if the farm gzipped it
  bool complete = false;  // the whole body arrived (by Content-Length, chunks, or close)
};

class TestFarm {
 public:
  struct Options {
    std::vector<std::string> sites;  // folders of <host>/ folders, e.g. RealWorldSitesDir()
    int bulk = 0;                    // serve bulk-0.test .. bulk-<bulk-1>.test
    int latency_ms = 0;              // delay before every counted response
    int jitter_ms = 0;               // plus uniform 0..jitter_ms
    double error_rate = 0;           // fraction answered 503 (never robots.txt)
    bool gzip = true;                // gzip pages for clients that accept gzip
  };

  // Starts the farm. On failure records a test failure (ADD_FAILURE) and
  // leaves ok() false; check ASSERT_TRUE(farm.ok()) before using it.
  explicit TestFarm(Options options);
  TestFarm();
  ~TestFarm();  // stops the farm; dribbling responses end within about a second

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  int port() const;
  // "::127.0.0.1:PORT": curl's --connect-to value that sends every host to the farm.
  std::string ConnectTo() const;
  // "http://127.0.0.1:PORT": the farm as an HTTP forward proxy.
  std::string ProxyUrl() const;

  // GET /__farm/stats, parsed: {"total": n, "hosts": {"h": {"requests",
  // "max_in_flight", "in_flight"}}}. The farm's own endpoints are not counted.
  // Returns a JSON null when the farm does not answer.
  nlohmann::json Stats() const;
  // POST /__farm/reset: zeroes the counters. False when the farm does not answer.
  bool ResetStats() const;
  // GET /__farm/truth?host=bulk-<i>.test: the values planted in that site
  // (company_name, email, phone (E.164), phone_display, street, locality,
  // postcode, company_number, vat_number, linkedin, facebook, pages).
  // JSON null when i is not a bulk site of this farm.
  nlohmann::json Truth(int i) const;

  // GET http://<host><target> through the farm (Host header form), with
  // optional extra header lines ("Accept-Encoding: gzip"). A reply with
  // status 0 means no answer within `timeout_ms`.
  HttpReply Get(std::string_view host, std::string_view target,
                const std::vector<std::string>& extra_headers = {}, int timeout_ms = 10000) const;

  // Stops early (the destructor does it otherwise). Idempotent.
  void Stop();
  sitefarm::Farm& farm() { return *farm_; }

 private:
  std::unique_ptr<sitefarm::Farm> farm_;
  bool ok_ = false;
  std::string error_;
};

// The read-only real-world fixture sites (env TRAWL_REALWORLD_SITES, default
// ../shared/realworld/sites beside the checkout), or "" when that folder
// does not exist.
std::string RealWorldSitesDir();

// ---- raw sockets -------------------------------------------------------------

// A connected TCP socket to 127.0.0.1:port, or -1. The caller closes it.
int ConnectLoopback(int port);
// Sends every byte (no SIGPIPE). False on error.
bool SendAll(int fd, std::string_view bytes);
// Reads whatever arrives (on a socket or a pipe) until `ms` milliseconds
// pass, the peer closes, or `max_bytes` have arrived. `closed` (optional) tells whether the peer
// closed.
std::string ReadFor(int fd, int ms, size_t max_bytes = 1 << 20, bool* closed = nullptr);
// Reads one response (head, then body by Content-Length, chunked encoding,
// or until close), giving up after `timeout_ms` or once `max_body` body bytes
// arrived. `head_only`: the request was HEAD, so no body follows.
HttpReply ReadReply(int fd, int timeout_ms, size_t max_body = 256u << 20, bool head_only = false);
// Sends `request` (a complete request head and body) on a new connection and
// reads one reply.
HttpReply Exchange(int port, std::string_view request, int timeout_ms = 10000);
// Inflates a gzip body, stopping after `max_out` bytes. `ended` (optional)
// tells whether the gzip stream ended within that (false for truncated
// input). Empty on corrupt input.
std::string Gunzip(std::string_view gz, size_t max_out = 256u << 20, bool* ended = nullptr);

}  // namespace trawl::testutil
