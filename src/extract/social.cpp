// Social links: URL shape rules per network, then a per-network choice.
#include "extract/social.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/domain.h"
#include "core/text.h"
#include "core/url.h"

namespace trawl {
namespace {

bool HostIs(std::string_view host, std::string_view domain) {
  return HostWithinDomain(host, domain);
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool In(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool HandleChars(std::string_view s, std::string_view extra) {
  if (s.empty() || s.size() > 100) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos ||
           static_cast<unsigned char>(c) >= 0x80;
  });
}

// The platforms', site builders' and template makers' own accounts.
bool IsPlatformHandle(std::string_view handle) {
  return In(handle, {"wix",
                     "wixcom",
                     "wix.com",
                     "squarespace",
                     "wordpress",
                     "wordpressdotcom",
                     "godaddy",
                     "shopify",
                     "weebly",
                     "jimdo",
                     "webflow",
                     "elementor",
                     "hostinger",
                     "ionos",
                     "1and1",
                     "strato",
                     "duda",
                     "site123",
                     "zyro",
                     "wpengine",
                     "themeforest",
                     "envato",
                     "pixelarity",
                     "html5up",
                     "templatemo",
                     "bootstrap",
                     "twbs",
                     "getbootstrap",
                     "fontawesome",
                     "facebook",
                     "twitter",
                     "instagram",
                     "youtube",
                     "linkedin",
                     "google",
                     "github",
                     "tiktok",
                     "x",
                     "jquery",
                     "cloudflare",
                     "vercel",
                     "netlify",
                     "hubspot",
                     "mailchimp",
                     "canva",
                     "bluehost",
                     "siteground",
                     "gandi",
                     "tailwindcss",
                     "colorlib",
                     "themeisle",
                     "wpbakery",
                     "divi",
                     "elegantthemes",
                     "yoast",
                     "jetpack",
                     "automattic",
                     "wixstudio",
                     "squarespacehelp",
                     "weebly_com",
                     "sharer",
                     "share",
                     "intent",
                     "home"});
}

std::optional<SocialLink> Make(std::string network, std::string url, std::string_view handle) {
  std::string h = AsciiLower(handle);
  if (!h.empty() && h.front() == '@') h.erase(0, 1);
  if (IsPlatformHandle(h)) return std::nullopt;
  return SocialLink{std::move(network), std::move(url), std::move(h)};
}

std::optional<SocialLink> LinkedIn(const std::vector<std::string_view>& seg) {
  if (seg.size() < 2) return std::nullopt;
  std::string kind = AsciiLower(seg[0]);
  if (!In(kind, {"company", "in", "school", "showcase"}) || !HandleChars(seg[1], "-_.%&"))
    return std::nullopt;
  return Make("linkedin", "https://www.linkedin.com/" + kind + "/" + std::string(seg[1]), seg[1]);
}

std::optional<SocialLink> Twitter(const std::vector<std::string_view>& seg) {
  if (seg.empty()) return std::nullopt;
  std::string_view h = seg[0];
  if (h.starts_with("@")) h.remove_prefix(1);
  std::string low = AsciiLower(h);
  if (In(low, {"intent", "share", "home", "search", "hashtag", "i", "login", "signup", "privacy",
               "tos", "explore", "settings", "messages", "notifications", "compose", "widgets",
               "widgets.js", "about", "download"})) {
    return std::nullopt;
  }
  if (h.size() > 15 || !HandleChars(h, "_")) return std::nullopt;
  return Make("twitter", "https://twitter.com/" + std::string(h), h);
}

std::optional<SocialLink> Facebook(const std::vector<std::string_view>& seg,
                                   std::string_view query) {
  if (seg.empty()) return std::nullopt;
  std::string first = AsciiLower(seg[0]);
  if (first == "profile.php") {
    size_t at = query.find("id=");
    if (at == std::string_view::npos || (at > 0 && query[at - 1] != '&')) return std::nullopt;
    std::string_view id = query.substr(at + 3);
    id = id.substr(0, id.find('&'));
    if (id.empty() || !std::all_of(id.begin(), id.end(), ::isdigit)) return std::nullopt;
    return Make("facebook", "https://www.facebook.com/profile.php?id=" + std::string(id), id);
  }
  if (In(first, {"p", "groups", "pg"}) && seg.size() >= 2) {
    return Make("facebook", "https://www.facebook.com/" + first + "/" + std::string(seg[1]),
                seg[1]);
  }
  if (In(first, {"pages", "people"}) && seg.size() >= 3) {
    return Make(
        "facebook",
        "https://www.facebook.com/" + first + "/" + std::string(seg[1]) + "/" + std::string(seg[2]),
        seg[1]);
  }
  if (In(first,
         {"sharer",      "sharer.php",  "share.php", "share",         "dialog",    "plugins",
          "tr",          "hashtag",     "watch",     "policy",        "policies",  "policy.php",
          "legal",       "help",        "login",     "login.php",     "privacy",   "photo.php",
          "photo",       "photos",      "story.php", "permalink.php", "home.php",  "business",
          "ads",         "marketplace", "gaming",    "settings",      "events",    "pages",
          "people",      "groups",      "p",         "l.php",         "video.php", "reel",
          "media",       "notes",       "terms",     "cookies",       "about",     "careers",
          "fundraisers", "search",      "watch.php"})) {
    return std::nullopt;
  }
  if (!HandleChars(seg[0], ".-_")) return std::nullopt;
  return Make("facebook", "https://www.facebook.com/" + std::string(seg[0]), seg[0]);
}

std::optional<SocialLink> Instagram(const std::vector<std::string_view>& seg) {
  if (seg.empty()) return std::nullopt;
  std::string first = AsciiLower(seg[0]);
  if (In(first, {"p", "reel", "reels", "explore", "stories", "accounts", "tv", "direct", "about",
                 "legal", "developer", "web", "share", "sharer", "embed", "embed.js"}) ||
      seg[0].size() > 30 || !HandleChars(seg[0], "._")) {
    return std::nullopt;
  }
  return Make("instagram", "https://www.instagram.com/" + std::string(seg[0]), seg[0]);
}

std::optional<SocialLink> YouTube(const std::vector<std::string_view>& seg) {
  if (seg.empty()) return std::nullopt;
  std::string first = AsciiLower(seg[0]);
  if (In(first, {"channel", "c", "user"})) {
    if (seg.size() < 2 || !HandleChars(seg[1], "-_.")) return std::nullopt;
    return Make("youtube", "https://www.youtube.com/" + first + "/" + std::string(seg[1]), seg[1]);
  }
  if (seg[0].starts_with("@") && HandleChars(seg[0].substr(1), "-_.")) {
    return Make("youtube", "https://www.youtube.com/" + std::string(seg[0]), seg[0]);
  }
  if (In(first, {"watch",
                 "embed",
                 "results",
                 "playlist",
                 "feed",
                 "shorts",
                 "t",
                 "about",
                 "howyoutubeworks",
                 "redirect",
                 "premium",
                 "kids",
                 "live",
                 "v",
                 "subscription_center",
                 "iframe_api",
                 "player_api",
                 "s",
                 "yt",
                 "gaming",
                 "account",
                 "signin",
                 "logout",
                 "upload",
                 "attribution_link"}) ||
      !HandleChars(seg[0], "-_.")) {
    return std::nullopt;
  }
  return Make("youtube", "https://www.youtube.com/" + std::string(seg[0]), seg[0]);
}

std::optional<SocialLink> GitHub(const std::vector<std::string_view>& seg) {
  if (seg.empty()) return std::nullopt;
  std::string first = AsciiLower(seg[0]);
  std::string_view user = seg[0];
  if (first == "orgs" && seg.size() >= 2)
    user = seg[1];
  else if (In(first, {"about",    "features", "pricing",    "login",        "join",
                      "sponsors", "site",     "security",   "topics",       "marketplace",
                      "explore",  "settings", "enterprise", "collections",  "trending",
                      "readme",   "contact",  "apps",       "orgs",         "customer-stories",
                      "team",     "home",     "new",        "notifications"})) {
    return std::nullopt;
  }
  if (!HandleChars(user, "-")) return std::nullopt;
  return Make("github", "https://github.com/" + std::string(user), user);
}

std::optional<SocialLink> TikTok(const std::vector<std::string_view>& seg) {
  if (seg.empty() || !seg[0].starts_with("@") || !HandleChars(seg[0].substr(1), "._"))
    return std::nullopt;
  return Make("tiktok", "https://www.tiktok.com/" + std::string(seg[0]), seg[0]);
}

std::string Alnum(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(AsciiLower(c));
  }
  return out;
}

// 3: same name; 2: one contains the other; 1: a 4+ letter common prefix.
int Resemblance(std::string_view handle, std::string_view name) {
  std::string h = Alnum(handle), n = Alnum(name);
  if (h.size() < 3 || n.size() < 3) return 0;
  if (h == n) return 3;
  if ((n.size() >= 4 && h.find(n) != std::string::npos) ||
      (h.size() >= 4 && n.find(h) != std::string::npos)) {
    return 2;
  }
  size_t p = 0;
  while (p < h.size() && p < n.size() && h[p] == n[p]) ++p;
  return p >= 4 ? 1 : 0;
}

std::string DomainLabel(std::string_view domain) {
  std::string reg = RegistrableDomain(domain);
  return reg.substr(0, reg.find('.'));
}

// True when `url` cannot have a host of the networks below: no "<label>.com"
// of theirs occurs in it in any case. ParseUrl costs far more than this scan,
// and most links a page holds are the site's own. Input ParseUrl would change
// before reading the host (tabs/newlines dropped, percent escapes, non-ASCII
// bytes) is never ruled out here.
bool CannotBeSocial(std::string_view url) {
  static constexpr std::string_view kLabels[] = {"linkedin",  "twitter", "x",      "facebook", "fb",
                                                 "instagram", "youtube", "github", "tiktok"};
  for (char c : url) {
    if (c == '\t' || c == '\n' || c == '\r' || c == '%' || static_cast<unsigned char>(c) >= 0x80)
      return false;
  }
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t dot = url.find('.'); dot != std::string_view::npos; dot = url.find('.', dot + 1)) {
    if (url.size() - dot < 4 || lower(url[dot + 1]) != 'c' || lower(url[dot + 2]) != 'o' ||
        lower(url[dot + 3]) != 'm') {
      continue;
    }
    for (std::string_view label : kLabels) {
      if (dot < label.size()) continue;
      std::string_view before = url.substr(dot - label.size(), label.size());
      if (std::equal(before.begin(), before.end(), label.begin(),
                     [&](char a, char b) { return lower(a) == b; })) {
        return false;
      }
    }
  }
  return true;
}

// CanonicalSocialUrl for a URL that may be social: parses it.
std::optional<SocialLink> CanonicalSocialUrlUncached(std::string_view url) {
  auto parts = ParseUrl(url);
  if (!parts) return std::nullopt;
  const std::string& host = parts->host;
  std::vector<std::string_view> seg = Segments(parts->path);
  if (HostIs(host, "linkedin.com")) return LinkedIn(seg);
  if (HostIs(host, "twitter.com") || HostIs(host, "x.com")) return Twitter(seg);
  if (HostIs(host, "facebook.com") || HostIs(host, "fb.com")) return Facebook(seg, parts->query);
  if (HostIs(host, "instagram.com")) return Instagram(seg);
  if (HostIs(host, "youtube.com")) return YouTube(seg);
  if (host == "github.com" || host == "www.github.com") return GitHub(seg);
  if (HostIs(host, "tiktok.com")) return TikTok(seg);
  return std::nullopt;
}

}  // namespace

std::optional<SocialLink> CanonicalSocialUrl(std::string_view url) {
  if (CannotBeSocial(url)) return std::nullopt;
  // A site links its profiles from every page's header or footer, and
  // ParseUrl (libcurl's parser) costs more than the rest of a page's social
  // links. Per thread, so no locking; bounded by clearing.
  constexpr size_t kMaxCached = 1024;
  thread_local std::unordered_map<std::string, std::optional<SocialLink>> cache;
  std::string key(url);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= kMaxCached) cache.clear();
  std::optional<SocialLink> link = CanonicalSocialUrlUncached(url);
  cache.emplace(std::move(key), link);
  return link;
}

std::vector<SocialCandidate> ExtractSocial(const Document& doc, const std::vector<LdNode>& ld,
                                           const DesignerCredits& credits) {
  std::vector<SocialCandidate> out;
  auto add = [&](std::string_view url, bool prominent) {
    auto link = CanonicalSocialUrl(url);
    if (!link) return;
    for (const std::string& d : credits.domains) {
      if (Resemblance(link->handle, DomainLabel(d)) >= 2) return;
    }
    out.push_back({std::move(*link), doc.url, prominent});
  };
  for (const Link& l : doc.links) {
    if (l.url.empty()) continue;
    if (std::find(credits.urls.begin(), credits.urls.end(), l.url) != credits.urls.end()) continue;
    add(l.url, l.in_footer || l.in_nav);
  }
  for (const LdNode& n : ld) {
    for (const auto& [k, v] : n.props) {
      if (k != "sameAs" && k != "url") continue;
      auto norm = NormalizeUrl(v);
      if (norm) add(*norm, true);
    }
  }
  for (const MicrodataProp& p : doc.microdata) {
    if (p.prop != "sameAs") continue;
    auto norm = ResolveUrl(doc.base_url, p.value);
    if (norm) add(*norm, true);
  }
  return out;
}

std::map<std::string, Sourced> ChooseSocial(const std::vector<SocialCandidate>& candidates,
                                            std::string_view own_domain,
                                            std::string_view company_name,
                                            const std::vector<std::string>& designer_domains) {
  struct Tally {
    const SocialCandidate* first = nullptr;
    int score = 0;
    int count = 0;
    bool prominent = false;
    size_t order = 0;
  };
  std::string label = DomainLabel(own_domain);
  std::map<std::string, std::vector<std::pair<std::string, Tally>>>
      by_network;  // network -> (lower url, tally)
  for (size_t i = 0; i < candidates.size(); ++i) {
    const SocialCandidate& c = candidates[i];
    bool designer = false;
    for (const std::string& d : designer_domains)
      designer = designer || Resemblance(c.link.handle, DomainLabel(d)) >= 2;
    if (designer) continue;
    auto& list = by_network[c.link.network];
    std::string key = AsciiLower(c.link.url);
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == key; });
    if (it == list.end()) {
      Tally t;
      t.first = &c;
      t.order = i;
      t.score =
          std::max(Resemblance(c.link.handle, label), Resemblance(c.link.handle, company_name));
      list.emplace_back(key, t);
      it = list.end() - 1;
    }
    it->second.count++;
    it->second.prominent = it->second.prominent || c.prominent;
  }
  std::map<std::string, Sourced> out;
  for (auto& [network, list] : by_network) {
    auto best = std::min_element(list.begin(), list.end(), [](const auto& a, const auto& b) {
      const Tally& x = a.second;
      const Tally& y = b.second;
      if (x.score != y.score) return x.score > y.score;
      if (x.prominent != y.prominent) return x.prominent;
      if (x.count != y.count) return x.count > y.count;
      return x.order < y.order;
    });
    out[network] = {best->second.first->link.url, best->second.first->source};
  }
  return out;
}

}  // namespace trawl
