// robots.txt rules for one user agent (RFC 9309, the Robots Exclusion Protocol).
// A RobotsRules is immutable once built: share it across threads freely.
// It owns copies of everything it needs; the parsed body can be dropped.
//
// ---------------------------------------------------------------------------
// The standard: RFC 9309 (September 2022). Written by hand: no Debian package
// implements RFC 9309, and google/robotstxt (the reference parser) is not
// packaged for Debian 12. Behaviour follows the RFC; where the RFC is silent
// or inconsistent we follow google/robotstxt, and say so below.
//
// What is implemented:
//  * Groups (§2.1, §2.2.1): one or more `user-agent:` lines followed by rules.
//    The crawler's product token is the leading run of [A-Za-z_-] in its user
//    agent ("trawl/0.1 (+https://…)" → "trawl"); it matches a user-agent line
//    case-insensitively. Every group for the token is merged into one. With no
//    such group the `*` group(s) apply; with neither, everything is allowed.
//    A group naming the token but holding no rules allows everything (§5.1,
//    "quxbot"): it does not fall back to `*`.
//  * Rules (§2.2.2): the most specific (longest) matching pattern wins; on a
//    tie between allow and disallow, allow wins. No match → allowed.
//    `/robots.txt` is always allowed. An empty `Disallow:` is no rule.
//  * Special characters (§2.2.3): `*` matches any run of octets, a trailing
//    `$` anchors the end of the path. A `$` anywhere else is a literal.
//  * Percent-encoding (§2.2.2): patterns and paths are both brought to one
//    form before comparison: octets outside printable ASCII are encoded as
//    %XX, %XX escapes of unreserved characters (RFC 3986 §2.3) are decoded,
//    other escapes get upper-case hex. "/a/%62" and "/a/b" compare equal,
//    "%2F" stays distinct from "/". Reserved characters written literally
//    ("/", "?", "=", ":") stay literal: encoding them, as one row of the
//    RFC's table suggests for a query value, would stop "/a/" matching
//    "/a/b" — google/robotstxt does not encode them either.
//  * Lines (§2.2): `key: value # comment`; keys case-insensitive; LF, CR or
//    CRLF line ends; a UTF-8 byte order mark is skipped. Lines that do not
//    match the grammar are ignored, so binary garbage yields no rules and
//    allows everything.
//  * Limits (§2.5): only the first 500 KiB are parsed, cut back to the last
//    complete line so a half-read rule can never widen or narrow a real one.
//
// Departures, each deliberate:
//  * A key without a colon (`Disallow /x`) is ignored, as the RFC grammar
//    requires; google/robotstxt accepts it. Misspelt keys are ignored too.
//  * A pattern that starts with neither `/` nor `*` gets a leading `/`, as in
//    google/robotstxt: the author meant a path (the RFC's own §5.1 example,
//    `Disallow: *.gif$`, already breaks its grammar).
//  * A user-agent line's value is cut to its leading product token
//    ("Googlebot/2.1" names "googlebot"), as google/robotstxt does.
//  * `Crawl-delay` (not in the RFC, widely used) is read from the matched
//    group; invalid values are ignored, the largest value of merged groups is
//    kept, and it is capped at kMaxCrawlDelaySeconds. A leading number is
//    accepted ("1`" → 1 s) because honouring a sloppy delay is the polite side.
//  * `Sitemap:` lines (§2.2.4 "other records") are collected wherever they
//    appear, in order, without duplicates.
//  * HTTP status handling (§2.3.1) is the fetcher's job; ForStatus() maps a
//    status to rules, and treats 429 as "unreachable" (see there).
//
// Entry points: RobotsRules::Parse, RobotsRules::ForStatus, RobotsRules::Allowed.
// ---------------------------------------------------------------------------
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

// RFC 9309 §2.5: crawlers must parse at least 500 KiB; we stop there.
inline constexpr size_t kRobotsMaxBytes = size_t{500} * 1024;
// A larger Crawl-delay would stall a 10-page crawl for minutes; past this we
// stop asking the site's opinion and just stay slow.
inline constexpr double kMaxCrawlDelaySeconds = 30.0;

// The rules of one robots.txt, already narrowed to one user agent.
// Immutable after construction; safe to share between threads.
class RobotsRules {
 public:
  // Parses `body` for the crawler whose User-Agent header is `user_agent`.
  // Never fails: garbage yields no rules, i.e. everything allowed.
  // Cost: linear in min(body size, kRobotsMaxBytes).
  static RobotsRules Parse(std::string_view body, std::string_view user_agent);

  // Everything allowed: robots.txt is "unavailable" (RFC 9309 §2.3.1.3).
  static RobotsRules AllowAll();
  // Everything but /robots.txt disallowed: robots.txt is "unreachable"
  // (RFC 9309 §2.3.1.4).
  static RobotsRules DisallowAll();

  // Rules for a robots.txt fetch that ended without a body to parse:
  //  * 400-499 except 429 → AllowAll (§2.3.1.3, "unavailable").
  //  * 429, 500-599, and 0 or negative (network failure, timeout) →
  //    DisallowAll (§2.3.1.4, "unreachable"). The RFC files 429 under 4xx;
  //    we follow Google and Bing in reading "Too Many Requests" as the server
  //    asking us to back off, never as licence to crawl everything.
  //  * 300-399 (redirects exhausted, §2.3.1.2 allows treating as
  //    unavailable) → AllowAll.
  //  * 200-299: the caller should have called Parse(body); an empty 2xx
  //    means no rules → AllowAll.
  // Cannot fail.
  static RobotsRules ForStatus(int http_status);

  // True when the crawler may fetch `path_and_query` ("/a/b?x=1"; a missing
  // leading "/" is added, an empty string means "/"). Cannot fail.
  // Cost: O(rules × path length) in the worst case (patterns with `*`).
  bool Allowed(std::string_view path_and_query) const;

  // Seconds between requests asked by the matched group, if it asked.
  std::optional<double> crawl_delay() const { return crawl_delay_; }

  // Sitemap URLs listed anywhere in the file, as written, in file order.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

  // Number of allow/disallow rules that apply to this agent (for logs, tests).
  size_t rule_count() const { return rules_.size(); }

  struct Rule {
    std::string pattern;  // normalized (see banner); may hold `*`, trailing `$`
    bool allow = false;
  };

 private:
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
  std::vector<std::string> sitemaps_;
};

// Brings a path or pattern to the single percent-encoded form used for
// matching (see the banner). Exposed for tests. Cannot fail.
std::string NormalizeRobotsPath(std::string_view path);

}  // namespace trawl
