// `trawl crawl` against the real site farm on loopback: hostile sites end in
// their error codes within the time limit and bounded memory; politeness,
// the page cap, robots.txt and the address guard hold.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "process_util.h"

namespace trawl::testing {
namespace {

using nlohmann::json;

std::string SitesDir() { return SourceDir() + "/tests/integration/sites"; }

// Runs `trawl crawl` with the given arguments, returns profiles by domain.
std::map<std::string, json> Crawl(const std::vector<std::string>& args,
                                  ProcessResult* out = nullptr, int timeout_ms = 120'000) {
  std::vector<std::string> argv = {TrawlBinary(), "crawl", "-q"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = RunProcess(argv, timeout_ms);
  EXPECT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, json> by_domain;
  for (auto& p : ParseJsonLines(r.out)) by_domain[p.value("domain", "")] = p;
  if (out) *out = std::move(r);
  return by_domain;
}

std::string ErrorCodeOf(const json& p) {
  if (!p.contains("error") || p["error"].is_null()) return "";
  return p["error"].value("code", "");
}

bool HasEmail(const json& p, const std::string& email) {
  if (!p.contains("emails")) return false;
  for (const auto& e : p["emails"]) {
    if (e.value("value", "") == email) return true;
  }
  return false;
}

TEST(CrawlHostile, EveryHostileSiteEndsInItsErrorCodeWithBoundedMemory) {
  FarmProcess farm({});
  ASSERT_GT(farm.port(), 0);
  const std::map<std::string, std::string> want = {
      {"drip.hostile.test", "timeout"},
      {"endless.hostile.test", "too_large"},
      {"huge.hostile.test", "too_large"},
      {"redirect-loop.hostile.test", "too_many_redirects"},
      {"gzip-bomb.hostile.test", "too_large"},
      {"pdf.hostile.test", "no_html"},
      {"image.hostile.test", "no_html"},
      {"blackhole.hostile.test", "timeout"},
      {"slowheaders.hostile.test", "timeout"},
      {"robots-disallow.hostile.test", "robots_disallowed"},
      {"robots-5xx.hostile.test", "robots_disallowed"},
      {"status500.hostile.test", "http_error"},
      {"notfound.hostile.test", "http_error"},
      {"badutf8.hostile.test", ""},
      {"latin1.hostile.test", ""},
      {"deep.hostile.test", ""},
      {"robots-huge.hostile.test", ""},
      {"robots-garbage.hostile.test", ""},
  };
  std::vector<std::string> args = {"--allow-private",
                                   "--connect-to",
                                   farm.connect_to(),
                                   "--timeout",
                                   "3",
                                   "--connect-timeout",
                                   "2",
                                   "--domain-timeout",
                                   "20",
                                   "not a domain!"};
  for (const auto& [d, code] : want) args.push_back(d);
  ProcessResult run;
  // The time limit is the assertion: every case must end by itself well before it.
  auto profiles = Crawl(args, &run, 90'000);
  EXPECT_EQ(profiles.size(), want.size() + 1);
  for (const auto& [d, code] : want) {
    ASSERT_TRUE(profiles.count(d)) << d << " has no profile";
    EXPECT_EQ(ErrorCodeOf(profiles[d]), code) << d << ": " << profiles[d].dump();
    EXPECT_EQ(profiles[d]["status"], code.empty() ? "ok" : "failed") << d;
  }
  EXPECT_EQ(ErrorCodeOf(profiles["not a domain!"]), "invalid_domain");
  EXPECT_TRUE(HasEmail(profiles["badutf8.hostile.test"], "info@badutf8.hostile.test"));
  EXPECT_TRUE(HasEmail(profiles["deep.hostile.test"], "info@deep.hostile.test"))
      << profiles["deep.hostile.test"].dump();
  EXPECT_LT(run.peak_rss_kb, 300 * 1024) << "peak RSS " << run.peak_rss_kb << " KB";
}

TEST(CrawlGuard, RefusesLoopbackWithoutAllowPrivate) {
  FarmProcess farm({"--sites", SitesDir()});
  ASSERT_GT(farm.port(), 0);
  auto profiles = Crawl({"--connect-to", farm.connect_to(), "robots-partial.test"});
  ASSERT_EQ(profiles.size(), 1u);
  EXPECT_EQ(ErrorCodeOf(profiles["robots-partial.test"]), "blocked_address");
  EXPECT_EQ(farm.Stats()["total"], 0) << "a request reached the farm";
}

TEST(CrawlGuard, RefusesANameThatResolvesToLoopback) {
  // 127.0.0.2 is loopback: the guard must refuse before any packet is sent.
  auto profiles = Crawl({"--resolve", "private.hostile.test:80:127.0.0.2", "--resolve",
                         "private.hostile.test:443:127.0.0.2", "--resolve",
                         "www.private.hostile.test:80:127.0.0.2", "--resolve",
                         "www.private.hostile.test:443:127.0.0.2", "private.hostile.test"});
  EXPECT_EQ(ErrorCodeOf(profiles["private.hostile.test"]), "blocked_address");
}

TEST(CrawlProxy, FetchesThroughAForwardProxy) {
  // The farm doubles as a forward proxy (absolute-form request targets); https
  // through it fails fast (CONNECT then TLS refused), so http:// is used.
  FarmProcess farm({"--sites", SitesDir()});
  ASSERT_GT(farm.port(), 0);
  auto profiles =
      Crawl({"--proxy", "http://127.0.0.1:" + std::to_string(farm.port()), "refresh.test"});
  EXPECT_TRUE(HasEmail(profiles["refresh.test"], "team@refresh.test"))
      << profiles["refresh.test"].dump();
  EXPECT_GE(farm.Stats()["hosts"]["refresh.test"]["requests"].get<int>(), 3);
}

TEST(CrawlRobots, NeverFetchesADisallowedPage) {
  FarmProcess farm({"--sites", SitesDir()});
  ASSERT_GT(farm.port(), 0);
  auto profiles =
      Crawl({"--allow-private", "--connect-to", farm.connect_to(), "robots-partial.test"});
  const json& p = profiles["robots-partial.test"];
  ASSERT_EQ(p["status"], "ok") << p.dump();
  for (const auto& page : p["pages"]) {
    EXPECT_EQ(page["url"].get<std::string>().find("/private/"), std::string::npos) << page.dump();
  }
  EXPECT_TRUE(HasEmail(p, "hello@robots-partial.test")) << p.dump();
  EXPECT_FALSE(HasEmail(p, "secret@robots-partial.test"));
}

TEST(CrawlPlan, FindsTheContactPageThroughTheSitemapAndFollowsMetaRefresh) {
  FarmProcess farm({"--sites", SitesDir()});
  ASSERT_GT(farm.port(), 0);
  auto profiles = Crawl(
      {"--allow-private", "--connect-to", farm.connect_to(), "sitemap-only.test", "refresh.test"});
  EXPECT_TRUE(HasEmail(profiles["sitemap-only.test"], "office@sitemap-only.test"))
      << profiles["sitemap-only.test"].dump();
  EXPECT_TRUE(HasEmail(profiles["refresh.test"], "team@refresh.test"))
      << profiles["refresh.test"].dump();
  EXPECT_EQ(profiles["refresh.test"]["final_url"], "http://refresh.test/en/");
}

struct PolitenessCase {
  int per_host;
  int max_pages;
};

class CrawlPoliteness : public ::testing::TestWithParam<PolitenessCase> {};

TEST_P(CrawlPoliteness, PerHostInFlightAndPageCapAreNeverExceeded) {
  const auto c = GetParam();
  FarmProcess farm({"--bulk", "12", "--latency-ms", "30"});
  ASSERT_GT(farm.port(), 0);
  std::vector<std::string> args = {"--allow-private",
                                   "--connect-to",
                                   farm.connect_to(),
                                   "--concurrency",
                                   "12",
                                   "--per-host",
                                   std::to_string(c.per_host),
                                   "--max-pages",
                                   std::to_string(c.max_pages)};
  for (int i = 0; i < 12; ++i) args.push_back("bulk-" + std::to_string(i) + ".test");
  auto profiles = Crawl(args);
  ASSERT_EQ(profiles.size(), 12u);
  json stats = farm.Stats();
  int highest = 0;
  for (const auto& [host, h] : stats["hosts"].items()) {
    EXPECT_LE(h["max_in_flight"].get<int>(), c.per_host) << host;
    highest = std::max(highest, h["max_in_flight"].get<int>());
    // Page requests plus robots.txt and at most one sitemap.xml.
    EXPECT_LE(h["requests"].get<int>(), c.max_pages + 2) << host;
  }
  for (const auto& [d, p] : profiles) {
    EXPECT_EQ(p["status"], "ok") << p.dump();
    EXPECT_LE(p["pages"].size(), static_cast<size_t>(c.max_pages)) << d;
  }
  EXPECT_GE(highest, 1);
}

INSTANTIATE_TEST_SUITE_P(Limits, CrawlPoliteness,
                         ::testing::Values(PolitenessCase{1, 10}, PolitenessCase{2, 10},
                                           PolitenessCase{2, 3}),
                         [](const auto& info) {
                           return "PerHost" + std::to_string(info.param.per_host) + "MaxPages" +
                                  std::to_string(info.param.max_pages);
                         });

TEST(CrawlCli, OneProfilePerInputInEveryFormatAndUsageErrorsExit2) {
  FarmProcess farm({"--sites", SitesDir()});
  ASSERT_GT(farm.port(), 0);
  std::vector<std::string> base = {TrawlBinary(),     "crawl",        "-q",
                                   "--allow-private", "--connect-to", farm.connect_to()};
  auto with = [&](std::vector<std::string> extra) {
    auto v = base;
    v.insert(v.end(), extra.begin(), extra.end());
    return RunProcess(v, 60'000);
  };
  auto csv = with({"--format", "csv", "refresh.test", "bad..domain", "refresh.test"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4) << csv.out;  // header + 3
  auto arr = with({"--format", "json", "sitemap-only.test", "refresh.test", "x"});
  json parsed = json::parse(arr.out, nullptr, false);
  ASSERT_TRUE(parsed.is_array()) << arr.out;
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0]["domain"], "sitemap-only.test");  // input order
  EXPECT_EQ(parsed[2]["status"], "failed");
  EXPECT_EQ(with({"--format", "xml", "refresh.test"}).exit_code, 2);
  EXPECT_EQ(with({"--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(with({"-f", "/nonexistent/list.txt"}).exit_code, 2);
  EXPECT_EQ(with({}).exit_code, 2);
  auto stdin_run = RunProcess({TrawlBinary(), "crawl", "-q", "--allow-private", "--connect-to",
                               farm.connect_to(), "-f", "-"},
                              60'000, "refresh.test, sitemap-only.test\n# comment\n");
  EXPECT_EQ(ParseJsonLines(stdin_run.out).size(), 2u) << stdin_run.err;
}

}  // namespace
}  // namespace trawl::testing
