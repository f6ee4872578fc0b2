// The API's error vocabulary: every failed request is answered
// {"error": {"code": "...", "message": "..."}} with a fitting status, and the
// codes are a stable contract (docs/api.md lists them). Also the response
// type the route handlers return, so that they never see httplib.
// Internal to src/api; pure values, thread-safe to copy.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "core/error.h"

namespace trawl::api {

// A request the API refuses or cannot serve: HTTP status, stable code, text.
struct ApiError {
  int status = 500;
  std::string code;     // e.g. "bad_json", "not_found"
  std::string message;  // for people; never holds a secret
};

// [[nodiscard]] like Result (core/error.h).
template <typename T>
using ApiResult = Expected<T, ApiError>;

inline tl::unexpected<ApiError> Refuse(int status, std::string code, std::string message) {
  return tl::unexpected<ApiError>(ApiError{status, std::move(code), std::move(message)});
}

// One step of a streamed body (ApiResponse::stream).
enum class StreamStep {
  kMore,    // `chunk` holds the next piece; call again
  kDone,    // `chunk` holds the last piece (may be empty); the body is complete
  kFailed,  // stop now: the connection is closed without the final chunk, so
            // the client sees a truncated body rather than a short "complete" one
};

// What a route handler answers: a status, a JSON body and extra headers; or,
// when `stream` is set, a body of `content_type` produced piece by piece
// (sent chunked; `body` is then ignored). `stream` is called on the request's
// thread, one call after the other, until it returns kDone or kFailed, or
// the client goes away; copies of it must share their state.
struct ApiResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;  // of a streamed or text body
  std::function<StreamStep(std::string& chunk)> stream;
  // When set (and no stream): this body of `content_type` instead of the
  // JSON one (GET /metrics answers Prometheus text).
  std::optional<std::string> text;
};

// {"error": {"code", "message"}} with the error's status. Cannot fail.
ApiResponse ErrorResponse(const ApiError& error);
ApiResponse ErrorResponse(int status, std::string code, std::string message);

// Maps a library error (store, queue) to the API's: kNotFound → 404
// not_found, kUsage → 400 bad_request, kUnavailable → 503 unavailable,
// anything else → 500 internal. `what` prefixes the message ("database: …").
ApiError FromLibraryError(const Error& error, const std::string& what);

// The code the API uses for a bare HTTP status that no handler explained
// (httplib's own 400/404/413…): "bad_request", "not_found", "body_too_large",
// … Cannot fail.
std::string CodeForStatus(int status);

}  // namespace trawl::api
