// Error values that cross library boundaries: a stable code plus a message.
// Codes are part of the profile contract (DESIGN.md §4): never rename one.
// Plain values; thread-safe to copy.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <type_traits>
#include <utility>

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

// [[nodiscard]]: a function that builds an Error is useless when the caller
// drops it.
struct [[nodiscard]] Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

// tl::expected that may not be dropped: calling a function that returns one
// and ignoring the value is a -Wunused-result warning (an error in CI, where
// TRAWL_WERROR is on). Where ignoring really is right, write `(void)Call();`
// with the reason. Otherwise exactly tl::expected: value(), error(), *, ->,
// and_then/map (their plain tl::expected converts back implicitly).
template <typename T, typename E>
class [[nodiscard]] Expected : public tl::expected<T, E> {
 public:
  using Base = tl::expected<T, E>;
  using Base::Base;
  constexpr Expected() = default;
  // The inherited copy/move constructors of Base are not candidates for a
  // derived class (C++ [over.match.funcs]), so a plain tl::expected — what
  // map/map_error return — needs these two to convert.
  constexpr Expected(const Base& other) : Base(other) {}
  constexpr Expected(Base&& other) noexcept(std::is_nothrow_move_constructible_v<Base>)
      : Base(std::move(other)) {}
};

// What a library function returns: a value or an Error. [[nodiscard]].
template <typename T>
using Result = Expected<T, Error>;

// Shorthand for returning an error from a function that yields Result<T>.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace trawl

// tl::expected's and_then/or_else insist that the callable returns a
// tl::expected; our subclass is one.
namespace tl::detail {
template <typename T, typename E>
struct is_expected_impl<trawl::Expected<T, E>> : std::true_type {};
}  // namespace tl::detail
