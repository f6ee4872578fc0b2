// One domain's crawl: origin discovery, robots.txt, the home page, then the
// best-ranked same-site pages. See domain_crawl.h for the contract.
#include "crawl/domain_crawl.h"

#include <algorithm>
#include <chrono>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "core/url.h"
#include "crawl/page_ranker.h"
#include "crawl/sitemap.h"
#include "extract/document.h"
#include "extract/extractor.h"
#include "fetch/charset.h"
#include "fetch/robots.h"

namespace trawl {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRedirects = 5;
constexpr int64_t kRobotsCapBytes = int64_t{512} * 1024;  // RFC 9309 §2.5 asks for >= 500 KiB
constexpr int64_t kSitemapCapBytes = 1 << 20;
// A link scoring this high is contact-like enough that the sitemap is not needed.
constexpr double kContactLikeScore = 50.0;
// Links below this (ContactScore's "any other page": services, gallery, blog)
// rarely add contact data the footer has not shown already; fetching them
// would double the requests per domain for little gain.
constexpr double kMinLinkScore = 20.0;

struct Origin {
  enum class State { kPending, kReady, kFailed } state = State::kPending;
  RobotsRules rules = RobotsRules::AllowAll();
  Error error;
  std::vector<std::function<void()>> waiters;
};

struct Candidate {
  double score = 0;
  int order = 0;
  std::string url;
  bool operator<(const Candidate& o) const {
    return score != o.score ? score < o.score : order > o.order;
  }
};

// Splits a URL already in NormalizeUrl's form (lower-case scheme and host,
// no default port, a path) without a full parse: the crawler does this for
// every link of every page. Returns false when `url` is not in that form.
bool SplitNormalized(std::string_view url, std::string* origin, std::string* path_and_query,
                     std::string* host) {
  size_t start = url.starts_with("https://") ? 8 : url.starts_with("http://") ? 7 : 0;
  if (start == 0) return false;
  size_t slash = url.find('/', start);
  if (slash == std::string_view::npos) return false;
  std::string_view authority = url.substr(start, slash - start);
  if (authority.empty() || authority.find_first_of("@?#") != std::string_view::npos) return false;
  size_t host_end = authority.size();
  if (authority.front() == '[') {
    host_end = authority.find(']');
    if (host_end == std::string_view::npos) return false;
    ++host_end;
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host_end = colon;
  }
  for (char c : authority.substr(0, host_end)) {
    if (c >= 'A' && c <= 'Z') return false;  // not normalized: take the slow path
  }
  if (origin) origin->assign(url.substr(0, slash));
  if (path_and_query) path_and_query->assign(url.substr(slash));
  if (host) host->assign(authority.substr(0, host_end));
  return true;
}

// "https://host[:port]" of an absolute URL, or "" if it does not parse.
std::string OriginOf(const std::string& url, std::string* path_and_query = nullptr,
                     std::string* host = nullptr) {
  std::string fast;
  if (SplitNormalized(url, &fast, path_and_query, host)) return fast;
  auto p = ParseUrl(url);
  if (!p) return {};
  if (path_and_query) *path_and_query = p->query.empty() ? p->path : p->path + "?" + p->query;
  if (host) *host = p->host;
  std::string o = p->scheme + "://" + p->host;
  if (p->port != 0) o += ":" + std::to_string(p->port);
  return o;
}

// Origin failures after which the next origin candidate is worth a try.
bool TryNextOrigin(ErrorCode c) {
  return c == ErrorCode::kDnsFailure || c == ErrorCode::kConnectFailed ||
         c == ErrorCode::kTlsError || c == ErrorCode::kBlockedAddress ||
         c == ErrorCode::kProtocolError;
}

// Which of two origin failures explains the domain's failure better: the one
// that got further (a TLS error means something answered; DNS means nothing).
int ErrorRank(ErrorCode c) {
  switch (c) {
    case ErrorCode::kDnsFailure:
      return 1;
    case ErrorCode::kConnectFailed:
      return 2;
    case ErrorCode::kProtocolError:
      return 3;
    case ErrorCode::kTlsError:
      return 4;
    case ErrorCode::kBlockedAddress:
      return 6;
    default:
      return 5;
  }
}

}  // namespace

struct DomainCrawl::State {
  Fetcher& fetcher;
  const CrawlOptions opts;  // a copy: a task may carry its own max_pages
  Domain domain;
  Done done;
  Profile profile;
  ProfileBuilder builder;
  Clock::time_point start = Clock::now();
  Clock::time_point deadline;
  std::unordered_map<std::string, Origin> origins;
  std::vector<std::string> origin_candidates;
  std::optional<Error> best_origin_error;
  std::optional<Error> fatal;
  int outstanding = 0;
  int pages_started = 0;
  int pages_in_flight = 0;
  bool home_done = false;
  bool delivered = false;
  bool sitemap_tried = false;
  std::string site_domain;  // registrable domain of the home page's final host
  std::unordered_set<std::string> seen;
  std::priority_queue<Candidate> queue;
  int order = 0;
  std::vector<Document> docs;  // parsed pages, extracted together at the end

  State(Fetcher& f, const CrawlOptions& o, Domain d, Done cb)
      : fetcher(f), opts(o), domain(std::move(d)), done(std::move(cb)), builder(domain.ascii) {}

  void Request(FetchRequest req, std::function<void(FetchResponse&&)> then);
  void GetRobots(const std::string& origin, std::function<void()> then);
  void TryOrigin(size_t i);
  void FetchHome(const std::string& url, int hops);
  void OnHome(FetchResponse&& r, int hops);
  const Document& AcceptPage(const FetchResponse& r);
  void ExtractAll();
  void AddLinks(const Document& doc, double bonus);
  void MaybeSitemap(const std::string& origin);
  void ScheduleMore();
  void OnPage(FetchResponse&& r, double score);
  void Fail(Error e);
  void Visit(const FetchResponse& r);
  bool SameSite(const std::string& host) const;
  void MaybeDeliver();
};

// ===== plumbing ============================================================

void DomainCrawl::State::Request(FetchRequest req, std::function<void(FetchResponse&&)> then) {
  ++outstanding;
  fetcher.Fetch(std::move(req), [this, then = std::move(then)](FetchResponse&& r) {
    --outstanding;
    if (!fatal) then(std::move(r));
    MaybeDeliver();
  });
}

void DomainCrawl::State::Fail(Error e) {
  if (!fatal) fatal = std::move(e);
}

void DomainCrawl::State::Visit(const FetchResponse& r) {
  profile.pages.push_back(PageVisit{r.url, r.status, static_cast<int64_t>(r.body.size()), r.ms});
}

bool DomainCrawl::State::SameSite(const std::string& host) const {
  return HostWithinDomain(host, domain.ascii) ||
         (!site_domain.empty() && HostWithinDomain(host, site_domain));
}

void DomainCrawl::State::MaybeDeliver() {
  if (delivered || outstanding > 0) return;
  if (!fatal && !home_done) return;  // still discovering; a request is queued
  delivered = true;
  auto now = Clock::now();
  profile.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count();
  if (fatal) {
    profile.error = fatal;
  } else {
    ExtractAll();
  }
  done(std::move(profile));
}

// Pages arrive in whatever order the network gives; extracting them in a
// fixed order (the home page, then by URL) makes the same site give the same
// profile, value order included, on every run.
void DomainCrawl::State::ExtractAll() {
  const std::string& home = profile.final_url;
  std::stable_sort(docs.begin(), docs.end(), [&home](const Document& a, const Document& b) {
    bool ha = a.url == home;
    bool hb = b.url == home;
    if (ha != hb) return ha;
    return a.url < b.url;
  });
  for (Document& d : docs) builder.AddPage(std::move(d));
  docs.clear();
  builder.Finish(profile);
}

// ===== robots.txt ==========================================================

void DomainCrawl::State::GetRobots(const std::string& origin, std::function<void()> then) {
  auto [it, inserted] = origins.try_emplace(origin);
  Origin& o = it->second;
  if (!inserted) {
    if (o.state == Origin::State::kPending)
      o.waiters.push_back(std::move(then));
    else
      then();
    return;
  }
  o.waiters.push_back(std::move(then));
  FetchRequest req;
  req.url = origin + "/robots.txt";
  req.truncate_at_cap = true;
  req.max_body_bytes = kRobotsCapBytes;
  req.follow_redirects = true;  // RFC 9309 §2.3.1.2: follow at least five hops
  std::string host;
  OriginOf(req.url, nullptr, &host);
  // The callback runs even after a fatal error so that waiters are released.
  ++outstanding;
  fetcher.Fetch(std::move(req), [this, origin, host](FetchResponse&& r) {
    --outstanding;
    Origin& o = origins[origin];
    if (r.error) {
      o.state = Origin::State::kFailed;
      o.error = *r.error;
    } else {
      o.state = Origin::State::kReady;
      if (r.status >= 200 && r.status < 300) {
        o.rules = RobotsRules::Parse(r.body, fetcher.options().user_agent);
      } else if (r.status >= 300 && r.status < 400) {
        o.rules = RobotsRules::AllowAll();  // more than five hops: RFC 9309 says treat as 404
      } else {
        o.rules = RobotsRules::ForStatus(r.status);
      }
      if (auto delay = o.rules.crawl_delay()) {
        auto ms = std::min<int64_t>(static_cast<int64_t>(*delay * 1000), opts.max_crawl_delay_ms);
        fetcher.SetHostDelay(host, std::chrono::milliseconds(ms));
      }
    }
    auto waiters = std::move(o.waiters);
    o.waiters.clear();
    if (!fatal) {
      for (auto& w : waiters) w();
    }
    MaybeDeliver();
  });
}

// ===== origin and home page ================================================

void DomainCrawl::State::TryOrigin(size_t i) {
  if (i >= origin_candidates.size()) {
    Fail(best_origin_error.value_or(Error{ErrorCode::kConnectFailed, "no origin answered"}));
    return;
  }
  const std::string origin = origin_candidates[i];
  GetRobots(origin, [this, origin, i] {
    const Origin& o = origins[origin];
    if (o.state == Origin::State::kFailed) {
      if (!best_origin_error || ErrorRank(o.error.code) > ErrorRank(best_origin_error->code)) {
        best_origin_error = o.error;
        best_origin_error->message = origin + "/robots.txt: " + o.error.message;
      }
      if (!TryNextOrigin(o.error.code)) {
        Fail(*best_origin_error);
        return;
      }
      size_t next = i + 1;
      // A name that does not resolve over https will not resolve over http.
      if (o.error.code == ErrorCode::kDnsFailure && next % 2 == 1) ++next;
      TryOrigin(next);
      return;
    }
    FetchHome(origin + "/", 0);
  });
}

void DomainCrawl::State::FetchHome(const std::string& url, int hops) {
  std::string path;
  std::string origin = OriginOf(url, &path);
  const Origin& o = origins[origin];
  if (o.state == Origin::State::kFailed) {
    Fail(Error{o.error.code, url + ": " + o.error.message});
    return;
  }
  if (!o.rules.Allowed(path)) {
    Fail(Error{ErrorCode::kRobotsDisallowed, "robots.txt of " + origin + " disallows " + path});
    return;
  }
  if (pages_started >= opts.max_pages) {
    Fail(Error{ErrorCode::kTooManyRedirects, "page cap reached while following redirects"});
    return;
  }
  ++pages_started;
  seen.insert(url);
  FetchRequest req;
  req.url = url;
  req.html_only = true;
  Request(std::move(req), [this, hops](FetchResponse&& r) { OnHome(std::move(r), hops); });
}

void DomainCrawl::State::OnHome(FetchResponse&& r, int hops) {
  Visit(r);
  if (r.error) {
    Fail(Error{r.error->code, r.url + ": " + r.error->message});
    return;
  }
  if (r.status >= 300 && r.status < 400) {
    auto next = r.location.empty() ? Result<std::string>(trawl::Fail(ErrorCode::kHttpError, ""))
                                   : NormalizeUrl(r.location);
    if (!next) {
      Fail(Error{ErrorCode::kHttpError,
                 r.url + " answered " + std::to_string(r.status) + " without a usable Location"});
      return;
    }
    if (hops + 1 > kMaxRedirects || seen.count(*next)) {
      Fail(Error{ErrorCode::kTooManyRedirects,
                 "redirect loop or more than 5 redirects at " + r.url});
      return;
    }
    std::string target = *next;
    GetRobots(OriginOf(target), [this, target, hops] { FetchHome(target, hops + 1); });
    return;
  }
  if (r.status >= 400 || r.status < 200) {
    Fail(Error{ErrorCode::kHttpError,
               "home page " + r.url + " answered HTTP " + std::to_string(r.status)});
    return;
  }
  const Document& doc = AcceptPage(r);
  if (!doc.meta_refresh.empty() && doc.meta_refresh != r.url && hops < kMaxRedirects &&
      !seen.count(doc.meta_refresh)) {
    std::string target = doc.meta_refresh;
    std::string host;
    OriginOf(target, nullptr, &host);
    if (HostWithinDomain(host, domain.ascii) || HostWithinDomain(host, site_domain)) {
      GetRobots(OriginOf(target), [this, target, hops] { FetchHome(target, hops + 1); });
      return;
    }
  }
  if (r.body.find('<') == std::string::npos) {
    Fail(Error{ErrorCode::kNoHtml, "home page " + r.url + " holds no HTML"});
    return;
  }
  home_done = true;
  profile.final_url = r.url;
  AddLinks(doc, 0);
  MaybeSitemap(OriginOf(r.url));
  ScheduleMore();
}

// Decodes and parses one fetched page and keeps it for extraction at the end.
// The reference stays valid until the next AcceptPage (callbacks only).
const Document& DomainCrawl::State::AcceptPage(const FetchResponse& r) {
  auto utf8 = ToUtf8IfNeeded(r.body, r.content_type);  // nullopt: the body is UTF-8 already
  docs.push_back(ParseHtml(utf8 ? *utf8 : r.body, r.url));
  std::string host;
  OriginOf(r.url, nullptr, &host);
  if (site_domain.empty()) site_domain = RegistrableDomain(host);
  return docs.back();
}

// ===== further pages =======================================================

void DomainCrawl::State::AddLinks(const Document& doc, double bonus) {
  for (const Link& link : doc.links) {
    if (link.url.empty() || seen.count(link.url)) continue;
    std::string host;
    if (OriginOf(link.url, nullptr, &host).empty() || !SameSite(host)) continue;
    if (!LooksLikeHtmlUrl(link.url)) continue;
    double score = ContactScore(link.url, link.text);
    if (score < kMinLinkScore) continue;
    seen.insert(link.url);
    queue.push(Candidate{score + bonus, order++, link.url});
  }
}

void DomainCrawl::State::MaybeSitemap(const std::string& origin) {
  if (!opts.use_sitemap || sitemap_tried) return;
  if (!queue.empty() && queue.top().score >= kContactLikeScore) return;
  sitemap_tried = true;
  std::string url = origin + "/sitemap.xml";
  for (const auto& s : origins[origin].rules.sitemaps()) {
    std::string host;
    if (!OriginOf(s, nullptr, &host).empty() && SameSite(host)) {
      url = s;
      break;
    }
  }
  FetchRequest req;
  req.url = url;
  req.truncate_at_cap = true;
  req.max_body_bytes = kSitemapCapBytes;
  req.follow_redirects = true;
  Request(std::move(req), [this](FetchResponse&& r) {
    if (r.error || r.status < 200 || r.status >= 300) return;
    SitemapEntries entries = ParseSitemap(r.body, 5000);
    for (const auto& u : entries.urls) {
      auto norm = NormalizeUrl(u);
      if (!norm || seen.count(*norm)) continue;
      std::string host;
      OriginOf(*norm, nullptr, &host);
      if (!SameSite(host) || !LooksLikeHtmlUrl(*norm)) continue;
      double score = ContactScore(*norm, "");
      if (score < kMinLinkScore) continue;
      seen.insert(*norm);
      queue.push(Candidate{score, order++, *norm});
    }
    ScheduleMore();
  });
}

void DomainCrawl::State::ScheduleMore() {
  int per_domain = std::max(1, fetcher.options().per_host);
  while (!fatal && pages_in_flight < per_domain && pages_started < opts.max_pages &&
         !queue.empty() && Clock::now() < deadline) {
    Candidate c = queue.top();
    queue.pop();
    std::string path;
    std::string origin = OriginOf(c.url, &path);
    auto it = origins.find(origin);
    if (it == origins.end() || it->second.state == Origin::State::kPending) {
      // Learn this origin's robots.txt first, then reconsider the candidate.
      GetRobots(origin, [this, c] {
        queue.push(c);
        ScheduleMore();
      });
      continue;
    }
    if (it->second.state == Origin::State::kFailed || !it->second.rules.Allowed(path)) continue;
    ++pages_started;
    ++pages_in_flight;
    FetchRequest req;
    req.url = c.url;
    req.html_only = true;
    double score = c.score;
    Request(std::move(req), [this, score](FetchResponse&& r) { OnPage(std::move(r), score); });
  }
}

void DomainCrawl::State::OnPage(FetchResponse&& r, double score) {
  --pages_in_flight;
  Visit(r);
  if (!r.error && r.status >= 300 && r.status < 400 && !r.location.empty()) {
    auto next = NormalizeUrl(r.location);
    std::string host;
    if (next && !seen.count(*next) && !OriginOf(*next, nullptr, &host).empty() && SameSite(host)) {
      seen.insert(*next);
      queue.push(Candidate{score, order++, *next});
    }
  } else if (!r.error && r.status >= 200 && r.status < 300) {
    AddLinks(AcceptPage(r),
             -1);  // links found deeper rank just below equal ones from the home page
  }
  ScheduleMore();
}

// ===== the class ===========================================================

DomainCrawl::DomainCrawl(Fetcher& fetcher, const CrawlOptions& options, Domain domain,
                         int input_index, Done done)
    : s_(std::make_unique<State>(fetcher, options, std::move(domain), std::move(done))) {
  s_->profile.domain = s_->domain.ascii;
  s_->profile.input_index = input_index;
  s_->deadline = s_->start + std::chrono::milliseconds(options.domain_timeout_ms);
  const std::string& d = s_->domain.ascii;
  s_->origin_candidates = {"https://" + d, "http://" + d, "https://www." + d, "http://www." + d};
}

DomainCrawl::~DomainCrawl() = default;

void DomainCrawl::Start() {
  s_->TryOrigin(0);
  s_->MaybeDeliver();
}

bool DomainCrawl::finished() const { return s_->delivered; }

}  // namespace trawl
