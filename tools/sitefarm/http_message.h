// HTTP/1.x messages as the site farm sees them: request-head parsing, the
// response value handlers return, and small helpers (percent-decoding, gzip).
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace trawl::sitefarm {

// A parsed request head. Header names are lower-cased; values are trimmed.
struct Request {
  std::string method;         // "GET", "HEAD", "POST", ...
  std::string target;         // as sent: "/x?y", or "http://host/x?y" (proxy form)
  std::string host;           // lower case, port stripped; from the absolute target, else Host
  std::string path;           // raw (still percent-encoded) path of the target, starts with "/"
  std::string query;          // raw text after the first literal '?', without it
  bool has_query = false;     // a '?' was present (even with an empty query)
  int minor_version = 1;      // 0 for HTTP/1.0, 1 for HTTP/1.1
  bool keep_alive = true;     // after applying the version default and Connection
  bool accepts_gzip = false;  // Accept-Encoding names gzip
  size_t content_length = 0;  // request body length (the server discards the body)
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header value with this lower-case name, or "" when absent.
  std::string_view Header(std::string_view lower_name) const;
};

// Parses a request head (request line and header lines, without the blank
// line). Fails with kProtocolError for anything malformed: bad request line,
// unknown HTTP version, header line without a colon, chunked request bodies,
// a missing Host on HTTP/1.1 origin-form requests.
Result<Request> ParseRequestHead(std::string_view head);

class Channel;  // server.h: the connection a streaming response writes to

// What a handler answers. Either a complete body (`body`, or `shared_body` to
// serve a large prebuilt buffer without copying), or a `stream` that writes
// the body itself (and, when `raw`, the status line and headers too).
struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  std::shared_ptr<const std::string> shared_body;  // used instead of body when set
  bool compressible = false;  // the server may gzip the body if the client accepts it
  // Streaming responses: the server writes the head (unless `raw`) without a
  // Content-Length of its own, calls `stream`, then closes the connection.
  std::function<void(Channel&)> stream;
  bool raw = false;
  // Released once the response is fully written or abandoned; handlers hang
  // per-request bookkeeping on it (the in-flight counters of farm_stats.h).
  std::shared_ptr<void> hold;

  std::string_view Body() const { return shared_body ? std::string_view(*shared_body) : body; }
};

// A response with a small body, for errors and the farm's own endpoints.
Response TextResponse(int status, std::string content_type, std::string body);

// The reason phrase of a status code ("Not Found"); "Unknown" for others.
std::string_view StatusReason(int status);

// Decodes %XX escapes (not '+'). Fails with kProtocolError on a malformed
// escape or an encoded NUL byte, which no file name may hold.
Result<std::string> PercentDecode(std::string_view in);

// Gzip-compresses `in` (fast level: the farm compresses per request).
// Cannot fail short of memory exhaustion.
std::string Gzip(std::string_view in);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view in);

}  // namespace trawl::sitefarm
