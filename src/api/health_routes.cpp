// GET /api/health and GET /api/worker_stats: what an operator looks at
// first. Health answers 200 while the database is up, saying "degraded"
// when Redis is configured but away; 503 only when the database is down.
#include <cmath>

#include "api/routes.h"
#include "core/clock.h"

namespace trawl::api {
namespace {

using nlohmann::json;

double Round1(double x) { return std::round(x * 10.0) / 10.0; }
double Mb(int64_t bytes) { return Round1(static_cast<double>(bytes) / (1024.0 * 1024.0)); }

json DatabaseHealth(ApiContext& ctx, bool& reachable) {
  json db = {{"backend", ctx.store->backend()}, {"reachable", false}, {"schema_version", nullptr}};
  auto ping = ctx.store->Ping();
  reachable = ping.has_value();
  db["reachable"] = reachable;
  if (!reachable) {
    db["error"] = ping.error().message;
    return db;
  }
  if (auto version = ctx.store->SchemaVersion()) db["schema_version"] = *version;
  return db;
}

}  // namespace

ApiResponse HandleHealth(ApiContext& ctx, const ApiRequest&) {
  bool db_ok = false;
  json database = DatabaseHealth(ctx, db_ok);
  json redis = {{"configured", ctx.queues->configured()},
                {"reachable", false},
                {"latency_ms", nullptr},
                {"url", nullptr},
                {"warnings", json::array()}};
  json workers = 0;
  json queue = nullptr;
  bool redis_ok = true;
  if (ctx.queues->configured()) {
    redis["url"] = RedactRedisUrl(*ctx.queues->config());
    auto lease = ctx.queues->Acquire();
    bool was_connected = lease->client().connected();
    auto ping = lease->client().Ping();
    if (!ping && was_connected)
      ping = lease->client().Ping();  // a stale pooled connection re-dials
    redis_ok = ping.has_value();
    redis["reachable"] = redis_ok;
    if (redis_ok) {
      redis["latency_ms"] = std::round(static_cast<double>(*ping) / 10.0) / 100.0;
      if (auto warnings = lease->ConfigWarnings()) redis["warnings"] = *warnings;
      if (auto live = lease->Workers()) workers = live->size();
      if (auto counts = lease->Counts()) {
        queue = {{"depth", counts->depth},
                 {"pending", counts->pending},
                 {"delayed", counts->delayed},
                 {"dead", counts->dead}};
      }
    } else {
      redis["error"] = ping.error().message;
    }
  }
  ApiResponse res;
  res.status = db_ok ? 200 : 503;
  res.body = {{"status", db_ok && redis_ok ? "ok" : "degraded"},
              {"version", ctx.version},
              {"mode", ctx.queues->configured() && redis_ok ? "redis_parallel" : "sequential"},
              {"redis", std::move(redis)},
              {"database", std::move(database)},
              {"workers", std::move(workers)},
              {"queue", std::move(queue)},
              {"embedded", {{"in_flight", ctx.runner->in_flight()}}}};
  return res;
}

ApiResponse HandleWorkerStats(ApiContext& ctx, const ApiRequest&) {
  if (!ctx.queues->configured()) {
    return ErrorResponse(503, "redis_unavailable",
                         "redis not configured: workers report through Redis");
  }
  auto lease = ctx.queues->Acquire();
  bool was_connected = lease->client().connected();
  auto live = lease->Workers();
  if (!live && was_connected) live = lease->Workers();  // a stale pooled connection re-dials
  if (!live)
    return ErrorResponse(503, "redis_unavailable", "redis unreachable: " + live.error().message);
  int64_t now = NowMs();
  json list = json::array();
  int64_t processed = 0, failed = 0, in_flight = 0, rss = 0;
  double cpu = 0;
  for (const WorkerBeat& w : *live) {
    list.push_back(
        {{"worker_id", w.id},
         {"host", w.host},
         {"pid", w.pid},
         {"started_at", w.started_at_ms > 0 ? json(FormatIsoTime(w.started_at_ms)) : json(nullptr)},
         {"processed", w.processed},
         {"failed", w.failed},
         {"in_flight", w.in_flight},
         {"cpu_percent", Round1(w.cpu_percent)},
         {"rss_mb", Mb(w.rss_bytes)},
         {"last_heartbeat",
          w.last_beat_ms > 0 ? json(FormatIsoTime(w.last_beat_ms)) : json(nullptr)},
         {"heartbeat_age_s",
          Round1(static_cast<double>(std::max<int64_t>(0, now - w.last_beat_ms)) / 1000.0)},
         {"concurrency", w.concurrency},
         {"version", w.version}});
    processed += w.processed;
    failed += w.failed;
    in_flight += w.in_flight;
    rss += w.rss_bytes;
    cpu += w.cpu_percent;
  }
  auto n = static_cast<int64_t>(live->size());
  double divisor = n > 0 ? static_cast<double>(n) : 1.0;
  ApiResponse res;
  res.body = {{"workers", std::move(list)},
              {"totals",
               {{"workers", n},
                {"processed", processed},
                {"failed", failed},
                {"in_flight", in_flight},
                {"cpu_percent", Round1(cpu)},
                {"rss_mb", Mb(rss)}}},
              {"averages",
               {{"cpu_percent", Round1(cpu / divisor)},
                {"rss_mb", Round1(static_cast<double>(rss) / divisor / (1024.0 * 1024.0))},
                {"processed", Round1(static_cast<double>(processed) / divisor)}}}};
  return res;
}

}  // namespace trawl::api
