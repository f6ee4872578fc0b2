// The rows of the option table (option_table.h) and the list of commands.
// Add an option here, and only here: --help, the environment, the config
// file, the docs and `trawl up` follow. Run `bash scripts/gen_options.sh`
// afterwards to regenerate docs/configuration.md's tables and docs/trawl.toml
// (a unit test fails while they differ).
#include "cli/option_table.h"

namespace trawl {

namespace {

constexpr uint32_t kFetching = kCrawl | kWorker | kWorkers | kServe | kUp;
constexpr uint32_t kWorkerSide = kWorker | kWorkers | kUp;
constexpr uint32_t kServerSide = kServe | kUp;
constexpr uint32_t kClient = kSubmit | kStatus;
constexpr uint32_t kEvery = kCrawl | kWorker | kWorkers | kServe | kUp | kSubmit | kStatus |
                            kMonitor | kSitefarm | kScore | kRobots | kOptions;

constexpr const char* kInput = "Input and output";
constexpr const char* kFetch = "Fetching";
constexpr const char* kStores = "Redis and the database";
constexpr const char* kWorkerGroup = "Workers";
constexpr const char* kServer = "API server";
constexpr const char* kClientGroup = "API client (submit, status)";
constexpr const char* kMonitorGroup = "Monitor";
constexpr const char* kFarm = "Site farm";
constexpr const char* kScoreGroup = "Score";
constexpr const char* kRobotsGroup = "Robots";
constexpr const char* kGeneral = "General";

#define FIELD(expr) [](Settings & s) -> Target { return &(s.expr); }

const std::vector<OptionRow> kRows = {
    // ---- General -------------------------------------------------------------
    {.flags = "--config", .bind = FIELD(config_path), .commands = kEvery, .group = kGeneral,
     .help = "read options from this TOML file (keys are the long option names; "
             "docs/trawl.toml lists them all)",
     .scope = Scope::kInvocation, .env = "TRAWL_CONFIG"},

    {.flags = "what", .bind = FIELD(options_output), .commands = kOptions, .group = kGeneral,
     .help = "list (every option and the commands that take it), markdown (the tables of "
             "docs/configuration.md) or toml (a commented sample config file, every key)",
     .scope = Scope::kInvocation, .choices = "list|markdown|toml"},

    // ---- Input and output ----------------------------------------------------
    {.flags = "domains", .bind = FIELD(inputs), .commands = kCrawl | kSubmit, .group = kInput,
     .help = "domains or URLs", .scope = Scope::kInvocation},
    {.flags = "-f,--file", .bind = FIELD(files), .commands = kCrawl | kSubmit, .group = kInput,
     .help = "read inputs from FILE ('-' for stdin): domains or URLs separated by newlines, "
             "spaces or commas; '#' starts a comment",
     .scope = Scope::kInvocation},
    {.flags = "-o,--output", .bind = FIELD(output), .commands = kCrawl, .group = kInput,
     .help = "write profiles to OUT instead of stdout ('-')", .scope = Scope::kInvocation},
    {.flags = "--format", .bind = FIELD(format), .commands = kCrawl, .group = kInput,
     .help = "profile format: JSON lines as each domain finishes, one JSON array in input "
             "order, or CSV",
     .choices = "jsonl|json|csv"},
    {.flags = "-q,--quiet", .bind = FIELD(quiet), .commands = kCrawl, .group = kInput,
     .help = "no progress bar and no summary line", .scope = Scope::kInvocation},

    // ---- Fetching ------------------------------------------------------------
    {.flags = "--max-pages", .bind = FIELD(crawl.max_pages), .commands = kFetching,
     .group = kFetch,
     .help = "pages fetched per domain at most, redirect hops included; a hard cap "
             "(robots.txt and one sitemap.xml are not pages)",
     .min = 1, .max = 1000},
    {.flags = "--concurrency", .bind = FIELD(crawl.concurrency), .commands = kFetching,
     .group = kFetch, .help = "domains in flight in one process", .min = 1, .max = 4096},
    {.flags = "--threads", .bind = FIELD(crawl.threads), .commands = kFetching, .group = kFetch,
     .help = "event loops, each a thread with its own connections; 0: one per core (at most 8)",
     .min = 0, .max = 64},
    {.flags = "--per-host", .bind = FIELD(crawl.fetch.per_host), .commands = kFetching,
     .group = kFetch, .help = "requests in flight per host name", .min = 1, .max = 64},
    {.flags = "--delay", .bind = FIELD(crawl.fetch.per_host_delay_ms), .commands = kFetching,
     .group = kFetch,
     .help = "seconds between request starts per host; a robots.txt Crawl-delay raises it "
             "(honoured up to 30 s)",
     .min = 0, .max = 60, .unit = Unit::kSeconds},
    {.flags = "--timeout", .bind = FIELD(crawl.fetch.timeout_ms), .commands = kFetching,
     .group = kFetch, .help = "seconds one request may take, headers to last byte", .min = 0.1,
     .max = 600, .unit = Unit::kSeconds},
    {.flags = "--connect-timeout", .bind = FIELD(crawl.fetch.connect_timeout_ms),
     .commands = kFetching, .group = kFetch, .help = "seconds to connect (TCP and TLS)",
     .min = 0.1, .max = 120, .unit = Unit::kSeconds},
    {.flags = "--domain-timeout", .bind = FIELD(crawl.domain_timeout_ms), .commands = kFetching,
     .group = kFetch, .help = "seconds after which no new page of a domain is started",
     .min = 1, .max = 3600, .unit = Unit::kSeconds},
    {.flags = "--max-body", .bind = FIELD(crawl.fetch.max_body_bytes), .commands = kFetching,
     .group = kFetch,
     .help = "bytes of a decoded page body at most; beyond, the page fails too_large (the cap "
             "counts decoded bytes, so gzip bombs too)",
     .min = 1024, .max = 1024.0 * 1024 * 1024},
    {.flags = "--user-agent", .bind = FIELD(crawl.fetch.user_agent), .commands = kFetching,
     .group = kFetch,
     .help = "User-Agent header; its first word is the robots.txt product token. Put a page "
             "about your crawl and a contact in it: site owners read it"},
    {.flags = "--proxy", .bind = FIELD(crawl.fetch.proxy), .commands = kFetching,
     .group = kFetch, .help = "HTTP(S) forward proxy URL for every request", .secret = true},
    {.flags = "--connect-to", .bind = FIELD(crawl.fetch.connect_to), .commands = kFetching,
     .group = kFetch,
     .help = "HOST:PORT:TO_HOST:TO_PORT, curl's meaning (repeatable); '::127.0.0.1:8811' sends "
             "every host there"},
    {.flags = "--resolve", .bind = FIELD(crawl.fetch.resolve), .commands = kFetching,
     .group = kFetch, .help = "HOST:PORT:ADDR, curl's meaning (repeatable): pin a name to an address"},
    {.flags = "--allow-private", .bind = FIELD(crawl.fetch.allow_private), .commands = kFetching,
     .group = kFetch,
     .help = "allow private, loopback and link-local addresses (local tests; see the address "
             "guard)"},
    {.flags = "--no-sitemap", .bind = FIELD(crawl.use_sitemap), .commands = kFetching,
     .group = kFetch, .help = "never read sitemap.xml for contact pages", .unit = Unit::kNegated},

    // ---- Redis and the database ------------------------------------------------
    {.flags = "--redis", .bind = FIELD(redis_url),
     .commands = kWorker | kWorkers | kUp | kMonitor, .group = kStores,
     .help = "Redis URL, redis://[[user]:password@]host[:port][/db]", .env = "TRAWL_REDIS_URL",
     .secret = true},
    {.flags = "--redis", .bind = FIELD(serve_redis_url), .commands = kServe, .group = kStores,
     .help = "Redis URL for parallel jobs; unset or '': none, every job runs embedded",
     .env = "TRAWL_REDIS_URL", .shown_default = "none", .secret = true},
    {.flags = "--redis-prefix", .bind = FIELD(redis_prefix),
     .commands = kWorker | kWorkers | kServe | kUp | kMonitor, .group = kStores,
     .help = "prefix of every Redis key; deployments sharing a server use different ones"},
    {.flags = "--db", .bind = FIELD(db_url), .commands = kWorker | kWorkers | kServe,
     .group = kStores,
     .help = "database: a SQLite file path, or postgresql://user:pw@host:5432/db",
     .env = "TRAWL_DB_URL", .secret = true},
    {.flags = "--db", .bind = FIELD(up_db_url), .commands = kUp, .group = kStores,
     .help = "database: a SQLite file path, or postgresql://user:pw@host:5432/db",
     .env = "TRAWL_DB_URL", .shown_default = "DATA_DIR/trawl.db", .secret = true},

    // ---- Workers -------------------------------------------------------------
    {.flags = "-n,--workers", .bind = FIELD(workers), .commands = kWorkers | kUp,
     .group = kWorkerGroup, .help = "worker processes to start and supervise", .min = 0,
     .max = 256},
    {.flags = "--id", .bind = FIELD(worker.id), .commands = kWorker, .group = kWorkerGroup,
     .help = "worker id in heartbeats and the consumer group",
     .scope = Scope::kInvocation, .shown_default = "HOST-PID-RANDOM"},
    {.flags = "--max-tasks", .bind = FIELD(worker.max_tasks), .commands = kWorkerSide,
     .group = kWorkerGroup,
     .help = "a worker exits (status 0) after this many domains, to bound memory; its "
             "supervisor starts a fresh one. 0: never",
     .min = 0, .max = 1e12},
    {.flags = "--visibility", .bind = FIELD(worker.visibility_ms), .commands = kWorkerSide,
     .group = kWorkerGroup,
     .help = "seconds a claimed task may sit unacknowledged before a live worker reclaims it "
             "(a worker keeps its own claims fresh)",
     .min = 1, .max = 86400, .unit = Unit::kSeconds},
    {.flags = "--heartbeat", .bind = FIELD(worker.heartbeat_ms), .commands = kWorkerSide,
     .group = kWorkerGroup, .help = "seconds between heartbeats (which also keep claims fresh)",
     .min = 0.1, .max = 600, .unit = Unit::kSeconds},
    {.flags = "--grace", .bind = FIELD(worker.grace_ms), .commands = kWorkerSide,
     .group = kWorkerGroup, .help = "seconds to finish domains in flight after SIGINT/SIGTERM",
     .min = 0, .max = 3600, .unit = Unit::kSeconds},
    {.flags = "--retry-base", .bind = FIELD(worker.retry_base_ms), .commands = kWorkerSide,
     .group = kWorkerGroup,
     .help = "seconds before the first retry of a retryable failure; doubles per attempt",
     .min = 0, .max = 3600, .unit = Unit::kSeconds},
    {.flags = "--noop", .bind = FIELD(worker.noop), .commands = kWorker | kWorkers,
     .group = kWorkerGroup,
     .help = "benchmark: acknowledge tasks at once (batches of --concurrency), no crawl, no "
             "store",
     .scope = Scope::kInvocation},

    // ---- API server ----------------------------------------------------------
    {.flags = "--host", .bind = FIELD(server.host), .commands = kServerSide, .group = kServer,
     .help = "address to listen on; other than loopback needs --token"},
    {.flags = "--port", .bind = FIELD(server.port), .commands = kServerSide, .group = kServer,
     .help = "TCP port; 0 picks a free one (printed on stderr)", .min = 0, .max = 65535},
    {.flags = "--ui-port", .bind = FIELD(server.ui_port), .commands = kServerSide,
     .group = kServer,
     .help = "also serve the web page and /api on this port of --host (e.g. 3000); 0: off",
     .min = 0, .max = 65535},
    {.flags = "--token", .bind = FIELD(server.token), .commands = kServerSide, .group = kServer,
     .help = "the bearer token the server requires on /api ('Authorization: Bearer TOKEN')",
     .env = "TRAWL_API_TOKEN", .secret = true},
    {.flags = "--insecure-no-auth", .bind = FIELD(server.insecure_no_auth),
     .commands = kServerSide, .group = kServer,
     .help = "allow a non-loopback --host without a token (anyone who reaches it can submit "
             "jobs)"},
    {.flags = "--cors-origin", .bind = FIELD(server.cors_origin), .commands = kServerSide,
     .group = kServer,
     .help = "the one browser origin (or *) allowed to call the API from another site; "
             "default: CORS off"},
    {.flags = "--max-job-domains", .bind = FIELD(server.max_job_domains),
     .commands = kServerSide, .group = kServer, .help = "distinct domains one job may hold",
     .min = 1, .max = 100'000'000},
    {.flags = "--max-body-mb", .bind = FIELD(server.max_body_bytes), .commands = kServerSide,
     .group = kServer, .help = "largest request body, in MiB (413 beyond)", .min = 1,
     .max = 1024, .unit = Unit::kMebibytes},
    {.flags = "--webhook-secret", .bind = FIELD(server.webhook_secret), .commands = kServerSide,
     .group = kServer,
     .help = "key of the HMAC-SHA256 signature of job webhooks; unset: jobs with "
             "options.webhook_url are refused",
     .secret = true},
    {.flags = "--webhook-attempts", .bind = FIELD(server.webhook_attempts),
     .commands = kServerSide, .group = kServer,
     .help = "POSTs per job webhook (1 s, 4 s, 16 s, ... apart, at most 5 min) before it counts "
             "as failed",
     .min = 1, .max = 20},
    {.flags = "--data-dir", .bind = FIELD(data_dir), .commands = kUp, .group = kServer,
     .help = "folder of `trawl up`'s database and of a redis-server it starts"},

    // ---- API client ----------------------------------------------------------
    {.flags = "job_id", .bind = FIELD(job_id), .commands = kStatus, .group = kClientGroup,
     .help = "the job id trawl submit printed", .scope = Scope::kInvocation, .required = true},
    {.flags = "--server", .bind = FIELD(server_url), .commands = kClient, .group = kClientGroup,
     .help = "the API server's URL"},
    {.flags = "--token", .bind = FIELD(server.token), .commands = kClient,
     .group = kClientGroup, .help = "the bearer token to send (the server's --token)",
     .env = "TRAWL_API_TOKEN", .secret = true},
    {.flags = "--embedded", .bind = FIELD(embedded), .commands = kSubmit, .group = kClientGroup,
     .help = "run the job inside the API server (POST /api/process) instead of on workers",
     .scope = Scope::kInvocation},
    {.flags = "--option", .bind = FIELD(job_options), .commands = kSubmit,
     .group = kClientGroup,
     .help = "job option key=value (max_pages, auto_approve, max_attempts, webhook_url); "
             "repeatable",
     .scope = Scope::kInvocation},
    {.flags = "--wait", .bind = FIELD(wait), .commands = kSubmit, .group = kClientGroup,
     .help = "poll the status every second until the job is finished",
     .scope = Scope::kInvocation},
    {.flags = "--wait-timeout", .bind = FIELD(wait_timeout_s), .commands = kSubmit,
     .group = kClientGroup, .help = "seconds --wait waits at most", .min = 1,
     .max = 30.0 * 86'400},
    {.flags = "--json", .bind = FIELD(json), .commands = kSubmit, .group = kClientGroup,
     .help = "print the server's JSON (with --wait: the final status)",
     .scope = Scope::kInvocation},
    {.flags = "--limit", .bind = FIELD(limit), .commands = kStatus, .group = kClientGroup,
     .help = "approved profiles to include", .scope = Scope::kInvocation, .min = 0,
     .max = 1000},
    {.flags = "--offset", .bind = FIELD(offset), .commands = kStatus, .group = kClientGroup,
     .help = "approved profiles to skip", .scope = Scope::kInvocation, .min = 0, .max = 1e15},

    // ---- Monitor -------------------------------------------------------------
    {.flags = "--duration", .bind = FIELD(duration_s), .commands = kMonitor,
     .group = kMonitorGroup, .help = "seconds to run; 0: until Ctrl+C",
     .scope = Scope::kInvocation, .min = 0, .max = 30.0 * 86400},
    {.flags = "--interval", .bind = FIELD(interval_s), .commands = kMonitor,
     .group = kMonitorGroup, .help = "seconds between samples", .min = 0.1, .max = 3600,
     .env = "TRAWL_MONITOR_INTERVAL"},
    {.flags = "--csv", .bind = FIELD(csv_path), .commands = kMonitor, .group = kMonitorGroup,
     .help = "also append one CSV row per sample to FILE (header once)",
     .scope = Scope::kInvocation},

    // ---- Site farm (a test tool: command line only) ----------------------------
    {.flags = "--port", .bind = FIELD(farm.port), .commands = kSitefarm, .group = kFarm,
     .help = "TCP port; 0 picks a free one", .scope = Scope::kInvocation, .min = 0,
     .max = 65535},
    {.flags = "--bind", .bind = FIELD(farm.bind), .commands = kSitefarm, .group = kFarm,
     .help = "numeric address to listen on", .scope = Scope::kInvocation},
    {.flags = "--sites", .bind = FIELD(farm.site_dirs), .commands = kSitefarm, .group = kFarm,
     .help = "folder of <host>/ site folders (repeatable)", .scope = Scope::kInvocation},
    {.flags = "--bulk", .bind = FIELD(farm.bulk), .commands = kSitefarm, .group = kFarm,
     .help = "serve generated sites bulk-0.test .. bulk-<N-1>.test",
     .scope = Scope::kInvocation, .min = 0, .max = 10'000'000},
    {.flags = "--latency-ms", .bind = FIELD(farm.latency_ms), .commands = kSitefarm,
     .group = kFarm, .help = "delay before each response, ms", .scope = Scope::kInvocation,
     .min = 0, .max = 600'000},
    {.flags = "--jitter-ms", .bind = FIELD(farm.jitter_ms), .commands = kSitefarm,
     .group = kFarm, .help = "extra uniform random delay 0..J ms", .scope = Scope::kInvocation,
     .min = 0, .max = 600'000},
    {.flags = "--error-rate", .bind = FIELD(farm.error_rate), .commands = kSitefarm,
     .group = kFarm, .help = "fraction 0..1 of requests answered 503 (never robots.txt)",
     .scope = Scope::kInvocation, .min = 0, .max = 1},
    {.flags = "--threads", .bind = FIELD(farm.max_connections), .commands = kSitefarm,
     .group = kFarm, .help = "max concurrent connections (one thread each); more get 503",
     .scope = Scope::kInvocation, .min = 1, .max = 1'000'000},
    {.flags = "--no-gzip", .bind = FIELD(no_gzip), .commands = kSitefarm, .group = kFarm,
     .help = "never gzip responses, even when the client accepts gzip",
     .scope = Scope::kInvocation},

    // ---- Score ---------------------------------------------------------------
    {.flags = "profiles", .bind = FIELD(profiles_path), .commands = kScore, .group = kScoreGroup,
     .help = "profiles, one JSON object per line", .scope = Scope::kInvocation,
     .required = true},
    {.flags = "--truth", .bind = FIELD(truth_dir), .commands = kScore, .group = kScoreGroup,
     .help = "directory of <domain>.json truth files", .scope = Scope::kInvocation,
     .required = true},
    {.flags = "--json", .bind = FIELD(json), .commands = kScore, .group = kScoreGroup,
     .help = "print one JSON object instead of a table", .scope = Scope::kInvocation},
    {.flags = "-v,--verbose", .bind = FIELD(verbose), .commands = kScore, .group = kScoreGroup,
     .help = "list every false positive and negative per domain", .scope = Scope::kInvocation},

    // ---- Robots --------------------------------------------------------------
    {.flags = "robots_file", .bind = FIELD(robots_file), .commands = kRobots,
     .group = kRobotsGroup, .help = "a robots.txt file", .scope = Scope::kInvocation,
     .required = true},
    {.flags = "user_agent", .bind = FIELD(robots_agent), .commands = kRobots,
     .group = kRobotsGroup, .help = "the crawler's product token or User-Agent",
     .scope = Scope::kInvocation, .required = true},
    {.flags = "url", .bind = FIELD(robots_url), .commands = kRobots, .group = kRobotsGroup,
     .help = "an absolute http(s) URL or a path such as /a/b?x=1", .scope = Scope::kInvocation,
     .required = true},
};

#undef FIELD

const std::vector<CommandInfo> kCommandList = {
    {"crawl", kCrawl, "crawl domains and print their company profiles (embedded mode)",
     "Crawl domains and write one company profile per input (embedded mode, no server)."},
    {"robots", kRobots, "check a URL against a robots.txt file (exit 0 allowed, 1 not)",
     "Check URL against the robots.txt in ROBOTS_FILE for USER_AGENT (RFC 9309). Prints "
     "'allowed' or 'disallowed'. Exit status: 0 allowed, 1 disallowed, 2 usage error (wrong "
     "arguments, unreadable file, bad URL)."},
    {"sitefarm", kSitefarm, "serve the local fixture web farm (tests, demo, benchmarks)",
     "Serve the local fixture web farm: static sites, bulk-<i>.test company sites and "
     "*.hostile.test hosts, by Host header or as an HTTP proxy. See docs/sitefarm.md."},
    {"score", kScore, "score extracted profiles against truth files (precision/recall/F1)",
     "Score extracted profiles (JSON lines, DESIGN.md §4) against truth files. Prints per-field "
     "tp/fp/fn, precision, recall and F1, the micro-F1, company-name accuracy and the negatives "
     "extracted. Exit 0, or 2 on a usage error."},
    {"worker", kWorker, "one worker: take domains from Redis, crawl, store profiles",
     "Take domains from the Redis queue, crawl them, store their profiles (one worker "
     "process)."},
    {"workers", kWorkers, "start and supervise N worker processes (restart on crash)",
     "Start and supervise N worker processes: restart one that dies (with backoff), prefix "
     "their output with their names; Ctrl+C stops them all gracefully. Every worker option is "
     "passed to each worker; the supervisor names each <host>-worker-<k>-<supervisor pid>."},
    {"monitor", kMonitor, "live CPU and memory of all workers, from their heartbeats",
     "Sample all workers' heartbeats and the queue: worker count, total and average CPU and "
     "memory."},
    {"serve", kServe, "the REST API server (parallel jobs to Redis, embedded ones in-process)",
     "Serve the REST API and the web page: parallel jobs go to Redis workers, embedded ones "
     "run here."},
    {"up", kUp, "a local parallel stack: redis-server if none, the API server, N workers",
     "Start a local parallel stack: redis-server (if none answers), the API server, N workers. "
     "The API server takes the server options, the workers the worker options, both the "
     "fetching options."},
    {"submit", kSubmit, "submit domains to an API server as a job (--wait to follow it)",
     "Submit domains to a trawl API server and print the job id."},
    {"status", kStatus, "print a job's status from an API server",
     "Print a job's status JSON from a trawl API server."},
    {"options", kOptions, "print the option table, the docs' Markdown or a sample trawl.toml",
     "Print every option of every command: `trawl options` (a list), `trawl options markdown` "
     "(the tables of docs/configuration.md) or `trawl options toml` (a commented sample config "
     "file holding every key)."},
};

}  // namespace

const std::vector<OptionRow>& OptionTable() { return kRows; }

const std::vector<CommandInfo>& Commands() { return kCommandList; }

}  // namespace trawl
