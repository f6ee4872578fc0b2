// JSON error bodies and the mapping from library errors to HTTP statuses.
#include "api/json_error.h"

namespace trawl::api {

ApiResponse ErrorResponse(const ApiError& error) {
  ApiResponse res;
  res.status = error.status;
  res.body = {{"error", {{"code", error.code}, {"message", error.message}}}};
  return res;
}

ApiResponse ErrorResponse(int status, std::string code, std::string message) {
  return ErrorResponse(ApiError{status, std::move(code), std::move(message)});
}

ApiError FromLibraryError(const Error& error, const std::string& what) {
  std::string message = what.empty() ? error.message : what + ": " + error.message;
  switch (error.code) {
    case ErrorCode::kNotFound:
      return {404, "not_found", message};
    case ErrorCode::kUsage:
      return {400, "bad_request", message};
    case ErrorCode::kUnavailable:
      return {503, "unavailable", message};
    default:
      return {500, "internal", message};
  }
}

std::string CodeForStatus(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "body_too_large";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media_type";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "http_error";
  }
}

}  // namespace trawl::api
