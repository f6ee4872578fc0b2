// GET /metrics (docs/api.md) as a black box: the real `trawl serve` with a
// real redis-server and a real `trawl worker` crawling the site farm, a
// parallel and an embedded job run to the end, then the scrape checked
// against the jobs (database), the worker (heartbeat) and itself (histogram
// invariants). Every scrape is read by Debian's python3-prometheus-client
// parser, the reference reader of the format: a parse error fails the test.
// Also: the token guards it, and a database or Redis that is down turns its
// *_up gauge to 0 without failing the scrape.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/client.h"
#include "api_call_util.h"
#include "child_util.h"
#include "core/error.h"
#include "process_util.h"
#include "queue/redis_client.h"
#include "serve_util.h"
#include "servers/postgres_server.h"
#include "servers/redis_server.h"
#include "servers/require.h"
#include "store/store.h"

namespace trawl::testing {
namespace {

using nlohmann::json;
using Labels = std::map<std::string, std::string>;

constexpr const char* kToken = "metr1cs-t0ken";
constexpr int kJobTimeoutS = 180;  // guards, not measurements
constexpr int kWaitMs = 30'000;

// Reads the scrape with the reference parser and prints it as JSON:
// {"families": {name: type}, "samples": [[name, labels, value], ...]}.
// Fails (exit status 1, a message on stderr) on anything the parser refuses,
// on bytes that are not UTF-8, on a family whose samples are not together
// (it would come back twice) and on a sample without a TYPE.
constexpr const char* kParseScript = R"(import json, sys
try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    sys.exit('python3-prometheus-client is not installed (scripts/setup.sh installs it)')
text = sys.stdin.buffer.read().decode('utf-8')
families, samples = {}, []
for f in text_string_to_metric_families(text):
    if f.name in families:
        sys.exit('family %s appears twice: its samples are not together' % f.name)
    if f.type not in ('counter', 'gauge', 'histogram'):
        sys.exit('family %s has type %s: no TYPE line before its samples' % (f.name, f.type))
    families[f.name] = f.type
    for s in f.samples:
        samples.append([s.name, s.labels, s.value])
json.dump({'families': families, 'samples': samples}, sys.stdout)
)";

struct Scrape {
  int status = 0;
  std::string content_type;
  std::string text;
  json families = json::object();  // name → type, as the parser read them
  json samples = json::array();    // [name, labels, value]

  bool Has(const std::string& family) const { return families.contains(family); }

  // The samples named `name` whose labels include `want`.
  std::vector<json> Find(const std::string& name, const Labels& want = {}) const {
    std::vector<json> out;
    for (const json& s : samples) {
      if (s[0] != name) continue;
      bool match = true;
      for (const auto& [k, v] : want) match = match && s[1].value(k, std::string()) == v;
      if (match) out.push_back(s);
    }
    return out;
  }
  // The sum of those samples' values (0 when there is none).
  double Sum(const std::string& name, const Labels& want = {}) const {
    double total = 0;
    for (const json& s : Find(name, want)) total += s[2].get<double>();
    return total;
  }
  // The one sample's value; a test failure (and -1) unless exactly one matches.
  double One(const std::string& name, const Labels& want = {}) const {
    auto found = Find(name, want);
    EXPECT_EQ(found.size(), 1u) << name << " " << json(want).dump() << "\n" << text;
    return found.size() == 1 ? found[0][2].get<double>() : -1;
  }
};

// GET /metrics, parsed by the reference parser (a test failure when it
// refuses the text).
Scrape GetMetrics(ApiClient& client) {
  Scrape scrape;
  auto reply = client.Get("/metrics");
  if (!reply) {
    ADD_FAILURE() << "GET /metrics: " << reply.error().message;
    return scrape;
  }
  scrape.status = reply->status;
  scrape.content_type = reply->Header("Content-Type");
  scrape.text = reply->body;
  if (scrape.status != 200) return scrape;
  TempDir dir;
  std::ofstream(dir.File("parse.py")) << kParseScript;
  ProcessResult r = RunProcess({DebianPython(), dir.File("parse.py")}, 60'000, scrape.text);
  EXPECT_EQ(r.exit_code, 0) << "the Prometheus parser refused the scrape: " << r.err << "\n"
                            << scrape.text;
  json parsed = json::parse(r.out, nullptr, false);
  if (r.exit_code == 0 && parsed.is_object()) {
    scrape.families = parsed["families"];
    scrape.samples = parsed["samples"];
  }
  return scrape;
}

// The histogram of `worker`: buckets non-decreasing in le order, +Inf equal
// to _count. Returns _count.
double CheckHistogram(const Scrape& s, const std::string& worker) {
  const std::string name = "trawl_fetch_duration_seconds";
  auto buckets = s.Find(name + "_bucket", {{"worker", worker}});
  EXPECT_EQ(buckets.size(), 9u) << s.text;  // 8 bounds and +Inf
  double previous = 0;
  double inf = -1;
  double previous_le = 0;
  for (const json& b : buckets) {  // the parser keeps the text's order
    std::string le = b[1]["le"];
    double bound = le == "+Inf" ? 1e300 : std::stod(le);
    EXPECT_GT(bound, previous_le) << "le not increasing at " << le << "\n" << s.text;
    previous_le = bound;
    double v = b[2].get<double>();
    EXPECT_GE(v, previous) << "bucket le=" << le << " below the one before\n" << s.text;
    previous = v;
    if (le == "+Inf") inf = v;
  }
  double count = s.One(name + "_count", {{"worker", worker}});
  EXPECT_EQ(inf, count) << s.text;
  // _sum against the buckets: a transfer in (le[i-1], le[i]] adds more than
  // le[i-1] and at most le[i] seconds, so the sum lies between those totals
  // (no upper bound once a transfer is in +Inf). Each is whole milliseconds.
  const double sum = s.One(name + "_sum", {{"worker", worker}});
  double at_least = 0, at_most = 0, below = 0, lower_le = 0;
  for (const json& b : buckets) {
    std::string le = b[1]["le"];
    double upper_le = le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(le);
    double in_bucket = b[2].get<double>() - below;
    below = b[2].get<double>();
    at_least += in_bucket * lower_le;
    if (in_bucket > 0) at_most += in_bucket * upper_le;
    lower_le = upper_le;
  }
  constexpr double kSlack = 1e-6;  // the text format's decimal rounding
  EXPECT_GE(sum, at_least - kSlack) << worker << "\n" << s.text;
  EXPECT_LE(sum, at_most + kSlack) << worker << "\n" << s.text;
  EXPECT_NEAR(sum * 1000, std::round(sum * 1000), kSlack) << "not whole milliseconds\n" << s.text;
  if (count == 0) {
    EXPECT_EQ(sum, 0) << s.text;
  }
  return count;
}

// The job's tasks in the store: by state, and the failed ones by error code.
void TaskTruth(const std::string& db, std::map<std::string, int>& by_state,
               std::map<std::string, int>& failed_by_code) {
  auto store = Store::Open(db);
  ASSERT_TRUE(store) << store.error().message;
  auto jobs = (*store)->ListJobs(100, 0);
  ASSERT_TRUE(jobs);
  for (const JobRecord& job : *jobs) {
    auto tasks = (*store)->ListTasks(job.id, "", 10'000, 0);
    ASSERT_TRUE(tasks);
    for (const TaskRecord& t : *tasks) {
      ++by_state[t.state];
      if (t.state == "failed") ++failed_by_code[t.error_code];
    }
  }
}

class ApiMetrics : public ::testing::Test {
 protected:
  void SetUp() override { TRAWL_REQUIRE_REDIS(); }
};

TEST_F(ApiMetrics, AfterAParallelAndAnEmbeddedJobEveryFamilyAgreesWithWhatHappened) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  FarmProcess farm({"--bulk", "4"});
  ASSERT_GT(farm.port(), 0);
  const std::string db = dir.File("trawl.db");
  std::vector<std::string> args = {"serve",   "--port",    "0",       "--db", db,
                                   "--redis", redis.url(), "--token", kToken};
  for (const auto& f : FarmFlags(farm)) args.push_back(f);
  ServeProcess server(args);
  ASSERT_SERVING(server);
  ApiClient client(server.url(), kToken);

  // A worker whose id needs escaping in a label value: quote, backslash,
  // space and a non-ASCII letter.
  const std::string worker_id = "mw \"1\" \\ \xC3\xBC";
  BackgroundProcess worker(
      {TrawlBinary(), "worker", "--redis", redis.url(), "--db", db, "--id", worker_id,
       "--heartbeat", "0.3", "--concurrency", "3", "--allow-private", "--connect-to",
       farm.connect_to(), "--timeout", "10"},
      dir.File("worker.log"));

  // Four farm sites, a site whose home page is 404, one whose robots.txt
  // forbids everything: 4 done, 2 failed with their codes.
  Call submit = Post(client, "/api/process_redis",
                     R"({"domains": ["bulk-0.test", "bulk-1.test", "bulk-2.test", "bulk-3.test",
                                     "notfound.hostile.test", "robots-disallow.hostile.test"]})");
  ASSERT_EQ(submit.status, 202) << submit.raw;
  ASSERT_EQ(submit.body["mode"], "redis_parallel") << submit.raw;
  json parallel = WaitForJob(client, submit.body["job_id"], kJobTimeoutS);
  ASSERT_EQ(parallel["status"], "completed") << worker.Output();
  EXPECT_EQ(parallel["completed"], 4) << parallel.dump();
  EXPECT_EQ(parallel["failed"], 2) << parallel.dump();

  // One embedded job: the server's own fetches (worker="serve").
  Call embedded = Post(client, "/api/process", R"({"domains": ["bulk-3.test"]})");
  ASSERT_EQ(embedded.status, 202) << embedded.raw;
  json serve_job = WaitForJob(client, embedded.body["job_id"], kJobTimeoutS);
  ASSERT_EQ(serve_job["status"], "completed");
  EXPECT_EQ(serve_job["completed"], 1);

  // The worker's figures arrive with its next heartbeat (every 0.3 s).
  Scrape s;
  ASSERT_TRUE(WaitFor(
      [&] {
        s = GetMetrics(client);
        return s.Sum("trawl_worker_processed_total", {{"worker", worker_id}}) == 6 &&
               s.Sum("trawl_pages_fetched_total", {{"worker", worker_id}}) > 0;
      },
      kWaitMs))
      << s.text << "\n"
      << worker.Output();
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.content_type, "text/plain; version=0.0.4; charset=utf-8");

  // Every family the docs list is there, with its type.
  const std::map<std::string, std::string> want_types = {
      {"trawl_build_info", "gauge"},
      {"trawl_database_up", "gauge"},
      {"trawl_redis_up", "gauge"},
      {"trawl_jobs", "gauge"},
      {"trawl_domains", "gauge"},
      {"trawl_domains_failed", "gauge"},
      {"trawl_queue_depth", "gauge"},
      {"trawl_queue_pending", "gauge"},
      {"trawl_queue_delayed", "gauge"},
      {"trawl_queue_dead", "gauge"},
      {"trawl_workers", "gauge"},
      {"trawl_worker_cpu_percent", "gauge"},
      {"trawl_worker_rss_bytes", "gauge"},
      {"trawl_worker_in_flight", "gauge"},
      {"trawl_worker_processed", "counter"},  // the parser drops _total from counter families
      {"trawl_worker_failed", "counter"},
      {"trawl_embedded_in_flight", "gauge"},
      {"trawl_pages_fetched", "counter"},
      {"trawl_fetch_bytes", "counter"},
      {"trawl_fetch_duration_seconds", "histogram"},
  };
  for (const auto& [name, type] : want_types) {
    EXPECT_EQ(s.families.value(name, "(absent)"), type) << name << "\n" << s.text;
  }

  EXPECT_EQ(s.One("trawl_build_info"), 1);
  EXPECT_FALSE(s.Find("trawl_build_info")[0][1].value("version", "").empty());
  EXPECT_EQ(s.One("trawl_database_up"), 1);
  EXPECT_EQ(s.One("trawl_redis_up"), 1);

  // Jobs and domains: what the database holds.
  EXPECT_EQ(s.One("trawl_jobs", {{"status", "completed"}}), 2);
  for (const char* status : {"pending", "processing", "cancelled"}) {
    EXPECT_EQ(s.One("trawl_jobs", {{"status", status}}), 0) << status;
  }
  std::map<std::string, int> by_state, failed_by_code;
  TaskTruth(db, by_state, failed_by_code);
  EXPECT_EQ(by_state["done"], 5);
  EXPECT_EQ(by_state["failed"], 2);
  for (const char* state : {"pending", "processing", "done", "failed"}) {
    EXPECT_EQ(s.One("trawl_domains", {{"state", state}}), by_state[state]) << state;
  }
  EXPECT_EQ(s.Find("trawl_domains_failed").size(), failed_by_code.size()) << s.text;
  for (const auto& [code, n] : failed_by_code) {
    EXPECT_EQ(s.One("trawl_domains_failed", {{"code", code}}), n) << code;
    EXPECT_NE(ErrorCodeFromName(code), ErrorCode::kInternal) << "not an error code: " << code;
  }

  // The queue is empty; one live worker, its own counters.
  EXPECT_EQ(s.One("trawl_queue_depth"), 0);
  EXPECT_EQ(s.One("trawl_queue_pending"), 0);
  EXPECT_EQ(s.One("trawl_queue_delayed"), 0);
  EXPECT_EQ(s.Find("trawl_queue_dead").size(), 1u);
  EXPECT_EQ(s.One("trawl_workers"), 1);
  const Labels w = {{"worker", worker_id}};
  EXPECT_EQ(s.One("trawl_worker_processed_total", w), 6);
  EXPECT_EQ(s.One("trawl_worker_failed_total", w), 2);
  EXPECT_EQ(s.One("trawl_worker_in_flight", w), 0);
  EXPECT_GT(s.One("trawl_worker_rss_bytes", w), 0);
  EXPECT_FALSE(s.Find("trawl_worker_rss_bytes", w)[0][1].value("host", "").empty());
  {
    // The worker's CPU share is what its last heartbeat wrote to Redis. The
    // worker is stopped (SIGSTOP) so that no heartbeat lands between reading
    // the hash and the scrape; its hash outlives 10 s without beats.
    RedisClient raw(*ParseRedisUrl(redis.url()));
    const std::string hash = raw.Key("worker:" + worker_id);
    worker.Signal(SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a beat already sent lands
    auto before = raw.Command({"HGET", hash, "cpu_percent"});
    Scrape stopped = GetMetrics(client);
    auto after = raw.Command({"HGET", hash, "cpu_percent"});
    worker.Signal(SIGCONT);
    ASSERT_TRUE(before && after);
    ASSERT_FALSE(before->is_nil()) << "no heartbeat hash " << hash;
    ASSERT_EQ(before->AsString(), after->AsString()) << "a heartbeat landed meanwhile";
    const double beat = std::stod(before->AsString());
    EXPECT_NEAR(stopped.One("trawl_worker_cpu_percent", w), beat, 1e-9) << stopped.text;
    EXPECT_GE(beat, 0);
    // 100 is one core: no process uses more than all of them (plus rounding).
    EXPECT_LE(beat, 100.0 * std::max(1u, std::thread::hardware_concurrency()) + 1) << beat;
  }

  // Fetch figures per worker: five classes each; the histogram counts every
  // transfer the classes count (both are recorded together, and nothing is
  // in flight now), its buckets are cumulative and +Inf is the count.
  for (const std::string& who : {worker_id, std::string("serve")}) {
    const Labels l = {{"worker", who}};
    EXPECT_EQ(s.Find("trawl_pages_fetched_total", l).size(), 5u) << who << "\n" << s.text;
    double fetched = s.Sum("trawl_pages_fetched_total", l);
    EXPECT_GT(s.One("trawl_pages_fetched_total", {{"worker", who}, {"class", "2xx"}}), 0) << who;
    EXPECT_EQ(CheckHistogram(s, who), fetched) << who;
    EXPECT_GT(s.One("trawl_fetch_bytes_total", l), 0) << who;
  }
  // The 404 home page was answered, so it is a 4xx, not a transfer error.
  EXPECT_GE(s.One("trawl_pages_fetched_total", {{"worker", worker_id}, {"class", "4xx"}}), 1);
  // The worker crawled five sites, the server one: the worker fetched more.
  EXPECT_GT(s.Sum("trawl_pages_fetched_total", w),
            s.Sum("trawl_pages_fetched_total", {{"worker", "serve"}}));

  // The same token as the API: without it (or with another) 401, nothing shown.
  ApiClient anonymous(server.url(), "");
  auto refused = anonymous.Get("/metrics");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->Header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(refused->body.find("trawl_jobs"), std::string::npos);
  ApiClient wrong(server.url(), "not-the-token");
  auto refused_too = wrong.Get("/metrics");
  ASSERT_TRUE(refused_too);
  EXPECT_EQ(refused_too->status, 401);
  // Another method is 405 (the route exists).
  auto posted = client.Post("/metrics", "{}");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 405);

  // A clean stop takes the worker and its series away.
  worker.Signal(SIGTERM);
  EXPECT_EQ(worker.Wait(60'000), 0) << worker.Output();
  s = GetMetrics(client);
  EXPECT_EQ(s.One("trawl_workers"), 0);
  EXPECT_TRUE(s.Find("trawl_pages_fetched_total", w).empty()) << s.text;
  EXPECT_EQ(s.Find("trawl_pages_fetched_total", {{"worker", "serve"}}).size(), 5u);
}

TEST_F(ApiMetrics, RedisDownIsRedisUpZeroAndTheScrapeStillAnswers) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server({"serve", "--port", "0", "--db", dir.File("trawl.db"), "--redis", redis.url(),
                       "--allow-private", "--connect-to",
                       "::127.0.0.1:" + std::to_string(FreeLoopbackPort())});
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  Scrape up = GetMetrics(client);
  ASSERT_EQ(up.status, 200) << up.text;
  EXPECT_EQ(up.One("trawl_redis_up"), 1);
  EXPECT_EQ(up.One("trawl_workers"), 0);
  EXPECT_EQ(up.One("trawl_queue_depth"), 0);
  // No worker: only the server's own fetch series.
  EXPECT_EQ(up.Find("trawl_pages_fetched_total").size(), 5u) << up.text;

  redis.Stop();
  Scrape down = GetMetrics(client);
  ASSERT_EQ(down.status, 200) << down.text;
  EXPECT_EQ(down.One("trawl_redis_up"), 0);
  EXPECT_EQ(down.One("trawl_database_up"), 1);
  EXPECT_EQ(down.One("trawl_jobs", {{"status", "completed"}}), 0);
  // What Redis would have said is left out rather than made up.
  for (const char* family : {"trawl_queue_depth", "trawl_workers", "trawl_worker_rss_bytes"}) {
    EXPECT_FALSE(down.Has(family)) << family << "\n" << down.text;
  }
  EXPECT_TRUE(down.Has("trawl_fetch_duration_seconds"));

  ASSERT_TRUE(redis.Start());
  ASSERT_TRUE(WaitFor([&] { return GetMetrics(client).One("trawl_redis_up") == 1; }, kWaitMs));
}

TEST_F(ApiMetrics, WithoutRedisConfiguredThereIsNoRedisFamily) {
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Scrape s = GetMetrics(client);
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.One("trawl_database_up"), 1);
  for (const char* family : {"trawl_redis_up", "trawl_queue_depth", "trawl_workers"}) {
    EXPECT_FALSE(s.Has(family)) << family << "\n" << s.text;
  }
  // Without a token the server asks for none.
  EXPECT_EQ(s.One("trawl_jobs", {{"status", "pending"}}), 0);
}

TEST_F(ApiMetrics, DatabaseDownIsDatabaseUpZeroAndTheScrapeStillAnswers) {
  TRAWL_REQUIRE_POSTGRES();
  PostgresServer pg;
  ASSERT_TRUE(pg.ok());
  std::string db = pg.CreateDatabase("metrics");
  ASSERT_FALSE(db.empty());
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  TempDir dir;
  ServeProcess server({"serve", "--port", "0", "--db", db, "--redis", redis.url(),
                       "--allow-private", "--connect-to",
                       "::127.0.0.1:" + std::to_string(FreeLoopbackPort())});
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  Call submit = Post(client, "/api/process_redis", R"({"domains": ["a.test", "b.test"]})");
  ASSERT_EQ(submit.status, 202) << submit.raw;

  Scrape up = GetMetrics(client);
  ASSERT_EQ(up.status, 200);
  EXPECT_EQ(up.One("trawl_database_up"), 1);
  EXPECT_EQ(up.One("trawl_jobs", {{"status", "pending"}}), 1);
  EXPECT_EQ(up.One("trawl_domains", {{"state", "pending"}}), 2);
  EXPECT_EQ(up.One("trawl_queue_depth"), 2);

  pg.Stop();
  Scrape down = GetMetrics(client);
  ASSERT_EQ(down.status, 200) << down.text;
  EXPECT_EQ(down.One("trawl_database_up"), 0);
  for (const char* family : {"trawl_jobs", "trawl_domains", "trawl_domains_failed"}) {
    EXPECT_FALSE(down.Has(family)) << family << "\n" << down.text;
  }
  EXPECT_EQ(down.One("trawl_redis_up"), 1);
  EXPECT_EQ(down.One("trawl_queue_depth"), 2);
}

}  // namespace
}  // namespace trawl::testing
