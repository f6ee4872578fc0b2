// Settings → the option structs of the worker and the API server.
#include "cli/settings.h"

#include <filesystem>

#include "api/serve_setup.h"

namespace trawl {

Result<WorkerOptions> WorkerOptionsFrom(const Settings& s) {
  WorkerOptions options = s.worker;
  auto redis = RedisSetting(s.redis_url, s.redis_prefix);
  if (!redis) return tl::unexpected(redis.error());
  if (!*redis) return Fail(ErrorCode::kUsage, "--redis: a worker needs a Redis URL");
  options.redis = **redis;
  options.db_url = s.db_url;
  options.crawl = s.crawl;
  return options;
}

Result<ServerOptions> ServerOptionsFrom(const Settings& s, bool up) {
  ServerOptions options = s.server;
  auto redis = RedisSetting(up ? s.redis_url : s.serve_redis_url, s.redis_prefix);
  if (!redis) return tl::unexpected(redis.error());
  if (up && !*redis) {
    return Fail(ErrorCode::kUsage, "--redis: a Redis URL is needed (trawl serve runs without one)");
  }
  options.redis = *redis;
  if (!up) {
    options.db_url = s.db_url;
  } else {
    options.db_url = s.up_db_url.empty()
                         ? (std::filesystem::path(s.data_dir) / kDefaultDbPath).string()
                         : s.up_db_url;
  }
  options.crawl = s.crawl;
  return options;
}

}  // namespace trawl
