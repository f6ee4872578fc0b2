// Shared set-up of `trawl serve` and `trawl up`.
#include "api/serve_setup.h"

#include <fmt/core.h>

#include "store/store.h"

namespace trawl {

Result<std::optional<RedisConfig>> RedisSetting(const std::string& url, const std::string& prefix) {
  if (url.empty()) return std::optional<RedisConfig>();
  auto config = ParseRedisUrl(url);
  if (!config) return tl::unexpected(config.error());
  if (!prefix.empty()) {
    for (char c : prefix) {
      if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
        return Fail(ErrorCode::kUsage,
                    "the Redis key prefix may not hold spaces or control characters");
      }
    }
    config->prefix = prefix;
  }
  return std::optional<RedisConfig>(*config);
}

std::string ServerUrl(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos && !host.starts_with("[");
  return fmt::format("http://{}:{}", v6 ? "[" + host + "]" : host, port);
}

std::string ServeBanner(const std::string& who, const ServerOptions& options, int port) {
  std::string out = fmt::format("{}: listening on {}\n", who, ServerUrl(options.host, port));
  out += fmt::format("{}: web page at {}/", who, ServerUrl(options.host, port));
  if (options.ui_port > 0) out += fmt::format(" and {}/", ServerUrl(options.host, options.ui_port));
  out += "\n";
  if (options.redis) {
    out += fmt::format("{}: redis {} (key prefix '{}'): /api/process_redis jobs go to workers\n",
                       who, RedactRedisUrl(*options.redis), options.redis->prefix);
  } else {
    out += fmt::format(
        "{}: no redis configured (--redis URL): every job runs embedded in this process\n", who);
  }
  out += fmt::format("{}: database {}\n", who,
                     options.db_url.empty() ? kDefaultDbPath : RedactDbUrl(options.db_url));
  if (!options.token.empty()) {
    out += fmt::format("{}: /api needs 'Authorization: Bearer <token>'\n", who);
  } else if (options.insecure_no_auth) {
    out += fmt::format(
        "{}: WARNING: no token and --insecure-no-auth: anyone who reaches this port can submit "
        "jobs\n",
        who);
  }
  return out;
}

}  // namespace trawl
