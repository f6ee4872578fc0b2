// What `trawl serve` and `trawl up` share between their command line and the
// server: the Redis setting (a URL, "" for none, plus a key prefix) and the
// lines printed when the server is up (tests parse the "listening on" one).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "api/server.h"

namespace trawl {

// "" → no Redis (embedded jobs only); otherwise ParseRedisUrl with the key
// prefix `prefix` ("" keeps the default "trawl:"). Fails with kUsage on a
// malformed URL or prefix (the message never repeats a password).
Result<std::optional<RedisConfig>> RedisSetting(const std::string& url, const std::string& prefix);

// "http://127.0.0.1:8000" (IPv6 hosts in brackets).
std::string ServerUrl(const std::string& host, int port);

// The start-up lines, each ending in '\n' and starting with `who` ("trawl
// serve: listening on http://127.0.0.1:8000", then Redis, database and
// authentication). Cannot fail.
std::string ServeBanner(const std::string& who, const ServerOptions& options, int port);

}  // namespace trawl
