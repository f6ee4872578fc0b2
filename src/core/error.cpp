// Names of error codes, as they appear in profiles and API responses.
#include "core/error.h"

namespace trawl {

// Result must keep accepting what the code base returns into it.
static_assert(std::is_convertible_v<int, Result<int>>);
static_assert(std::is_convertible_v<tl::unexpected<Error>, Result<int>>);
static_assert(std::is_convertible_v<tl::unexpected<Error>, Result<void>>);
static_assert(std::is_convertible_v<tl::expected<int, Error>, Result<int>>);
static_assert(std::is_same_v<decltype(std::declval<Result<int>&>().and_then(
                                 [](int) -> Result<long> { return 1L; })),
                             Result<long>>);

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidDomain:
      return "invalid_domain";
    case ErrorCode::kDnsFailure:
      return "dns_failure";
    case ErrorCode::kConnectFailed:
      return "connect_failed";
    case ErrorCode::kTlsError:
      return "tls_error";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kHttpError:
      return "http_error";
    case ErrorCode::kRobotsDisallowed:
      return "robots_disallowed";
    case ErrorCode::kBlockedAddress:
      return "blocked_address";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kNoHtml:
      return "no_html";
    case ErrorCode::kTooManyRedirects:
      return "too_many_redirects";
    case ErrorCode::kBadEncoding:
      return "bad_encoding";
    case ErrorCode::kProtocolError:
      return "protocol_error";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUsage:
      return "usage";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kWorkerCrashed:
      return "worker_crashed";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kNotFound:
      return "not_found";
  }
  return "internal";
}

ErrorCode ErrorCodeFromName(std::string_view name) {
  for (int i = 0; i < kErrorCodeCount; ++i) {
    auto code = static_cast<ErrorCode>(i);
    if (ErrorCodeName(code) == name) return code;
  }
  return ErrorCode::kInternal;
}

bool IsRetryable(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTimeout:
    case ErrorCode::kConnectFailed:
    case ErrorCode::kProtocolError:
    case ErrorCode::kUnavailable:
      return true;
    default:
      return false;
  }
}

}  // namespace trawl
