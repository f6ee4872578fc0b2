// The fetching options table. Keep defaults in crawl_options.h / fetcher.h.
#include "cli/fetch_options.h"

namespace trawl {
void FetchFlags::Add(CLI::App& app, CrawlOptions& o) {
  FetchOptions& f = o.fetch;
  timeout_ = f.timeout_ms / 1000.0;
  connect_timeout_ = f.connect_timeout_ms / 1000.0;
  domain_timeout_ = o.domain_timeout_ms / 1000.0;
  delay_ = f.per_host_delay_ms / 1000.0;
  app.set_config("--config", "", "read options from a TOML file (keys are the long flags)");
  app.add_option("--max-pages", o.max_pages, "pages fetched per domain at most (hard cap)")
      ->envname("TRAWL_MAX_PAGES")->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "domains in flight in this process")
      ->envname("TRAWL_CONCURRENCY")->check(CLI::Range(1, 4096))->capture_default_str();
  app.add_option("--threads", o.threads, "event loops (each a thread with its own connections); 0: one per core")
      ->envname("TRAWL_THREADS")->check(CLI::Range(0, 64))->capture_default_str();
  app.add_option("--per-host", f.per_host, "requests in flight per host")
      ->envname("TRAWL_PER_HOST")->check(CLI::Range(1, 64))->capture_default_str();
  app.add_option("--delay", delay_, "seconds between request starts per host (robots.txt Crawl-delay may raise it)")
      ->envname("TRAWL_DELAY")->check(CLI::Range(0.0, 60.0))->capture_default_str();
  app.add_option("--timeout", timeout_, "seconds one request may take, headers to last byte")
      ->envname("TRAWL_TIMEOUT")->check(CLI::Range(0.1, 600.0))->capture_default_str();
  app.add_option("--connect-timeout", connect_timeout_, "seconds to connect")
      ->envname("TRAWL_CONNECT_TIMEOUT")->check(CLI::Range(0.1, 120.0))->capture_default_str();
  app.add_option("--domain-timeout", domain_timeout_, "seconds after which no new page of a domain is started")
      ->envname("TRAWL_DOMAIN_TIMEOUT")->check(CLI::Range(1.0, 3600.0))->capture_default_str();
  app.add_option("--max-body", f.max_body_bytes, "bytes of a decoded page body at most (too_large beyond)")
      ->envname("TRAWL_MAX_BODY")->check(CLI::Range(int64_t{1024}, int64_t{1} << 30))->capture_default_str();
  app.add_option("--user-agent", f.user_agent, "User-Agent header; its first word is the robots.txt product token")
      ->envname("TRAWL_USER_AGENT")->capture_default_str();
  app.add_option("--proxy", f.proxy, "HTTP(S) proxy URL for every request")->envname("TRAWL_PROXY");
  app.add_option("--connect-to", f.connect_to, "HOST:PORT:TO_HOST:TO_PORT, curl's meaning; '::127.0.0.1:8811' sends every host there")
      ->allow_extra_args(false)
      ->envname("TRAWL_CONNECT_TO");
  app.add_option("--resolve", f.resolve, "HOST:PORT:ADDR, curl's meaning: pin a name to an address")
      ->allow_extra_args(false)
      ->envname("TRAWL_RESOLVE");
  app.add_flag("--allow-private", f.allow_private, "allow private, loopback and link-local addresses (local tests)")
      ->envname("TRAWL_ALLOW_PRIVATE");
  app.add_flag("!--no-sitemap", o.use_sitemap, "do not read sitemap.xml for contact pages");
}

void FetchFlags::Apply(CrawlOptions& o) const {
  o.fetch.timeout_ms = static_cast<int64_t>(timeout_ * 1000);
  o.fetch.connect_timeout_ms = static_cast<int64_t>(connect_timeout_ * 1000);
  o.domain_timeout_ms = static_cast<int64_t>(domain_timeout_ * 1000);
  o.fetch.per_host_delay_ms = static_cast<int64_t>(delay_ * 1000);
  o.fetch.max_connections = std::max(64, o.concurrency * o.fetch.per_host + 16);
}

}  // namespace trawl
