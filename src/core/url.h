// Absolute http(s) URLs: parsing, normalization, resolving links. Built on
// libcurl's URL API (CURLU) so that trawl and its fetcher agree on what a URL
// is. All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace trawl {

// Parts of a normalized absolute URL. `port` is 0 for the scheme's default.
struct UrlParts {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case, punycode for IDNs
  int port = 0;
  std::string path;   // starts with "/", dot segments removed, percent-encoded
  std::string query;  // without "?", empty when none
};

// Normalizes an absolute http(s) URL: lower-case scheme and host, default port
// dropped, dot segments removed, fragment dropped, unsafe characters
// percent-encoded. Fails with kUsage for non-http(s) or malformed input.
Result<std::string> NormalizeUrl(std::string_view absolute);

// Resolves `ref` (an href) against `base` and normalizes the result. Fails for
// non-http(s) targets (mailto:, tel:, javascript:, data:) and malformed refs.
Result<std::string> ResolveUrl(std::string_view base, std::string_view ref);

// Resolves many references against one base, parsing the base once (a page
// has hundreds of links; parsing its URL for each costs more than the link).
// Immutable after construction; Resolve is thread-safe.
class UrlResolver {
 public:
  explicit UrlResolver(std::string_view base);
  ~UrlResolver();
  UrlResolver(const UrlResolver&) = delete;
  UrlResolver& operator=(const UrlResolver&) = delete;

  // As ResolveUrl(base, ref).
  Result<std::string> Resolve(std::string_view ref) const;

  const std::string& base() const { return base_; }

 private:
  std::string base_;
  void* handle_ = nullptr;  // CURLU* of the base, or null when it did not parse
};

// Splits a URL that NormalizeUrl accepts. Fails like NormalizeUrl.
Result<UrlParts> ParseUrl(std::string_view absolute);

// True when `host` is `domain` or a subdomain of it (both lower case ASCII).
bool HostWithinDomain(std::string_view host, std::string_view domain);

}  // namespace trawl
