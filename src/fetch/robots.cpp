// robots.txt parsing and matching (RFC 9309). See robots.h for the departures.
#include "fetch/robots.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/text.h"

namespace trawl {
namespace {

// Sitemap lines are collected from untrusted input; a file listing more than
// this is not telling us anything useful.
constexpr size_t kMaxSitemaps = 1000;

// RFC 9309 §2.2: whitespace (WS) is SP and HTAB only.
bool IsWs(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) { return TrimBytes(s, " \t"); }

// RFC 9309 §2.2.1: a product token is letters, '_' and '-'.
bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

std::string_view LeadingToken(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsTokenChar(s[n])) ++n;
  return s.substr(0, n);
}

// RFC 3986 §2.3.
bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendEscaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 15]);
}

// Drops everything after the last complete line within the parse limit, and
// a leading UTF-8 byte order mark.
std::string_view Bounded(std::string_view body) {
  if (body.size() > kRobotsMaxBytes) {
    body = body.substr(0, kRobotsMaxBytes);
    size_t end = body.find_last_of("\r\n");
    body = end == std::string_view::npos ? std::string_view() : body.substr(0, end + 1);
  }
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  return body;
}

// Crawl-delay: a leading non-negative finite decimal number, capped.
std::optional<double> ParseDelay(std::string_view value) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end == value.data()) return std::nullopt;
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return std::min(seconds, kMaxCrawlDelaySeconds);
}

// Matches a normalized pattern against a normalized path. The pattern is a
// prefix pattern: `*` matches any run of octets, a trailing `$` requires the
// path to end there. Leftmost placement of each literal piece is optimal, so
// no backtracking is needed.
bool PatternMatches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  size_t star = pattern.find('*');
  std::string_view first = pattern.substr(0, star);
  if (!path.starts_with(first)) return false;
  if (star == std::string_view::npos) return !anchored || path.size() == first.size();
  size_t pos = first.size();
  std::string_view rest = pattern.substr(star + 1);
  while (true) {
    star = rest.find('*');
    std::string_view piece = rest.substr(0, star);
    if (star == std::string_view::npos) {  // the last piece
      if (!anchored) return path.find(piece, pos) != std::string_view::npos;
      return path.size() >= pos + piece.size() && path.ends_with(piece);
    }
    size_t at = path.find(piece, pos);
    if (at == std::string_view::npos) return false;
    pos = at + piece.size();
    rest = rest.substr(star + 1);
  }
}

// The line-by-line state machine of RFC 9309 §2.1: groups open with a run of
// user-agent lines and close at the next user-agent line after a rule.
class Parser {
 public:
  explicit Parser(std::string_view user_agent) : token_(LeadingToken(user_agent)) {}

  void Line(std::string_view line) {
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;  // RFC grammar: key ":" value
    std::string_view key = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreAsciiCase(key, "user-agent")) {
      UserAgent(value);
    } else if (EqualsIgnoreAsciiCase(key, "allow")) {
      AddRule(value, true);
    } else if (EqualsIgnoreAsciiCase(key, "disallow")) {
      AddRule(value, false);
    } else if (EqualsIgnoreAsciiCase(key, "crawl-delay")) {
      CrawlDelay(value);
    } else if (EqualsIgnoreAsciiCase(key, "sitemap")) {
      Sitemap(value);
    }
    // Other records (§2.2.4) neither add rules nor close a group.
  }

  // The agent's rules: its own groups if any exist (even empty), else `*`.
  std::vector<RobotsRules::Rule>& rules() { return saw_ours_ ? ours_ : star_; }
  std::optional<double> delay() const { return saw_ours_ ? delay_ours_ : delay_star_; }
  std::vector<std::string>& sitemaps() { return sitemaps_; }

 private:
  void UserAgent(std::string_view value) {
    if (!in_agent_lines_) {
      in_agent_lines_ = true;
      group_ours_ = group_star_ = false;
    }
    if (!value.empty() && value[0] == '*' && (value.size() == 1 || IsWs(value[1]))) {
      group_star_ = saw_star_ = true;
      return;
    }
    std::string_view token = LeadingToken(value);
    if (!token.empty() && EqualsIgnoreAsciiCase(token, token_)) group_ours_ = saw_ours_ = true;
  }

  void AddRule(std::string_view value, bool allow) {
    in_agent_lines_ = false;
    if (value.empty() || !(group_ours_ || group_star_)) return;  // §2.2.2: empty = no rule
    std::string pattern = NormalizeRobotsPath(value);
    if (pattern[0] != '/' && pattern[0] != '*') pattern.insert(0, 1, '/');
    if (group_ours_) ours_.push_back({pattern, allow});
    if (group_star_) star_.push_back({std::move(pattern), allow});
  }

  void CrawlDelay(std::string_view value) {
    in_agent_lines_ = false;
    std::optional<double> d = ParseDelay(value);
    if (!d) return;
    auto keep_max = [&](std::optional<double>& slot) { slot = std::max(slot.value_or(0), *d); };
    if (group_ours_) keep_max(delay_ours_);
    if (group_star_) keep_max(delay_star_);
  }

  void Sitemap(std::string_view value) {
    if (value.empty() || sitemaps_.size() >= kMaxSitemaps) return;
    if (std::find(sitemaps_.begin(), sitemaps_.end(), value) != sitemaps_.end()) return;
    sitemaps_.emplace_back(value);
  }

  std::string_view token_;  // our product token, compared case-insensitively
  bool in_agent_lines_ = false;
  bool group_ours_ = false;
  bool group_star_ = false;
  bool saw_ours_ = false;
  bool saw_star_ = false;
  std::vector<RobotsRules::Rule> ours_;
  std::vector<RobotsRules::Rule> star_;
  std::optional<double> delay_ours_;
  std::optional<double> delay_star_;
  std::vector<std::string> sitemaps_;
};

}  // namespace

std::string NormalizeRobotsPath(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 8);
  for (size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (c == '%' && i + 2 < path.size() && HexDigitValue(path[i + 1]) >= 0 &&
        HexDigitValue(path[i + 2]) >= 0) {
      auto v =
          static_cast<unsigned char>(HexDigitValue(path[i + 1]) * 16 + HexDigitValue(path[i + 2]));
      if (IsUnreserved(v)) {
        out.push_back(static_cast<char>(v));
      } else {
        AppendEscaped(out, v);
      }
      i += 2;
    } else if (c <= 0x20 || c >= 0x7F) {
      AppendEscaped(out, c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view user_agent) {
  body = Bounded(body);
  Parser parser(user_agent);
  while (!body.empty()) {
    size_t end = body.find_first_of("\r\n");
    parser.Line(body.substr(0, end));
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 1);
  }
  RobotsRules rules;
  rules.rules_ = std::move(parser.rules());
  rules.crawl_delay_ = parser.delay();
  rules.sitemaps_ = std::move(parser.sitemaps());
  return rules;
}

RobotsRules RobotsRules::AllowAll() { return RobotsRules(); }

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.rules_.push_back({"/", false});
  return rules;
}

RobotsRules RobotsRules::ForStatus(int http_status) {
  if (http_status == 429 || http_status >= 500 || http_status <= 0) return DisallowAll();
  return AllowAll();
}

bool RobotsRules::Allowed(std::string_view path_and_query) const {
  std::string path = NormalizeRobotsPath(path_and_query);
  if (path.empty() || path[0] != '/') path.insert(0, 1, '/');
  // §2.2.2: the robots.txt file itself is implicitly allowed.
  if (path == "/robots.txt" || path.starts_with("/robots.txt?")) return true;
  size_t best_len = 0;
  bool matched = false;
  bool best_allow = true;
  for (const Rule& rule : rules_) {
    if (!PatternMatches(rule.pattern, path)) continue;
    size_t len = rule.pattern.size();
    if (!matched || len > best_len || (len == best_len && rule.allow)) {
      best_len = len;
      best_allow = rule.allow;
      matched = true;
    }
  }
  return !matched || best_allow;
}

}  // namespace trawl
