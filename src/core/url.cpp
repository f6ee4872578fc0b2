// URL handling on libcurl's CURLU parser.
#include "core/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "core/text.h"

namespace trawl {
namespace {

struct CurluDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurluPtr = std::unique_ptr<CURLU, CurluDeleter>;

std::string GetPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* out = nullptr;
  if (curl_url_get(u, part, &out, flags) != CURLUE_OK || out == nullptr) return {};
  std::string s(out);
  curl_free(out);
  return s;
}

bool IsHttp(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

// Hrefs in the wild carry spaces, tabs and newlines around and inside them;
// browsers strip leading/trailing whitespace and drop tabs/newlines.
std::string CleanRef(std::string_view ref) {
  std::string out;
  out.reserve(ref.size());
  for (char c : ref) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    out.push_back(c);
  }
  size_t b = out.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  size_t e = out.find_last_not_of(' ');
  return out.substr(b, e - b + 1);
}

Result<std::string> Finish(CURLU* u) {
  std::string scheme = GetPart(u, CURLUPART_SCHEME);
  scheme = AsciiLower(scheme);
  if (!IsHttp(scheme)) return Fail(ErrorCode::kUsage, "not an http(s) URL");
  std::string host = GetPart(u, CURLUPART_HOST);
  if (host.empty()) return Fail(ErrorCode::kUsage, "URL has no host");
  host = AsciiLower(host);
  while (!host.empty() && host.back() == '.') host.pop_back();
  curl_url_set(u, CURLUPART_HOST, host.c_str(), 0);
  curl_url_set(u, CURLUPART_SCHEME, scheme.c_str(), 0);
  curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
  std::string port = GetPart(u, CURLUPART_PORT);
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
    curl_url_set(u, CURLUPART_PORT, nullptr, 0);
  }
  std::string query = GetPart(u, CURLUPART_QUERY);
  if (query.empty()) curl_url_set(u, CURLUPART_QUERY, nullptr, 0);
  std::string url = GetPart(u, CURLUPART_URL);
  if (url.empty()) return Fail(ErrorCode::kUsage, "URL could not be rebuilt");
  return url;
}

}  // namespace

Result<std::string> NormalizeUrl(std::string_view absolute) {
  CurluPtr u(curl_url());
  std::string ref = CleanRef(absolute);
  if (curl_url_set(u.get(), CURLUPART_URL, ref.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    return Fail(ErrorCode::kUsage, "malformed URL");
  }
  return Finish(u.get());
}

UrlResolver::UrlResolver(std::string_view base) : base_(base) {
  CURLU* u = curl_url();
  if (curl_url_set(u, CURLUPART_URL, base_.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    curl_url_cleanup(u);
    u = nullptr;
  }
  handle_ = u;
}

UrlResolver::~UrlResolver() { curl_url_cleanup(static_cast<CURLU*>(handle_)); }

Result<std::string> UrlResolver::Resolve(std::string_view ref) const {
  std::string clean = CleanRef(ref);
  if (clean.empty()) return Fail(ErrorCode::kUsage, "empty reference");
  if (handle_ == nullptr) return Fail(ErrorCode::kUsage, "malformed base URL");
  // A fragment-only link names the same document (RFC 3986 §5.2.2).
  if (clean.front() == '#') return NormalizeUrl(base_);
  // Only http(s) targets and relative references are followed; anything with
  // another scheme (mailto:, tel:, javascript:) is refused before parsing.
  size_t colon = clean.find(':');
  size_t slash = clean.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) {
    std::string scheme = clean.substr(0, colon);
    scheme = AsciiLower(scheme);
    if (!IsHttp(scheme)) return Fail(ErrorCode::kUsage, "not an http(s) link");
  }
  CurluPtr u(curl_url_dup(static_cast<CURLU*>(handle_)));
  if (curl_url_set(u.get(), CURLUPART_URL, clean.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    return Fail(ErrorCode::kUsage, "malformed link");
  }
  return Finish(u.get());
}

Result<std::string> ResolveUrl(std::string_view base, std::string_view ref) {
  return UrlResolver(base).Resolve(ref);
}

Result<UrlParts> ParseUrl(std::string_view absolute) {
  // One parse: Finish normalizes the handle in place, then the parts are read
  // from it (ParseUrl runs for every link the crawler considers).
  CurluPtr u(curl_url());
  std::string ref = CleanRef(absolute);
  if (curl_url_set(u.get(), CURLUPART_URL, ref.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    return Fail(ErrorCode::kUsage, "malformed URL");
  }
  if (auto norm = Finish(u.get()); !norm) return tl::unexpected(norm.error());
  UrlParts p;
  p.scheme = GetPart(u.get(), CURLUPART_SCHEME);
  p.host = GetPart(u.get(), CURLUPART_HOST);
  std::string port = GetPart(u.get(), CURLUPART_PORT);
  p.port = port.empty() ? 0 : std::stoi(port);
  p.path = GetPart(u.get(), CURLUPART_PATH);
  if (p.path.empty()) p.path.push_back('/');  // (assigning "/" trips GCC 12 bug 105329)
  p.query = GetPart(u.get(), CURLUPART_QUERY);
  return p;
}

bool HostWithinDomain(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

}  // namespace trawl
