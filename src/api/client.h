// A small blocking client for trawl's API, for `trawl submit`/`trawl status`
// and the tests, so that nothing outside src/api includes httplib.h. Speaks
// HTTP/1.1 (https when the server URL says so) and returns the raw status and
// body; the caller reads the JSON.
//
// Thread-safety: one ApiClient per thread. Each call opens its own
// connection, so an ApiClient may be kept and reused.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace trawl {

struct ApiReply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header named `name` (case-insensitive), "" if none.
  std::string Header(const std::string& name) const;
};

class ApiClient {
 public:
  // `server` is "http://host:port" or "https://host:port"; `token` "" sends
  // no Authorization header. `timeout_ms` bounds connecting and each read.
  ApiClient(std::string server, std::string token, int timeout_ms = 30'000);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Any status is a reply (a 4xx is not a failure here). Fails with kUsage
  // on a server URL that is not http(s)://host[:port], kUnavailable when no
  // reply came (refused, timed out, reset).
  Result<ApiReply> Get(const std::string& path_and_query);
  Result<ApiReply> Post(const std::string& path, const std::string& body,
                        const std::string& content_type = "application/json");
  // Any method, for tests of 405 answers.
  Result<ApiReply> Send(const std::string& method, const std::string& path,
                        const std::string& body = "");

 private:
  std::string server_;
  std::string token_;
  int timeout_ms_;
};

}  // namespace trawl
