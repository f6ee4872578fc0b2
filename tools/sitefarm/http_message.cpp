// HTTP/1.x request-head parsing and response helpers for the site farm.
#include "sitefarm/http_message.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>

#include "core/text.h"

namespace trawl::sitefarm {
namespace {

constexpr size_t kMaxRequestBody = 1 << 20;  // the farm only ever discards bodies

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// True when the comma-separated header value lists `token` (case-insensitive).
bool ListsToken(std::string_view value, std::string_view token) {
  std::string lower = AsciiLower(value);
  size_t pos = 0;
  while (pos <= lower.size()) {
    size_t comma = lower.find(',', pos);
    if (comma == std::string::npos) comma = lower.size();
    std::string_view item = Trim(std::string_view(lower).substr(pos, comma - pos));
    item = item.substr(0, item.find(';'));
    if (Trim(item) == token) return true;
    pos = comma + 1;
  }
  return false;
}

// "Acme.Test:8080" -> "acme.test"; "[::1]:80" -> "[::1]".
std::string HostWithoutPort(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    return AsciiLower(
        authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1));
  }
  return AsciiLower(authority.substr(0, authority.find(':')));
}

void SplitTarget(std::string_view target, Request& req) {
  size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  req.has_query = q != std::string_view::npos;
  if (req.has_query) req.query = std::string(target.substr(q + 1));
  size_t hash = req.query.find('#');
  if (hash != std::string::npos) req.query.resize(hash);
}

// Fills host/path/query from the request target (origin, absolute or
// authority form). False when the target is none of those.
bool ParseTarget(Request& req) {
  std::string_view t = req.target;
  if (req.method == "CONNECT") {
    req.host = HostWithoutPort(t);
    return !req.host.empty();
  }
  if (!t.empty() && t.front() == '/') {
    SplitTarget(t, req);
    return true;
  }
  if (t == "*") return req.method == "OPTIONS";
  size_t scheme_end = t.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string scheme = AsciiLower(t.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return false;
  std::string_view rest = t.substr(scheme_end + 3);
  size_t path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  req.host = HostWithoutPort(authority);
  if (req.host.empty()) return false;
  std::string_view path = path_start == std::string_view::npos ? "/" : rest.substr(path_start);
  std::string with_slash = path.front() == '/' ? std::string(path) : "/" + std::string(path);
  SplitTarget(with_slash, req);
  return true;
}

Result<Request> ParseRequestLine(std::string_view line) {
  Request req;
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Fail(ErrorCode::kProtocolError, "malformed request line");
  }
  req.method = std::string(line.substr(0, sp1));
  req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(req.method) || req.target.empty()) {
    return Fail(ErrorCode::kProtocolError, "malformed request line");
  }
  if (version == "HTTP/1.1") {
    req.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    req.minor_version = 0;
  } else {
    return Fail(ErrorCode::kProtocolError, "unsupported HTTP version");
  }
  for (char c : req.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kProtocolError, "control character in request target");
    }
  }
  return req;
}

Result<void> ParseHeaderLine(std::string_view line, Request& req) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
    return Fail(ErrorCode::kProtocolError, "malformed header line");
  }
  req.headers.emplace_back(AsciiLower(line.substr(0, colon)),
                           std::string(Trim(line.substr(colon + 1))));
  return {};
}

Result<void> ApplyHeaders(Request& req) {
  std::string_view connection = req.Header("connection");
  req.keep_alive = req.minor_version == 1 ? !ListsToken(connection, "close")
                                          : ListsToken(connection, "keep-alive");
  req.accepts_gzip = ListsToken(req.Header("accept-encoding"), "gzip");
  if (!req.Header("transfer-encoding").empty()) {
    return Fail(ErrorCode::kProtocolError, "request bodies must use Content-Length");
  }
  std::string_view length = req.Header("content-length");
  if (!length.empty()) {
    auto [end, ec] =
        std::from_chars(length.data(), length.data() + length.size(), req.content_length);
    if (ec != std::errc() || end != length.data() + length.size() ||
        req.content_length > kMaxRequestBody) {
      return Fail(ErrorCode::kProtocolError, "bad Content-Length");
    }
  }
  return {};
}

}  // namespace

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

Result<Request> ParseRequestHead(std::string_view head) {
  size_t eol = head.find('\n');
  auto req = ParseRequestLine(Trim(head.substr(0, eol)));
  if (!req) return req;
  while (eol != std::string_view::npos) {
    size_t start = eol + 1;
    eol = head.find('\n', start);
    std::string_view line = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {
      return Fail(ErrorCode::kProtocolError, "obsolete header line folding");
    }
    if (auto ok = ParseHeaderLine(line, *req); !ok) return tl::unexpected(ok.error());
  }
  if (auto ok = ApplyHeaders(*req); !ok) return tl::unexpected(ok.error());
  if (!ParseTarget(*req)) return Fail(ErrorCode::kProtocolError, "malformed request target");
  if (req->host.empty()) {
    std::string_view host = req->Header("host");
    if (host.empty() && req->minor_version == 1) {
      return Fail(ErrorCode::kProtocolError, "HTTP/1.1 request without Host");
    }
    req->host = HostWithoutPort(host);
  }
  return req;
}

Response TextResponse(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

std::string_view StatusReason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

Result<std::string> PercentDecode(std::string_view in) {
  std::optional<std::string> out = PercentDecodeStrict(in);
  if (!out) return Fail(ErrorCode::kProtocolError, "malformed percent escape");
  if (out->find('\0') != std::string::npos) {
    return Fail(ErrorCode::kProtocolError, "encoded NUL byte");
  }
  return std::move(*out);
}

std::string Gzip(std::string_view in) {
  z_stream z{};
  // windowBits 15 + 16 selects the gzip wrapper; level 1 because this runs
  // per request and the farm must outpace the crawler on one core.
  deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string HtmlEscape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 16);
  for (char c : in) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace trawl::sitefarm
