// GET /metrics: the server's view of the whole deployment in Prometheus text
// format (docs/api.md lists every family). Figures come from three places:
// the database (jobs, domains by outcome), Redis (queue, live workers and the
// fetch figures each worker puts in its heartbeat) and this process (the
// embedded runner's fetches, worker="serve"). A scrape never fails because
// one of them is away: what it cannot read is left out, and
// trawl_database_up / trawl_redis_up say why.
#include <map>
#include <optional>
#include <set>

#include "api/metrics_text.h"
#include "api/routes.h"
#include "fetch/fetch_metrics.h"

namespace trawl::api {
namespace {

constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kServeWorker = "serve";  // the worker label of this server's own crawls

// ===== gathering ============================================================

struct DatabaseFigures {
  bool up = false;
  std::vector<StatusCount> jobs;
  std::vector<TaskOutcomeCount> tasks;
};

struct RedisFigures {
  bool up = false;
  std::optional<QueueCounts> counts;            // nullopt: could not be read
  std::optional<std::vector<WorkerBeat>> live;  // likewise
};

// One worker's fetch figures, labelled.
struct FetchSeries {
  std::string worker;
  FetchMetricsSnapshot snapshot;
};

DatabaseFigures ReadDatabase(Store& store) {
  DatabaseFigures db;
  auto jobs = store.CountJobsByStatus();
  if (!jobs) return db;  // unreachable: the tasks query would wait for it again
  auto tasks = store.CountTasksByOutcome();
  if (!tasks) return db;
  db.up = true;
  db.jobs = std::move(*jobs);
  db.tasks = std::move(*tasks);
  return db;
}

RedisFigures ReadRedis(QueuePool& queues) {
  RedisFigures redis;
  auto lease = queues.Acquire();
  bool was_connected = lease->client().connected();
  auto ping = lease->client().Ping();
  if (!ping && was_connected) ping = lease->client().Ping();  // a stale pooled connection re-dials
  if (!ping) return redis;
  redis.up = true;
  if (auto counts = lease->Counts()) redis.counts = *counts;
  if (auto live = lease->Workers()) redis.live = std::move(*live);
  return redis;
}

// This server's series first, then each live worker whose heartbeat carries
// readable figures; a worker id seen before (a worker named "serve") is
// skipped, since a repeated series would make the whole scrape invalid.
std::vector<FetchSeries> CollectFetchSeries(const ApiContext& ctx, const RedisFigures& redis) {
  std::vector<FetchSeries> out;
  std::set<std::string> seen;
  if (ctx.fetch_metrics) {
    out.push_back({kServeWorker, ctx.fetch_metrics->Snapshot()});
    seen.insert(kServeWorker);
  }
  if (!redis.live) return out;
  for (const WorkerBeat& w : *redis.live) {
    if (w.fetch_metrics_json.empty() || !seen.insert(w.id).second) continue;
    auto snapshot = FetchMetricsSnapshot::FromJson(w.fetch_metrics_json);
    if (snapshot) out.push_back({w.id, *snapshot});
  }
  return out;
}

// ===== rendering ============================================================

void RenderDatabase(const DatabaseFigures& db, MetricsText& out) {
  out.Family("trawl_database_up", "gauge", "1 when the database answered this scrape, else 0.");
  out.Sample("trawl_database_up", {}, int64_t{db.up ? 1 : 0});
  if (!db.up) return;

  std::map<std::string, int64_t> jobs;
  for (JobStatus s : {JobStatus::kPending, JobStatus::kProcessing, JobStatus::kCompleted,
                      JobStatus::kCancelled}) {
    jobs[ToString(s)] = 0;
  }
  for (const StatusCount& s : db.jobs) jobs[s.status] += s.count;
  out.Family("trawl_jobs", "gauge", "Jobs in the database by status.");
  for (const auto& [status, n] : jobs) out.Sample("trawl_jobs", {{"status", status}}, n);

  std::map<std::string, int64_t> states;
  for (TaskState s :
       {TaskState::kPending, TaskState::kProcessing, TaskState::kDone, TaskState::kFailed}) {
    states[ToString(s)] = 0;
  }
  std::map<std::string, int64_t> failed_by_code;
  for (const TaskOutcomeCount& t : db.tasks) {
    states[t.state] += t.count;
    if (!Is(t.state, TaskState::kFailed)) continue;
    failed_by_code[t.error_code.empty() ? "unknown" : t.error_code] += t.count;
  }
  out.Family("trawl_domains", "gauge",
             "Domains of every job in the database by state (done: a profile; failed: an error).");
  for (const auto& [state, n] : states) out.Sample("trawl_domains", {{"state", state}}, n);
  out.Family("trawl_domains_failed", "gauge",
             "Failed domains of every job in the database by error code (docs/errors.md).");
  for (const auto& [code, n] : failed_by_code) {
    out.Sample("trawl_domains_failed", {{"code", code}}, n);
  }
}

void RenderQueue(const RedisFigures& redis, MetricsText& out) {
  out.Family("trawl_redis_up", "gauge", "1 when Redis answered this scrape, else 0.");
  out.Sample("trawl_redis_up", {}, int64_t{redis.up ? 1 : 0});
  if (!redis.counts) return;
  const QueueCounts& c = *redis.counts;
  const std::pair<const char*, const char*> families[] = {
      {"trawl_queue_depth", "Tasks waiting for a worker (undelivered plus delayed retries)."},
      {"trawl_queue_pending", "Tasks delivered to a worker and not yet acknowledged."},
      {"trawl_queue_delayed", "Tasks waiting for their retry time (part of the depth)."},
      {"trawl_queue_dead", "Tasks in the dead-letter stream (attempts used up)."}};
  const int64_t values[] = {c.depth, c.pending, c.delayed, c.dead};
  for (size_t i = 0; i < std::size(families); ++i) {
    out.Family(families[i].first, "gauge", families[i].second);
    out.Sample(families[i].first, {}, values[i]);
  }
}

void RenderWorkers(const std::vector<WorkerBeat>& live, MetricsText& out) {
  out.Family("trawl_workers", "gauge", "Live workers (heartbeat younger than its time to live).");
  out.Sample("trawl_workers", {}, static_cast<int64_t>(live.size()));
  struct Family {
    const char* name;
    const char* type;
    const char* help;
    double (*value)(const WorkerBeat&);
  };
  const Family families[] = {
      {"trawl_worker_cpu_percent", "gauge",
       "CPU over the worker's last heartbeat interval, 100 = one core.",
       [](const WorkerBeat& w) { return w.cpu_percent; }},
      {"trawl_worker_rss_bytes", "gauge", "Resident memory of the worker process.",
       [](const WorkerBeat& w) { return static_cast<double>(w.rss_bytes); }},
      {"trawl_worker_in_flight", "gauge", "Domains the worker is crawling now.",
       [](const WorkerBeat& w) { return static_cast<double>(w.in_flight); }},
      {"trawl_worker_processed_total", "counter",
       "Domains the worker finished (ok or failed) since it started.",
       [](const WorkerBeat& w) { return static_cast<double>(w.processed); }},
      {"trawl_worker_failed_total", "counter",
       "Domains the worker finished failed since it started.",
       [](const WorkerBeat& w) { return static_cast<double>(w.failed); }},
  };
  for (const Family& f : families) {
    out.Family(f.name, f.type, f.help);
    for (const WorkerBeat& w : live) {
      out.Sample(f.name, {{"worker", w.id}, {"host", w.host}}, f.value(w));
    }
  }
}

void RenderFetches(const std::vector<FetchSeries>& series, MetricsText& out) {
  out.Family("trawl_pages_fetched_total", "counter",
             "HTTP transfers finished, by status class; error: no HTTP response (DNS, connect, "
             "TLS, timeout, refused address).");
  for (const FetchSeries& s : series) {
    for (int c = 0; c < kFetchClassCount; ++c) {
      out.Sample("trawl_pages_fetched_total",
                 {{"worker", s.worker}, {"class", FetchClassName(static_cast<FetchClass>(c))}},
                 s.snapshot.responses[static_cast<size_t>(c)]);
    }
  }
  out.Family("trawl_fetch_bytes_total", "counter", "Body bytes received (after decompression).");
  for (const FetchSeries& s : series) {
    out.Sample("trawl_fetch_bytes_total", {{"worker", s.worker}}, s.snapshot.bytes);
  }
  out.Family("trawl_fetch_duration_seconds", "histogram",
             "Wall time of each HTTP transfer, from its start to its last byte.");
  for (const FetchSeries& s : series) {
    out.Histogram("trawl_fetch_duration_seconds", {{"worker", s.worker}}, kFetchLatencyBounds,
                  s.snapshot.buckets, static_cast<double>(s.snapshot.sum_ms) / 1000.0);
  }
}

}  // namespace

ApiResponse HandleMetrics(ApiContext& ctx, const ApiRequest&) {
  DatabaseFigures db = ReadDatabase(*ctx.store);
  RedisFigures redis;
  if (ctx.queues->configured()) redis = ReadRedis(*ctx.queues);

  MetricsText out;
  out.Family("trawl_build_info", "gauge", "Always 1; the version label says which trawl serves.");
  out.Sample("trawl_build_info", {{"version", ctx.version}}, int64_t{1});
  RenderDatabase(db, out);
  if (ctx.queues->configured()) RenderQueue(redis, out);
  if (redis.live) RenderWorkers(*redis.live, out);
  out.Family("trawl_embedded_in_flight", "gauge",
             "Domains the server's embedded runner is crawling now.");
  out.Sample("trawl_embedded_in_flight", {}, static_cast<int64_t>(ctx.runner->in_flight()));
  RenderFetches(CollectFetchSeries(ctx, redis), out);

  ApiResponse res;
  res.content_type = kContentType;
  res.text = out.text();
  return res;
}

}  // namespace trawl::api
