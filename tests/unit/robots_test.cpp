// robots.txt (RFC 9309): each test cites the section it checks.
#include "fetch/robots.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace trawl {
namespace {

constexpr const char* kTrawl = "trawl/0.1 (+https://trawl.example/bot)";

bool Allowed(std::string_view robots, std::string_view agent, std::string_view path) {
  return RobotsRules::Parse(robots, agent).Allowed(path);
}

bool TrawlAllowed(std::string_view robots, std::string_view path) {
  return Allowed(robots, kTrawl, path);
}

// ---------------------------------------------------------------------------
// §5: the RFC's own examples.

// RFC 9309 §5.1, "Simple Example".
constexpr const char* kRfcSimpleExample =
    "User-Agent: *\n"
    "Disallow: *.gif$\n"
    "Disallow: /example/\n"
    "Allow: /publications/\n"
    "\n"
    "User-Agent: foobot\n"
    "Disallow:/\n"
    "Allow:/example/page.html\n"
    "Allow:/example/allowed.gif\n"
    "\n"
    "User-Agent: barbot\n"
    "User-Agent: bazbot\n"
    "Disallow: /example/page.html\n"
    "\n"
    "User-Agent: quxbot\n"
    "\n"
    "EOF\n";

TEST(RobotsRfcExamples, SimpleExampleOfSection5_1) {
  struct Case {
    const char* agent;
    const char* path;
    bool allowed;
  } cases[] = {
      // foobot: everything disallowed except the two allowed files.
      {"foobot", "/example/page.html", true},
      {"foobot", "/example/allowed.gif", true},
      {"foobot", "/example/other.html", false},
      {"foobot", "/", false},
      // barbot and bazbot share one group.
      {"barbot", "/example/page.html", false},
      {"barbot", "/example/other.html", true},
      {"bazbot", "/example/page.html", false},
      {"bazbot", "/publications/", true},
      // quxbot has a group with no rules: everything allowed, no `*` fallback.
      {"quxbot", "/example/page.html", true},
      {"quxbot", "/picture.gif", true},
      // Everyone else follows `*`.
      {"otherbot", "/picture.gif", false},
      {"otherbot", "/picture.gif?x=1", true},  // `$` anchors the end
      {"otherbot", "/example/page.html", false},
      {"otherbot", "/publications/", true},
      {"otherbot", "/index.html", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Allowed(kRfcSimpleExample, c.agent, c.path), c.allowed) << c.agent << " " << c.path;
  }
}

TEST(RobotsRfcExamples, LongestMatchOfSection5_2) {
  // RFC 9309 §5.2: the longer Disallow overrides the shorter Allow.
  const char* robots =
      "User-Agent: foobot\n"
      "Allow: /example/page/\n"
      "Disallow: /example/page/disallowed.gif\n";
  EXPECT_TRUE(Allowed(robots, "foobot", "/example/page/"));
  EXPECT_TRUE(Allowed(robots, "foobot", "/example/page/ok.gif"));
  EXPECT_FALSE(Allowed(robots, "foobot", "/example/page/disallowed.gif"));
}

// ---------------------------------------------------------------------------
// §2.2.1: choosing the group.

TEST(RobotsGroups, ProductTokenMatchesCaseInsensitively) {
  // RFC 9309 §2.2.1: case-insensitive match of the product token.
  EXPECT_FALSE(TrawlAllowed("User-agent: TRAWL\nDisallow: /x\n", "/x"));
  EXPECT_FALSE(TrawlAllowed("user-agent: Trawl\nDisallow: /x\n", "/x"));
  EXPECT_FALSE(Allowed("User-agent: trawl\nDisallow: /x\n", "TRAWL/2", "/x"));
}

TEST(RobotsGroups, ProductTokenIsNotAPrefixMatch) {
  // RFC 9309 §2.2.1: the group must name our token exactly, not a longer one.
  EXPECT_TRUE(TrawlAllowed("User-agent: trawler\nDisallow: /\n", "/x"));
  EXPECT_TRUE(TrawlAllowed("User-agent: traw\nDisallow: /\n", "/x"));
}

TEST(RobotsGroups, UserAgentLineVersionSuffixIsIgnored) {
  // Departure shared with google/robotstxt: "trawl/1.0" names "trawl".
  EXPECT_FALSE(TrawlAllowed("User-agent: trawl/1.0\nDisallow: /x\n", "/x"));
}

TEST(RobotsGroups, SeveralGroupsForOneAgentAreMerged) {
  // RFC 9309 §2.2.1: matching groups are combined into one.
  const char* robots =
      "User-agent: trawl\nDisallow: /a\n\n"
      "User-agent: other\nDisallow: /b\n\n"
      "User-agent: trawl\nDisallow: /c\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/a"));
  EXPECT_TRUE(TrawlAllowed(robots, "/b"));
  EXPECT_FALSE(TrawlAllowed(robots, "/c"));
}

TEST(RobotsGroups, StarGroupAppliesWhenNoGroupNamesUs) {
  // RFC 9309 §2.2.1: fall back to the `*` group.
  const char* robots = "User-agent: other\nDisallow: /\n\nUser-agent: *\nDisallow: /private\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/private/x"));
  EXPECT_TRUE(TrawlAllowed(robots, "/public"));
}

TEST(RobotsGroups, OurGroupReplacesTheStarGroup) {
  // RFC 9309 §2.2.1: the `*` rules do not add to a matching group.
  const char* robots = "User-agent: *\nDisallow: /private\n\nUser-agent: trawl\nDisallow: /tmp\n";
  EXPECT_TRUE(TrawlAllowed(robots, "/private"));
  EXPECT_FALSE(TrawlAllowed(robots, "/tmp"));
}

TEST(RobotsGroups, NoMatchingGroupAllowsEverything) {
  // RFC 9309 §2.2.1: no matching group and no `*` group → no rules apply.
  EXPECT_TRUE(TrawlAllowed("User-agent: other\nDisallow: /\n", "/x"));
  EXPECT_TRUE(TrawlAllowed("", "/x"));
}

TEST(RobotsGroups, RulesBeforeAnyUserAgentLineAreIgnored) {
  // RFC 9309 §2.1: rules only exist inside a group.
  EXPECT_TRUE(TrawlAllowed("Disallow: /\nUser-agent: *\nDisallow: /x\n", "/y"));
}

TEST(RobotsGroups, UnknownRecordsDoNotSplitAGroup) {
  // RFC 9309 §2.2.4: other records may appear; they neither end nor open a group.
  const char* robots =
      "User-agent: trawl\nSitemap: https://a.test/s.xml\nUser-agent: other\n"
      "Disallow: /x\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/x"));
  EXPECT_FALSE(Allowed(robots, "other", "/x"));
}

// ---------------------------------------------------------------------------
// §2.2.2: which rule wins.

TEST(RobotsRules, MostSpecificMatchWins) {
  // RFC 9309 §2.2.2: the most specific match (most octets) is used.
  const char* robots = "User-agent: *\nDisallow: /shop\nAllow: /shop/contact\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/shop/cart"));
  EXPECT_TRUE(TrawlAllowed(robots, "/shop/contact"));
}

TEST(RobotsRules, AllowWinsATie) {
  // RFC 9309 §2.2.2: equivalent allow and disallow → allow.
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow: /page\nAllow: /page\n", "/page"));
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nAllow: /page\nDisallow: /page\n", "/page"));
}

TEST(RobotsRules, UnmatchedPathIsAllowed) {
  // RFC 9309 §2.2.2: no matching rule → allowed.
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow: /private\n", "/public"));
}

TEST(RobotsRules, EmptyDisallowAllowsEverything) {
  // RFC 9309 §2.2.2 (empty-pattern): "Disallow:" is no rule at all.
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow:\n", "/anything"));
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow:   # nothing\n", "/"));
}

TEST(RobotsRules, RobotsTxtItselfIsAlwaysAllowed) {
  // RFC 9309 §2.2.2: /robots.txt is implicitly allowed.
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow: /\n", "/robots.txt"));
  EXPECT_TRUE(RobotsRules::DisallowAll().Allowed("/robots.txt"));
}

TEST(RobotsRules, MatchingIsCaseSensitiveForPaths) {
  // RFC 9309 §2.2.2: octets are compared as they are.
  EXPECT_FALSE(TrawlAllowed("User-agent: *\nDisallow: /Admin\n", "/Admin"));
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow: /Admin\n", "/admin"));
}

TEST(RobotsRules, QueryIsPartOfThePath) {
  // RFC 9309 §2.2.2: rules match the path and query of the URI.
  const char* robots = "User-agent: *\nDisallow: /search?q=\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/search?q=x"));
  EXPECT_TRUE(TrawlAllowed(robots, "/search"));
}

TEST(RobotsRules, PercentEncodingComparesEqual) {
  // RFC 9309 §2.2.2: the table of encoded and unencoded paths.
  struct Case {
    const char* rule;
    const char* path;
    bool disallowed;
  } cases[] = {
      {"/foo/bar?baz=quz", "/foo/bar?baz=quz", true},
      {"/foo/bar/\xE3\x83\x84", "/foo/bar/%E3%83%84", true},  // "ツ" raw vs encoded
      {"/foo/bar/%E3%83%84", "/foo/bar/\xE3\x83\x84", true},
      {"/foo/bar/%e3%83%84", "/foo/bar/%E3%83%84", true},  // hex case does not matter
      {"/foo/bar/%62%61%7A", "/foo/bar/baz", true},        // unreserved octets decode
      {"/foo/bar/baz", "/foo/bar/%62%61%7A", true},
      {"/a%2Fb", "/a/b", false},  // an encoded "/" is not a path separator
      {"/a b", "/a%20b", true},
  };
  for (const auto& c : cases) {
    std::string robots = std::string("User-agent: *\nDisallow: ") + c.rule + "\n";
    EXPECT_EQ(!TrawlAllowed(robots, c.path), c.disallowed) << c.rule << " vs " << c.path;
  }
}

TEST(RobotsRules, NormalizationOfPaths) {
  EXPECT_EQ(NormalizeRobotsPath("/%7euser/%2f%zz"), "/~user/%2F%zz");
  EXPECT_EQ(NormalizeRobotsPath("/caf\xC3\xA9"), "/caf%C3%A9");
}

// ---------------------------------------------------------------------------
// §2.2.3: special characters.

TEST(RobotsSpecialCharacters, StarMatchesAnySequence) {
  // RFC 9309 §2.2.3: `*` designates 0 or more instances of any character.
  const char* robots = "User-agent: *\nDisallow: /*/private/\nDisallow: /*.php\n";
  struct Case {
    const char* path;
    bool allowed;
  } cases[] = {
      {"/a/private/x", false}, {"/a/b/private/", false}, {"/private/", true}, {"/index.php", false},
      {"/x.php?y=1", false},   {"/x.phtml", true},       {"/.php", false},
  };
  for (const auto& c : cases) EXPECT_EQ(TrawlAllowed(robots, c.path), c.allowed) << c.path;
}

TEST(RobotsSpecialCharacters, DollarAnchorsTheEnd) {
  // RFC 9309 §2.2.3: `$` designates the end of the match pattern.
  const char* robots = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /exact$\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/files/a.pdf"));
  EXPECT_TRUE(TrawlAllowed(robots, "/files/a.pdf?download=1"));
  EXPECT_TRUE(TrawlAllowed(robots, "/files/a.pdf.html"));
  EXPECT_FALSE(TrawlAllowed(robots, "/exact"));
  EXPECT_TRUE(TrawlAllowed(robots, "/exactly"));
}

TEST(RobotsSpecialCharacters, DollarInsideAPatternIsLiteral) {
  EXPECT_FALSE(TrawlAllowed("User-agent: *\nDisallow: /a$b\n", "/a$b/c"));
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow: /a$b\n", "/a"));
}

TEST(RobotsSpecialCharacters, LongestMatchCountsPatternOctets) {
  // Real-world file: "Allow: /" plus "Allow: /*.css$" plus a specific disallow.
  const char* robots =
      "User-agent: *\nAllow: /\nAllow: /*.css$\nDisallow: /404.html\n"
      "Disallow: /a/\nDisallow: /assets/\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/404.html"));
  EXPECT_TRUE(TrawlAllowed(robots, "/a/site.css"));        // "/*.css$" is longer than "/a/"
  EXPECT_FALSE(TrawlAllowed(robots, "/assets/site.css"));  // "/assets/" is longer than "/*.css$"
  EXPECT_FALSE(TrawlAllowed(robots, "/a/site.js"));
  EXPECT_TRUE(TrawlAllowed(robots, "/contact.html"));
}

TEST(RobotsSpecialCharacters, PatternWithoutLeadingSlashGetsOne) {
  // Departure shared with google/robotstxt: "Disallow: private" means "/private".
  EXPECT_FALSE(TrawlAllowed("User-agent: *\nDisallow: private\n", "/private/x"));
}

// ---------------------------------------------------------------------------
// §2.2: the line format.

TEST(RobotsSyntax, KeysAreCaseInsensitive) {
  // RFC 9309 §2.2: ABNF strings are case-insensitive.
  EXPECT_FALSE(TrawlAllowed("USER-AGENT: *\nDISALLOW: /x\n", "/x"));
  EXPECT_FALSE(TrawlAllowed("uSeR-aGeNt: *\ndIsAlLoW: /x\n", "/x"));
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow: /\nALLOW: /x\n", "/x"));
}

TEST(RobotsSyntax, WhitespaceAndCommentsAreIgnored) {
  // RFC 9309 §2.2: *WS around keys and values; "#" starts a comment.
  const char* robots =
      "  User-agent :  *  # everyone\n\tDisallow\t:\t/x # not /y\n# Disallow: /z\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/x"));
  EXPECT_TRUE(TrawlAllowed(robots, "/y"));
  EXPECT_TRUE(TrawlAllowed(robots, "/z"));
}

TEST(RobotsSyntax, LineEndsMayBeLfCrOrCrlf) {
  // RFC 9309 §2.2: EOL = %x0D / %x0A / %x0D.0A.
  for (const char* eol : {"\n", "\r", "\r\n"}) {
    std::string robots =
        std::string("User-agent: *") + eol + "Disallow: /x" + eol + "Disallow: /y" + eol;
    EXPECT_FALSE(TrawlAllowed(robots, "/x")) << "eol " << static_cast<int>(eol[0]);
    EXPECT_FALSE(TrawlAllowed(robots, "/y")) << "eol " << static_cast<int>(eol[0]);
    EXPECT_TRUE(TrawlAllowed(robots, "/z"));
  }
}

TEST(RobotsSyntax, ByteOrderMarkIsSkipped) {
  EXPECT_FALSE(TrawlAllowed("\xEF\xBB\xBFUser-agent: *\nDisallow: /x\n", "/x"));
}

TEST(RobotsSyntax, LinesWithoutColonAreIgnored) {
  // RFC 9309 §2.2: the grammar requires ":"; google/robotstxt would accept these.
  EXPECT_TRUE(TrawlAllowed("User-agent: *\nDisallow /x\n", "/x"));
  EXPECT_TRUE(TrawlAllowed("User-agent *\nDisallow: /x\n", "/x"));
}

TEST(RobotsSyntax, BinaryGarbageAllowsEverything) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  RobotsRules rules = RobotsRules::Parse(garbage, kTrawl);
  EXPECT_EQ(rules.rule_count(), 0u);
  EXPECT_TRUE(rules.Allowed("/"));
  EXPECT_TRUE(rules.Allowed("/anything"));
}

TEST(RobotsSyntax, HtmlErrorPageServedAsRobotsAllowsEverything) {
  EXPECT_TRUE(TrawlAllowed("<html><body><h1>Not found: /robots.txt</h1></body></html>", "/x"));
}

// ---------------------------------------------------------------------------
// §2.5: limits.

TEST(RobotsLimits, ParsesTheFirst500KiB) {
  // RFC 9309 §2.5: crawlers must parse at least 500 KiB.
  std::string robots = "User-agent: *\nDisallow: /early\n";
  std::string filler = "# padding padding padding padding padding padding padding\n";
  while (robots.size() + filler.size() < kRobotsMaxBytes - 100) robots += filler;
  robots += "Disallow: /late\n";  // still within the limit
  ASSERT_LE(robots.size(), kRobotsMaxBytes);
  while (robots.size() < kRobotsMaxBytes + 10) robots += filler;
  robots += "Disallow: /beyond\n";
  EXPECT_FALSE(TrawlAllowed(robots, "/early"));
  EXPECT_FALSE(TrawlAllowed(robots, "/late"));
  EXPECT_TRUE(TrawlAllowed(robots, "/beyond"));
}

TEST(RobotsLimits, LineCutByTheLimitIsDropped) {
  // A rule straddling the limit must not be read in part: "Disallow: /abcdef"
  // cut after 11 bytes would read as "Disallow: /".
  std::string robots = "User-agent: *\n";
  robots += std::string(kRobotsMaxBytes - robots.size() - 12, '#') + "\n";
  robots += "Disallow: /abcdef\n";  // starts 11 bytes before the limit
  ASSERT_GT(robots.size(), kRobotsMaxBytes);
  EXPECT_TRUE(TrawlAllowed(robots, "/a"));
  EXPECT_TRUE(TrawlAllowed(robots, "/abcdef"));
}

// ---------------------------------------------------------------------------
// Crawl-delay and Sitemap (§2.2.4 "other records").

TEST(RobotsCrawlDelay, ReadFromTheMatchedGroup) {
  const char* robots = "User-agent: *\nCrawl-delay: 5\n\nUser-agent: trawl\nCrawl-delay: 2.5\n";
  EXPECT_EQ(RobotsRules::Parse(robots, kTrawl).crawl_delay(), 2.5);
  EXPECT_EQ(RobotsRules::Parse(robots, "otherbot").crawl_delay(), 5.0);
  EXPECT_EQ(RobotsRules::Parse("User-agent: *\nDisallow: /\n", kTrawl).crawl_delay(), std::nullopt);
}

TEST(RobotsCrawlDelay, InvalidValuesAreIgnoredAndLargeOnesCapped) {
  struct Case {
    const char* value;
    std::optional<double> want;
  } cases[] = {
      {"1", 1.0},
      {"0.5", 0.5},
      {"1`", 1.0},  // seen in the wild
      {"abc", std::nullopt},
      {"-3", std::nullopt},
      {"", std::nullopt},
      {"nan", std::nullopt},
      {"inf", std::nullopt},
      {"86400", kMaxCrawlDelaySeconds},
  };
  for (const auto& c : cases) {
    std::string robots = std::string("User-agent: *\nCrawl-delay: ") + c.value + "\n";
    EXPECT_EQ(RobotsRules::Parse(robots, kTrawl).crawl_delay(), c.want) << c.value;
  }
}

TEST(RobotsSitemaps, CollectedFromAnywhereWithoutDuplicates) {
  const char* robots =
      "Sitemap: https://a.test/one.xml\n"
      "User-agent: other\nDisallow: /\nsitemap:https://a.test/two.xml\n"
      "SITEMAP: https://a.test/one.xml\n";
  auto rules = RobotsRules::Parse(robots, kTrawl);
  EXPECT_EQ(rules.sitemaps(),
            (std::vector<std::string>{"https://a.test/one.xml", "https://a.test/two.xml"}));
}

// ---------------------------------------------------------------------------
// §2.3.1: HTTP status codes.

TEST(RobotsStatus, UnavailableAllowsAndUnreachableDisallows) {
  struct Case {
    int status;
    bool allowed;
  } cases[] = {
      {404, true},  {403, true},  {401, true},  {410, true},  // §2.3.1.3
      {500, false}, {503, false}, {599, false}, {0, false},   // §2.3.1.4
      {429, false},                                           // see robots.h
      {301, true},                                            // §2.3.1.2 redirects exhausted
      {200, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RobotsRules::ForStatus(c.status).Allowed("/page"), c.allowed) << c.status;
  }
}

// ---------------------------------------------------------------------------
// `trawl robots ROBOTS_FILE USER_AGENT URL`.

class RobotsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("trawl_robots_test_" + std::to_string(::getpid()) + ".txt");
    std::ofstream(path_) << "User-agent: *\nDisallow: /private\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }

  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "trawl robots");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    int rc = RunCommand(kRobots, static_cast<int>(argv.size()), argv.data());
    stdout_ = testing::internal::GetCapturedStdout();
    testing::internal::GetCapturedStderr();
    return rc;
  }

  std::filesystem::path path_;
  std::string stdout_;
};

TEST_F(RobotsCommand, ExitsZeroWhenAllowed) {
  EXPECT_EQ(Run({path_.string(), kTrawl, "https://acme.test/contact?x=1"}), 0);
  EXPECT_EQ(stdout_, "allowed\n");
  EXPECT_EQ(Run({path_.string(), kTrawl, "/public"}), 0);
}

TEST_F(RobotsCommand, ExitsOneWhenDisallowed) {
  EXPECT_EQ(Run({path_.string(), kTrawl, "https://acme.test/private/x"}), 1);
  EXPECT_EQ(stdout_, "disallowed\n");
  EXPECT_EQ(Run({path_.string(), kTrawl, "/private"}), 1);
}

TEST_F(RobotsCommand, ExitsTwoOnUsageErrors) {
  EXPECT_EQ(Run({path_.string(), kTrawl}), 2);
  EXPECT_EQ(Run({"/nonexistent/robots.txt", kTrawl, "/x"}), 2);
  EXPECT_EQ(Run({path_.parent_path().string(), kTrawl, "/x"}), 2);  // a directory
  EXPECT_EQ(Run({path_.string(), kTrawl, "ftp://acme.test/x"}), 2);
  EXPECT_EQ(Run({path_.string(), kTrawl, "not a url"}), 2);
}

}  // namespace
}  // namespace trawl
