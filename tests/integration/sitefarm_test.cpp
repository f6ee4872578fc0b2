// The site farm, black-box: an in-process farm on 127.0.0.1 port 0, spoken to
// over raw sockets, plus the `trawl sitefarm` binary's start-up contract.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "farm_util.h"
#include "servers/spawn.h"

namespace trawl::testutil {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A small sites dir of our own, so that mapping tests do not depend on the
// real-world corpus being present.
std::string FixtureSites() {
  static const std::string dir = [] {
    fs::path root = fs::path(::testing::TempDir()) / ("sitefarm_sites_" + std::to_string(getpid()));
    fs::remove_all(root);
    WriteFile(root / "acme.test/index.html", "<html><body>acme home</body></html>");
    WriteFile(root / "acme.test/contact/index.html", "<html><body>acme contact</body></html>");
    WriteFile(root / "acme.test/about.html", "<html><body>acme about</body></html>");
    WriteFile(root / "acme.test/index.html?p=7.html", "<html><body>acme wordpress 7</body></html>");
    WriteFile(root / "acme.test/s\xc3\xbc\xc3\x9f.html", "<html><body>acme sweet</body></html>");
    WriteFile(root / "acme.test/robots.txt", "User-agent: *\nAllow: /\n");
    WriteFile(root / "acme.test/sitemap.xml", "<urlset></urlset>\n");
    WriteFile(root / "acme.test/data.json", "{}");
    WriteFile(root / "latin.test/index.html",
              "<html><head><meta charset=\"iso-8859-1\"></head><body>K\xf6ln</body></html>");
    WriteFile(fs::path(::testing::TempDir()) / "secret.txt", "top secret");
    return root.string();
  }();
  return dir;
}

TestFarm::Options FixtureOptions() {
  TestFarm::Options o;
  o.sites = {FixtureSites()};
  return o;
}

std::string Raw(std::string_view target, std::string_view host) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: " + std::string(host) +
         "\r\nConnection: close\r\n\r\n";
}

// ---- static sites ---------------------------------------------------------------

struct MappingCase {
  const char* host;
  const char* target;  // sent as is
  int status;
  const char* body_has;  // nullptr: do not check
};

TEST(SitefarmStatic, MapsPathsLikeTheRealWorldServers) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  const MappingCase cases[] = {
      {"acme.test", "/", 200, "acme home"},
      {"acme.test", "/index.html", 200, "acme home"},
      {"acme.test", "/contact", 200, "acme contact"},  // folder -> folder/index.html
      {"acme.test", "/contact/", 200, "acme contact"},
      {"acme.test", "/about.html", 200, "acme about"},
      {"acme.test", "/about", 200, "acme about"},                        // clean URL -> about.html
      {"acme.test", "/index.html%3Fp=7.html", 200, "acme wordpress 7"},  // %3F is no query
      {"acme.test", "/index.html?p=7.html", 200, "acme wordpress 7"},    // literal file first
      {"acme.test", "/index.html?utm=x", 200, "acme home"},              // then the real query
      {"acme.test", "/s%C3%BC%C3%9F.html", 200, "acme sweet"},           // UTF-8, encoded
      {"acme.test", "/s\xc3\xbc\xc3\x9f.html", 200, "acme sweet"},       // UTF-8, raw bytes
      {"ACME.test:8080", "/", 200, "acme home"},                         // case and port ignored
      {"www.acme.test", "/contact", 200, "acme contact"},                // www. fallback
      {"acme.test", "/robots.txt", 200, "User-agent"},
      {"acme.test", "/sitemap.xml", 200, "urlset"},
      {"latin.test", "/robots.txt", 404, nullptr},  // no file, no robots
      {"acme.test", "/missing.html", 404, nullptr},
      {"acme.test", "/../secret.txt", 404, nullptr},  // traversal refused
      {"acme.test", "/%2e%2e/%2e%2e/secret.txt", 404, nullptr},
      {"acme.test", "/contact/../../secret.txt", 404, nullptr},
      {"acme.test", "/%00.html", 400, nullptr},
      {"nowhere.test", "/", 404, "Unknown host"},
      {"www.nowhere.test", "/", 404, nullptr},
  };
  for (const auto& c : cases) {
    HttpReply r = Exchange(farm.port(), Raw(c.target, c.host));
    EXPECT_EQ(r.status, c.status) << c.host << c.target;
    EXPECT_TRUE(r.complete) << c.host << c.target;
    if (c.body_has) {
      EXPECT_NE(r.body.find(c.body_has), std::string::npos) << c.host << c.target;
    }
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << c.target;
  }
}

TEST(SitefarmStatic, SendsContentTypeByExtensionAndLeavesForeignCharsetsToThePage) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  const std::pair<const char*, const char*> cases[] = {
      {"/", "text/html; charset=utf-8"},
      {"/robots.txt", "text/plain; charset=utf-8"},
      {"/sitemap.xml", "application/xml"},
      {"/data.json", "application/json"},
  };
  for (const auto& [target, type] : cases) {
    EXPECT_EQ(farm.Get("acme.test", target).headers["content-type"], type) << target;
  }
  EXPECT_EQ(farm.Get("latin.test", "/").headers["content-type"], "text/html");
}

TEST(SitefarmStatic, ServesTheRealWorldCorpusAsSourcesMdDescribes) {
  const std::string dir = RealWorldSitesDir();
  if (dir.empty()) GTEST_SKIP() << "real-world sites not present";
  TestFarm farm({.sites = {dir}});
  ASSERT_TRUE(farm.ok());
  struct Case {
    const char* host;
    const char* target;
    const char* file;  // below dir/host
  };
  const Case cases[] = {
      {"cleansweep-cleaning.com", "/index.html%3Fp=211.html", "index.html?p=211.html"},
      {"www.cleansweep-cleaning.com", "/index.html%3Fp=57.html", "index.html?p=57.html"},
      {"cleansweep-cleaning.com", "/", "index.html"},
      {"hgservice.net", "/datenschutzerkl%C3%A4rung.html", "datenschutzerkl\xc3\xa4rung.html"},
      {"hgservice.net", "/datenschutzerkl\xc3\xa4rung.html", "datenschutzerkl\xc3\xa4rung.html"},
      {"hgservice.net", "/services/gartenpflege.html", "services/gartenpflege.html"},
      {"www.oceancitypattesting.co.uk", "/contact", "contact/index.html"},
      {"oceancitypattesting.co.uk", "/areas-covered/plymouth", "areas-covered/plymouth/index.html"},
      {"oceancitypattesting.co.uk", "/robots.txt", "robots.txt"},
      {"oceancitypattesting.co.uk", "/sitemap.xml", "sitemap.xml"},
      {"nfjservicesltd.co.uk", "/handyman/", "handyman/index.html"},
  };
  for (const auto& c : cases) {
    HttpReply r = Exchange(farm.port(), Raw(c.target, c.host));
    ASSERT_EQ(r.status, 200) << c.host << c.target;
    std::string host = c.host;
    if (host.starts_with("www.")) host.erase(0, 4);
    EXPECT_EQ(r.body, ReadFile(fs::path(dir) / host / c.file)) << c.host << c.target;
  }
  EXPECT_EQ(farm.Get("dufftreeservice.com", "/robots.txt").status, 404);  // none in the corpus
}

// ---- HTTP handling ------------------------------------------------------------------

TEST(SitefarmHttp, ServesAbsoluteFormTargetsAsAForwardProxy) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  HttpReply r = Exchange(farm.port(),
                         "GET http://acme.test/contact HTTP/1.1\r\nHost: other.test\r\n"
                         "Proxy-Connection: close\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("acme contact"), std::string::npos);
  r = Exchange(farm.port(), "GET http://WWW.ACME.TEST:80 HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("acme home"), std::string::npos);
}

TEST(SitefarmHttp, AnswersMalformedRequestsWith400) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  const char* bad[] = {
      "GARBAGE\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: acme.test\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",  // HTTP/1.1 requires Host
      "GET / HTTP/1.1\r\nHost acme.test\r\n\r\n",
      "GET ftp://acme.test/ HTTP/1.1\r\nHost: acme.test\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: acme.test\r\nTransfer-Encoding: chunked\r\n\r\n",
  };
  for (const char* req : bad) EXPECT_EQ(Exchange(farm.port(), req).status, 400) << req;
}

TEST(SitefarmHttp, RejectsOversizedHeadsWith431) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  std::string req =
      "GET / HTTP/1.1\r\nHost: acme.test\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n";
  EXPECT_EQ(Exchange(farm.port(), req).status, 431);
}

TEST(SitefarmHttp, KeepsHttp11ConnectionsAliveAndAnswersPipelinedRequestsInOrder) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  for (const char* target : {"/", "/contact", "/about"}) {
    ASSERT_TRUE(SendAll(fd, std::string("GET ") + target + " HTTP/1.1\r\nHost: acme.test\r\n\r\n"));
    HttpReply r = ReadReply(fd, 5000);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.headers["connection"], "keep-alive");
  }
  ASSERT_TRUE(SendAll(fd,
                      "GET / HTTP/1.1\r\nHost: acme.test\r\n\r\n"
                      "GET /contact HTTP/1.1\r\nHost: acme.test\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  std::string both = ReadFor(fd, 5000, 1 << 20, &closed);
  EXPECT_TRUE(closed);
  size_t home = both.find("acme home"), contact = both.find("acme contact");
  ASSERT_NE(home, std::string::npos);
  ASSERT_NE(contact, std::string::npos);
  EXPECT_LT(home, contact);
  close(fd);
}

TEST(SitefarmHttp, ClosesHttp10ConnectionsAndAnswersHeadWithoutBody) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET / HTTP/1.0\r\nHost: acme.test\r\n\r\n"));
  bool closed = false;
  std::string raw = ReadFor(fd, 5000, 1 << 20, &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(raw.find("Connection: close"), std::string::npos);
  close(fd);
  HttpReply head = Exchange(
      farm.port(), "HEAD /contact HTTP/1.1\r\nHost: acme.test\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(
      head.headers["content-length"],
      std::to_string(ReadFile(fs::path(FixtureSites()) / "acme.test/contact/index.html").size()));
}

TEST(SitefarmHttp, ClosesAConnectionThatStartsWithATlsHandshake) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
  bool closed = false;
  std::string got = ReadFor(fd, 5000, 1024, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(got, "");
  close(fd);
}

TEST(SitefarmHttp, AcceptsAProxyTunnelThenClosesOnItsTlsHandshake) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "CONNECT acme.test:443 HTTP/1.1\r\nHost: acme.test:443\r\n\r\n"));
  HttpReply r = ReadReply(fd, 5000, 0, true);
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(SendAll(fd, std::string("\x16\x03\x01\x02\x00", 5)));
  bool closed = false;
  EXPECT_EQ(ReadFor(fd, 5000, 1024, &closed), "");
  EXPECT_TRUE(closed);
  close(fd);
}

TEST(SitefarmHttp, GzipsTextForClientsThatAcceptIt) {
  TestFarm farm({.sites = {FixtureSites()}, .bulk = 1});
  ASSERT_TRUE(farm.ok());
  for (const char* host : {"bulk-0.test"}) {
    HttpReply plain = farm.Get(host, "/contact");
    HttpReply gz = farm.Get(host, "/contact", {"Accept-Encoding: gzip, deflate"});
    ASSERT_EQ(gz.status, 200);
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
    EXPECT_EQ(gz.headers["content-encoding"], "gzip");
    EXPECT_LT(gz.body.size(), plain.body.size());
    bool ended = false;
    EXPECT_EQ(Gunzip(gz.body, 1 << 20, &ended), plain.body);
    EXPECT_TRUE(ended);
  }
}

// ---- bulk sites ---------------------------------------------------------------------

TEST(SitefarmBulk, ServesTenLinkedPagesOfRealisticSizePerSite) {
  TestFarm farm({.sites = {}, .bulk = 3});
  ASSERT_TRUE(farm.ok());
  nlohmann::json truth = farm.Truth(2);
  ASSERT_TRUE(truth.is_object());
  ASSERT_EQ(truth["pages"].size(), 10u);
  HttpReply home = farm.Get("bulk-2.test", "/");
  for (const auto& page : truth["pages"]) {
    const std::string path = page.get<std::string>();
    EXPECT_NE(home.body.find("href=\"" + path + "\""), std::string::npos) << path;
    HttpReply r = farm.Get("bulk-2.test", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_GE(r.body.size(), 25u * 1024) << path;
    EXPECT_LE(r.body.size(), 60u * 1024) << path;
    EXPECT_NE(r.body.find(truth["email"].get<std::string>()), std::string::npos) << path;
    EXPECT_NE(r.body.find(truth["phone_display"].get<std::string>()), std::string::npos) << path;
    EXPECT_NE(r.body.find(truth["postcode"].get<std::string>()), std::string::npos) << path;
    EXPECT_NE(r.body.find("</html>"), std::string::npos) << path;
  }
  HttpReply contact = farm.Get("www.bulk-2.test", "/contact");
  EXPECT_NE(contact.body.find("mailto:" + truth["email"].get<std::string>()), std::string::npos);
  EXPECT_NE(contact.body.find("<address>"), std::string::npos);
  EXPECT_NE(home.body.find("application/ld+json"), std::string::npos);
  HttpReply legal = farm.Get("bulk-2.test", "/legal-notice");
  EXPECT_NE(legal.body.find(truth["company_number"].get<std::string>()), std::string::npos);
  EXPECT_NE(legal.body.find(truth["vat_number"].get<std::string>()), std::string::npos);
}

TEST(SitefarmBulk, ServesRobotsSitemapAndOnlyTheConfiguredHosts) {
  TestFarm farm({.sites = {}, .bulk = 3});
  ASSERT_TRUE(farm.ok());
  HttpReply robots = farm.Get("bulk-1.test", "/robots.txt");
  EXPECT_EQ(robots.status, 200);
  EXPECT_NE(robots.body.find("User-agent: *\nDisallow: /private/"), std::string::npos);
  HttpReply sitemap = farm.Get("bulk-1.test", "/sitemap.xml");
  EXPECT_EQ(sitemap.status, 200);
  EXPECT_NE(sitemap.body.find("<loc>http://bulk-1.test/contact</loc>"), std::string::npos);
  EXPECT_EQ(farm.Get("bulk-1.test", "/no-such-page").status, 404);
  EXPECT_EQ(farm.Get("bulk-3.test", "/").status, 404);               // beyond --bulk
  EXPECT_EQ(farm.Get("bulk-01.test", "/").status, 404);              // not a canonical index
  EXPECT_EQ(farm.Get("bulk-1.test", "/private/staff").status, 200);  // exists; robots forbids it
}

TEST(SitefarmBulk, TruthIsDeterministicDistinctAndPlantedInThePages) {
  TestFarm farm({.sites = {}, .bulk = 50});
  ASSERT_TRUE(farm.ok());
  nlohmann::json a = farm.Truth(7), b = farm.Truth(8);
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a, farm.Truth(7));
  EXPECT_EQ(a["email"], "info@bulk-7.test");
  for (const char* key : {"company_name", "email", "phone", "company_number", "vat_number"}) {
    EXPECT_NE(a[key], b[key]) << key;
  }
  EXPECT_TRUE(a["phone"].get<std::string>().starts_with("+44"));
  EXPECT_EQ(a["company_number"].get<std::string>().size(), 8u);
  EXPECT_TRUE(farm.Truth(50).is_null());
  HttpReply none = Exchange(farm.port(), Raw("/__farm/truth?host=acme.test", "x.test"));
  EXPECT_EQ(none.status, 404);
}

// ---- stats ----------------------------------------------------------------------------

// The stats once `host` has nothing in flight (at most 5 s). The farm counts
// a request out after its last byte is sent, so a client may read the whole
// answer a moment before in_flight drops back to 0.
nlohmann::json StatsWhenIdle(const TestFarm& farm, const std::string& host) {
  nlohmann::json s;
  for (int k = 0; k < 100; ++k) {
    s = farm.Stats();
    if (s.is_object() && s["hosts"].contains(host) && s["hosts"][host]["in_flight"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return s;
}

TEST(SitefarmStats, CountsRequestsPerHostButNotItsOwnEndpoints) {
  TestFarm farm({.sites = {FixtureSites()}, .bulk = 1});
  ASSERT_TRUE(farm.ok());
  farm.Get("acme.test", "/");
  farm.Get("acme.test", "/missing");
  farm.Get("www.acme.test", "/");
  farm.Get("bulk-0.test", "/robots.txt");
  farm.Truth(0);
  nlohmann::json s = StatsWhenIdle(farm, "acme.test");
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["total"], 4);
  EXPECT_EQ(s["hosts"]["acme.test"]["requests"], 2);
  EXPECT_EQ(s["hosts"]["www.acme.test"]["requests"], 1);
  EXPECT_EQ(s["hosts"]["bulk-0.test"]["requests"], 1);
  EXPECT_EQ(s["hosts"]["acme.test"]["in_flight"], 0);
  EXPECT_EQ(s["hosts"]["acme.test"]["max_in_flight"], 1);
  EXPECT_EQ(s["hosts"].size(), 3u);
}

// Polls the stats until `host` has `want` requests in flight (at most 5 s).
nlohmann::json WaitInFlight(const TestFarm& farm, const std::string& host, int want) {
  nlohmann::json s;
  for (int k = 0; k < 100; ++k) {
    s = farm.Stats();
    if (s.is_object() && s["hosts"].contains(host) && s["hosts"][host]["in_flight"] == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return s;
}

TEST(SitefarmStats, TracksRequestsInFlightAndTheirMaximum) {
  TestFarm farm;
  ASSERT_TRUE(farm.ok());
  const std::string host = "blackhole.hostile.test";  // holds every request until the client leaves
  std::vector<int> fds;
  for (int k = 0; k < 3; ++k) {
    int fd = ConnectLoopback(farm.port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, Raw("/", host)));
    fds.push_back(fd);
  }
  nlohmann::json s = WaitInFlight(farm, host, 3);
  EXPECT_EQ(s["hosts"][host]["in_flight"], 3);
  EXPECT_EQ(s["hosts"][host]["max_in_flight"], 3);
  for (int fd : fds) close(fd);
  s = WaitInFlight(farm, host, 0);
  EXPECT_EQ(s["hosts"][host]["in_flight"], 0);
  EXPECT_EQ(s["hosts"][host]["max_in_flight"], 3);
  EXPECT_EQ(s["hosts"][host]["requests"], 3);
}

TEST(SitefarmStats, ResetZeroesTheCounters) {
  TestFarm farm(FixtureOptions());
  ASSERT_TRUE(farm.ok());
  farm.Get("acme.test", "/");
  ASSERT_EQ(StatsWhenIdle(farm, "acme.test")["total"], 1);  // not counted again after the reset
  EXPECT_TRUE(farm.ResetStats());
  nlohmann::json s = farm.Stats();
  EXPECT_EQ(s["total"], 0);
  EXPECT_TRUE(s["hosts"].empty());
  EXPECT_EQ(Exchange(farm.port(), Raw("/__farm/reset", "any.test")).status, 200);  // GET works too
}

// ---- latency and errors ---------------------------------------------------------------

TEST(SitefarmFaults, DelaysEveryResponseByAtLeastTheLatency) {
  TestFarm farm({.sites = {FixtureSites()}, .latency_ms = 300});
  ASSERT_TRUE(farm.ok());
  auto start = std::chrono::steady_clock::now();
  HttpReply r = farm.Get("acme.test", "/");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(took, std::chrono::milliseconds(300));  // a lower bound only
}

TEST(SitefarmFaults, ErrorRateOneAnswers503ExceptRobotsAndFarmEndpoints) {
  TestFarm farm({.sites = {FixtureSites()}, .bulk = 1, .error_rate = 1.0});
  ASSERT_TRUE(farm.ok());
  EXPECT_EQ(farm.Get("acme.test", "/").status, 503);
  EXPECT_EQ(farm.Get("bulk-0.test", "/contact").status, 503);
  EXPECT_EQ(farm.Get("acme.test", "/robots.txt").status, 200);
  EXPECT_EQ(farm.Get("bulk-0.test", "/robots.txt").status, 200);
  EXPECT_TRUE(farm.Stats().is_object());
  EXPECT_TRUE(farm.Truth(0).is_object());
}

TEST(SitefarmFaults, ErrorRateZeroNeverAnswers503) {
  TestFarm farm({.sites = {FixtureSites()}, .error_rate = 0.0});
  ASSERT_TRUE(farm.ok());
  for (int k = 0; k < 20; ++k) EXPECT_EQ(farm.Get("acme.test", "/").status, 200);
}

// ---- hostile hosts ---------------------------------------------------------------------

bool Has(const std::string& body, std::string_view what) {
  return body.find(what) != std::string::npos;
}

struct HostileCase {
  const char* host;
  const char* path;
  int status;
  const char* content_type;  // exact
  void (*check)(const HttpReply&);
};

const HostileCase kHostileCases[] = {
    {"redirect-loop", "/", 302, "text/html; charset=utf-8",
     [](const HttpReply& r) { EXPECT_EQ(r.headers.at("location"), "/a"); }},
    {"redirect-loop", "/a", 302, "text/html; charset=utf-8",
     [](const HttpReply& r) { EXPECT_EQ(r.headers.at("location"), "/b"); }},
    {"redirect-loop", "/b", 302, "text/html; charset=utf-8",
     [](const HttpReply& r) { EXPECT_EQ(r.headers.at("location"), "/"); }},
    {"gzip-bomb", "/", 200, "text/html; charset=utf-8",
     [](const HttpReply& r) {
       EXPECT_EQ(r.headers.at("content-encoding"), "gzip");
       EXPECT_LT(r.body.size(), 2u << 20);
       bool ended = true;
       std::string out = Gunzip(r.body, 16u << 20, &ended);
       EXPECT_EQ(out.size(), 16u << 20);  // and it goes on: at least 1 GiB in all
       EXPECT_FALSE(ended);
       EXPECT_EQ(std::count(out.begin(), out.end(), '\0'), static_cast<long>(out.size()));
     }},
    {"pdf", "/", 200, "application/pdf",
     [](const HttpReply& r) { EXPECT_TRUE(r.body.starts_with("%PDF-")); }},
    {"image", "/", 200, "image/png",
     [](const HttpReply& r) { EXPECT_TRUE(r.body.starts_with("\x89PNG\r\n\x1a\n")); }},
    {"badutf8", "/", 200, "text/html; charset=utf-8",
     [](const HttpReply& r) {
       EXPECT_TRUE(Has(r.body, "info@badutf8.hostile.test"));
       EXPECT_TRUE(Has(r.body, "0161 496 0555"));
       EXPECT_TRUE(Has(r.body, "\xff") && Has(r.body, "\xc3\x28"));
     }},
    {"latin1", "/", 200, "text/html",
     [](const HttpReply& r) {
       EXPECT_TRUE(Has(r.body, "<meta charset=\"iso-8859-1\">"));
       EXPECT_TRUE(Has(r.body,
                       "Gro\xdf"
                       "b\xe4"
                       "ckerei K\xf6hler GmbH"));
       EXPECT_TRUE(Has(r.body, "info@latin1.hostile.test"));
     }},
    {"deep", "/", 200, "text/html; charset=utf-8",
     [](const HttpReply& r) {
       std::string nested;
       for (int k = 0; k < 100000; ++k) nested += "<div>";
       EXPECT_TRUE(Has(r.body, nested + "Contact: info@deep.hostile.test</div>"));
     }},
    {"robots-huge", "/robots.txt", 200, "text/plain; charset=utf-8",
     [](const HttpReply& r) {
       EXPECT_GE(r.body.size(), 10u << 20);
       EXPECT_TRUE(r.body.find("User-agent: *\n") < 100);
       EXPECT_FALSE(Has(r.body, "Disallow: /"));
     }},
    {"robots-huge", "/", 200, "text/html; charset=utf-8",
     [](const HttpReply& r) { EXPECT_TRUE(Has(r.body, "info@robots-huge.hostile.test")); }},
    {"robots-garbage", "/robots.txt", 200, "text/plain",
     [](const HttpReply& r) {
       EXPECT_GE(r.body.size(), 1024u);
       EXPECT_FALSE(Has(r.body, "User-agent"));
     }},
    {"robots-garbage", "/", 200, "text/html; charset=utf-8",
     [](const HttpReply& r) { EXPECT_TRUE(Has(r.body, "info@robots-garbage.hostile.test")); }},
    {"robots-disallow", "/robots.txt", 200, "text/plain",
     [](const HttpReply& r) { EXPECT_EQ(r.body, "User-agent: *\nDisallow: /\n"); }},
    {"robots-5xx", "/robots.txt", 503, "text/html; charset=utf-8", nullptr},
    {"robots-5xx", "/", 200, "text/html; charset=utf-8", nullptr},
    {"status500", "/", 500, "text/html; charset=utf-8", nullptr},
    {"status500", "/contact", 500, "text/html; charset=utf-8", nullptr},
    {"status500", "/robots.txt", 200, "text/plain",
     [](const HttpReply& r) { EXPECT_EQ(r.body, "User-agent: *\nAllow: /\n"); }},
    {"notfound", "/", 404, "text/html; charset=utf-8", nullptr},
    {"xss", "/", 200, "text/html; charset=utf-8",
     [](const HttpReply& r) {
       EXPECT_TRUE(Has(r.body, "<title>&lt;img src=x onerror=alert(1)&gt;</title>"));
       EXPECT_TRUE(Has(r.body, "content=\"&lt;img src=x onerror=alert(1)&gt;\""));
       EXPECT_TRUE(Has(r.body, "\"name\":\"<img src=x onerror=alert(1)>\""));  // JSON-LD
       EXPECT_TRUE(Has(r.body, "&lt;script&gt;alert(2)&lt;/script&gt;"));
       EXPECT_FALSE(Has(r.body, "<script>alert(2)"));
       EXPECT_TRUE(Has(r.body, "info@xss.hostile.test"));
     }},
};

TEST(SitefarmHostile, EachHostAnswersAsSpecified) {
  TestFarm farm;
  ASSERT_TRUE(farm.ok());
  for (const HostileCase& c : kHostileCases) {
    const std::string host = std::string(c.host) + ".hostile.test";
    HttpReply r = farm.Get(host, c.path, {}, 20000);
    EXPECT_EQ(r.status, c.status) << host << c.path;
    EXPECT_EQ(r.headers["content-type"], c.content_type) << host << c.path;
    EXPECT_TRUE(r.complete) << host << c.path;
    if (c.check) {
      SCOPED_TRACE(host + c.path);
      c.check(r);
    }
  }
}

TEST(SitefarmHostile, HugeAnnounces50MegabytesAndSendsThemFast) {
  TestFarm farm;
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, Raw("/", "huge.hostile.test")));
  HttpReply r = ReadReply(fd, 10000, 4u << 20);
  close(fd);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], std::to_string(50u << 20));
  EXPECT_GE(r.body.size(), 4u << 20);
  EXPECT_TRUE(r.body.starts_with("<p>"));
}

TEST(SitefarmHostile, EndlessSendsAChunkedBodyThatNeverEnds) {
  TestFarm farm;
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, Raw("/", "endless.hostile.test")));
  HttpReply r = ReadReply(fd, 10000, 4u << 20);
  close(fd);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
  EXPECT_GE(r.body.size(), 4u << 20);
  EXPECT_FALSE(r.complete);
}

TEST(SitefarmHostile, DripSendsHeadersThenABodyFarShorterThanAnnounced) {
  TestFarm farm;
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, Raw("/", "drip.hostile.test")));
  bool closed = false;
  std::string got = ReadFor(fd, 2500, 1 << 20, &closed);
  close(fd);
  EXPECT_FALSE(closed);
  ASSERT_TRUE(got.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(Has(got, "Content-Length: 3600\r\n"));
  size_t head_end = got.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_GE(got.size() - head_end - 4, 1u);
  EXPECT_LT(got.size() - head_end - 4, 3600u);
}

TEST(SitefarmHostile, BlackholeReadsTheRequestAndNeverAnswers) {
  TestFarm farm;
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, Raw("/", "blackhole.hostile.test")));
  bool closed = false;
  EXPECT_EQ(ReadFor(fd, 2000, 1024, &closed), "");
  EXPECT_FALSE(closed);
  close(fd);
  EXPECT_EQ(farm.Get("blackhole.hostile.test", "/robots.txt").status, 200);
}

TEST(SitefarmHostile, SlowHeadersNeverFinishesTheHead) {
  TestFarm farm;
  ASSERT_TRUE(farm.ok());
  int fd = ConnectLoopback(farm.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, Raw("/", "slowheaders.hostile.test")));
  bool closed = false;
  std::string got = ReadFor(fd, 2500, 1024, &closed);
  close(fd);
  EXPECT_FALSE(closed);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(Has(got, "\r\n\r\n"));
}

TEST(SitefarmHostile, FarmStopsCleanlyWithDribblingConnectionsOpen) {
  auto farm = std::make_unique<TestFarm>();
  ASSERT_TRUE(farm->ok());
  std::vector<int> fds;
  for (const char* host : {"drip", "endless", "blackhole", "slowheaders", "huge", "drip"}) {
    int fd = ConnectLoopback(farm->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, Raw("/", std::string(host) + ".hostile.test")));
    fds.push_back(fd);
  }
  ReadFor(fds[0], 1200, 1024);  // the streams are running
  farm->Stop();                 // must return, ending every stream
  for (int fd : fds) {
    bool closed = false;
    ReadFor(fd, 10000, 1u << 30, &closed);
    EXPECT_TRUE(closed);
    close(fd);
  }
  EXPECT_LT(ConnectLoopback(farm->port()), 0);  // the listener is gone too
}

// ---- the command ---------------------------------------------------------------------

TEST(SitefarmCommand, PrintsItsAddressServesAndExitsCleanlyOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = testing::SpawnProcess(
      {TRAWL_BINARY, "sitefarm", "--port", "0", "--bulk", "2"},
      {.stdin_fd = testing::kInherit, .stdout_fd = out[1], .stderr_fd = testing::kInherit});
  close(out[1]);
  ASSERT_GE(pid, 0);
  std::string line;
  for (int k = 0; k < 100 && line.find('\n') == std::string::npos; ++k) {
    bool closed = false;
    line += ReadFor(out[0], 100, 1, &closed);
    if (closed) break;
  }
  line = line.substr(0, line.find('\n'));
  ASSERT_TRUE(line.starts_with("listening on 127.0.0.1:")) << line;
  int port = std::stoi(line.substr(line.rfind(':') + 1));
  HttpReply r = Exchange(port, Raw("/__farm/truth?host=bulk-1.test", "farm.test"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Has(r.body, "info@bulk-1.test"));
  kill(pid, SIGTERM);
  int status = -1;
  for (int k = 0; k < 200 && waitpid(pid, &status, WNOHANG) == 0; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!WIFEXITED(status)) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  close(out[0]);
}

}  // namespace
}  // namespace trawl::testutil
