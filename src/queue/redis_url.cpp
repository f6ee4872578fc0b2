// redis:// URLs: parsing (RedisConfig) and redaction for logs. Written by
// hand because the format is tiny and libcurl's URL parser would accept
// schemes and parts (query, fragment) that mean nothing to Redis.
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>

#include "core/text.h"
#include "queue/redis_client.h"

namespace trawl {
namespace {

constexpr std::string_view kScheme = "redis://";

// A non-negative decimal integer that is all of `text` and at most `max`.
bool ParseNumber(std::string_view text, int max, int* out) {
  if (text.empty()) return false;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    return false;
  }
  *out = value;
  return true;
}

bool ValidHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (unsigned char c : host) {
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

// host[:port] or [ipv6][:port] into `config`; an error message or "".
std::string ParseHostPort(std::string_view hostport, RedisConfig* config) {
  std::string_view host = hostport;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return "unclosed '[' in the host";
    host = hostport.substr(1, close - 1);
    std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return "unexpected text after the IPv6 address";
      port = rest.substr(1);
      if (port.empty()) return "empty port";
    }
    if (host.empty() ||
        host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return "invalid IPv6 address";
    }
  } else {
    size_t colon = hostport.rfind(':');
    if (colon != std::string_view::npos) {
      host = hostport.substr(0, colon);
      port = hostport.substr(colon + 1);
      if (port.empty()) return "empty port";
    }
    if (!ValidHostName(host)) return "missing or invalid host";
  }
  config->host = std::string(host);
  if (!port.empty()) {
    int value = 0;
    if (!ParseNumber(port, 65535, &value) || value == 0) return "port must be 1-65535";
    config->port = value;
  }
  return "";
}

}  // namespace

Result<RedisConfig> ParseRedisUrl(std::string_view url) {
  RedisConfig config;
  auto fail = [](std::string_view why) {
    return Fail(
        ErrorCode::kUsage,
        std::string("bad Redis URL (expected redis://[[user]:password@]host[:port][/db]): ") +
            std::string(why));
  };
  std::string_view rest = url;
  if (rest.substr(0, kScheme.size()) == kScheme) {
    rest.remove_prefix(kScheme.size());
  } else if (rest.find("://") != std::string_view::npos) {
    return fail("only the redis:// scheme is supported");
  }
  // The password may hold a raw '@' or '/', so the user part ends at the
  // last '@'; the host, port and db never contain one.
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) return fail("the user part needs ':' before the password");
    auto username = PercentDecodeStrict(userinfo.substr(0, colon));
    auto password = PercentDecodeStrict(userinfo.substr(colon + 1));
    if (username) config.username = std::move(*username);
    if (password) config.password = std::move(*password);
    if (!username || !password) {
      return fail("broken %-escape in the user or password");
    }
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return fail("query strings and fragments are not supported");
  }
  std::string_view hostport = rest;
  size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !ParseNumber(db, 1 << 30, &config.db)) {
      return fail("the database must be a non-negative integer");
    }
  }
  if (std::string why = ParseHostPort(hostport, &config); !why.empty()) return fail(why);
  return config;
}

std::string RedactRedisUrl(const RedisConfig& config) {
  std::string out(kScheme);
  if (!config.password.empty()) {
    out += PercentEncode(config.username) + ":***@";
  } else if (!config.username.empty()) {
    out += PercentEncode(config.username) + "@";
  }
  bool ipv6 = config.host.find(':') != std::string::npos;
  out += ipv6 ? "[" + config.host + "]" : config.host;
  out += ":" + std::to_string(config.port) + "/" + std::to_string(config.db);
  return out;
}

}  // namespace trawl
