// Error values that cross library boundaries: a stable code plus a message.
// Codes are part of the profile contract (DESIGN.md §4): never rename one.
// Plain values; thread-safe to copy.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace trawl {

enum class ErrorCode {
  kInvalidDomain,     // input is not a usable domain name
  kDnsFailure,        // name did not resolve
  kConnectFailed,     // TCP connect refused or unreachable
  kTlsError,          // TLS handshake or certificate failure
  kTimeout,           // connect or whole-request deadline passed
  kHttpError,         // home page answered 4xx/5xx
  kRobotsDisallowed,  // robots.txt forbids the home page
  kBlockedAddress,    // resolved to a private/loopback/... address
  kTooLarge,          // body larger than the cap
  kNoHtml,            // home page is not HTML
  kTooManyRedirects,  // redirect loop or more than the redirect cap
  kBadEncoding,       // body could not be decoded (broken gzip, ...)
  kProtocolError,     // malformed HTTP response
  kInternal,          // a bug in trawl; the message says where
  kUsage,             // bad command-line or API input
  kIo,                // local file could not be read or written
  kWorkerCrashed,     // the worker processing the domain died every attempt
  kUnavailable,       // Redis or the database could not be reached
  kNotFound,          // an API request named a job or domain that does not exist
};
inline constexpr int kErrorCodeCount = static_cast<int>(ErrorCode::kNotFound) + 1;

// The stable snake_case name of a code, e.g. "dns_failure". Cannot fail.
std::string_view ErrorCodeName(ErrorCode code);

// The code named `name` (as ErrorCodeName writes it); kInternal when unknown.
ErrorCode ErrorCodeFromName(std::string_view name);

// Whether a domain that failed with `code` may succeed when tried again later:
// timeouts, connection and protocol errors. HTTP 5xx/429 are retryable too,
// but only the page status tells them apart from 4xx; see IsRetryableHttp.
bool IsRetryable(ErrorCode code);
inline bool IsRetryableHttp(int status) { return status == 429 || status >= 500; }

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

// Shorthand for returning an error from a function that yields Result<T>.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace trawl
