// Email extraction: RE2 patterns compiled once, one pass per text block.
#include "extract/emails.h"

#include <libpsl.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "core/domain.h"
#include "core/text.h"
#include "extract/match_memo.h"
#include "extract/text_scan.h"

namespace trawl {
namespace {

const RE2& PlainPattern() {
  static const RE2 re(
      "([A-Za-z0-9][A-Za-z0-9._%+\\-]{0,63})@([A-Za-z0-9](?:[A-Za-z0-9\\-]{0,62}[A-Za-z0-9])?"
      "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,62}[A-Za-z0-9])?)+)");
  return re;
}

// "info [at] acme [dot] com", "info(at)acme(dot)com", "info at acme dot com".
const RE2& ObfuscatedPattern() {
  static const RE2 re(
      "(?i)([a-z0-9][a-z0-9._%+\\-]{0,63})\\s*(\\(at\\)|\\[at\\]|\\{at\\}|<at>|\\(@\\)|\\[@\\]|@|"
      "\\s+at\\s+)\\s*"
      "([a-z0-9\\-]+(?:\\s*(?:\\(dot\\)|\\[dot\\]|\\{dot\\}|<dot>|\\(\\.\\)|\\[\\.\\]|\\s+dot\\s+|"
      "\\.)\\s*"
      "[a-z0-9\\-]+){1,4})");
  return re;
}

const RE2& DotPattern() {
  static const RE2 re(
      "(?i)\\s*(?:\\(dot\\)|\\[dot\\]|\\{dot\\}|<dot>|\\(\\.\\)|\\[\\.\\]|\\s+dot\\s+|\\.)\\s*");
  return re;
}

bool EndsWithDomain(std::string_view host, std::string_view domain) {
  return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                            host[host.size() - domain.size() - 1] == '.');
}

bool ValidTld(std::string_view domain) {
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string tld(domain.substr(dot + 1));
  if (tld.size() < 2 ||
      !std::all_of(tld.begin(), tld.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return tld.starts_with("xn--");
  }
  if (tld == "test") return true;  // RFC 6761: the site farm's names
  static const psl_ctx_t* psl = psl_builtin();
  if (psl == nullptr) return true;
  return psl_is_public_suffix2(psl, tld.c_str(), PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
}

bool IsPlaceholder(std::string_view local, std::string_view domain) {
  static constexpr std::string_view kDomains[] = {
      "example.com",     "example.org",     "example.net",     "domain.com",   "email.com",
      "yourdomain.com",  "yoursite.com",    "yourcompany.com", "company.com",  "website.com",
      "mysite.com",      "sitename.com",    "sample.com",      "test.com",     "domain.de",
      "beispiel.de",     "musterfirma.de",  "exemple.fr",      "exemple.com",  "domaine.fr",
      "yourwebsite.com", "your-domain.com", "mail.de",         "ihredomain.de"};
  static constexpr std::string_view kLocals[] = {"yourname",
                                                 "your.name",
                                                 "youremail",
                                                 "your.email",
                                                 "your-email",
                                                 "your_email",
                                                 "yourmail",
                                                 "firstname.lastname",
                                                 "first.last",
                                                 "firstname",
                                                 "john.doe",
                                                 "jane.doe",
                                                 "johndoe",
                                                 "janedoe",
                                                 "max.mustermann",
                                                 "mustermann",
                                                 "vorname.nachname",
                                                 "name.nachname",
                                                 "prenom.nom",
                                                 "nom.prenom",
                                                 "username",
                                                 "user",
                                                 "you",
                                                 "someone",
                                                 "email",
                                                 "ihre.email",
                                                 "ihrname",
                                                 "votre.email",
                                                 "votrenom"};
  for (std::string_view d : kDomains) {
    if (EndsWithDomain(domain, d)) return true;
  }
  if (domain.starts_with("example.") || domain.starts_with("your")) return true;
  for (std::string_view l : kLocals) {
    if (local == l) return true;
  }
  return false;
}

bool IsTracking(std::string_view local, std::string_view domain) {
  static constexpr std::string_view kDomains[] = {
      "sentry.io", "wixpress.com",    "sentry-next.wixpress.com", "sentry.wixpress.com",
      "wix.com",   "parastorage.com", "cloudflare.com",           "email-protection"};
  for (std::string_view d : kDomains) {
    if (EndsWithDomain(domain, d)) return true;
  }
  if (domain.find("sentry") != std::string_view::npos) return true;
  // Error-reporting DSNs carry a 32-hex-digit key as the local part.
  return local.size() >= 24 && std::all_of(local.begin(), local.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsImageName(std::string_view local, std::string_view domain) {
  // logo@2x.png, icon@3x.webp: a retina-suffix "domain" or a file extension.
  if (domain.size() >= 3 && std::isdigit(static_cast<unsigned char>(domain[0])) &&
      domain[1] == 'x' && domain[2] == '.') {
    return true;
  }
  static constexpr std::string_view kExt[] = {".png",  ".jpg", ".jpeg", ".gif",  ".webp",
                                              ".svg",  ".bmp", ".ico",  ".avif", ".tif",
                                              ".tiff", ".css", ".js",   ".php"};
  for (std::string_view e : kExt) {
    if (domain.ends_with(e)) return true;
  }
  (void)local;
  return false;
}

class Collector {
 public:
  Collector(const Document& doc, std::string_view own, const DesignerCredits& credits)
      : doc_(doc), own_(own), credits_(credits) {}

  void Add(std::string_view raw) {
    std::string e = CleanEmail(raw);
    if (e.empty()) return;
    std::string_view domain = std::string_view(e).substr(e.find('@') + 1);
    if (!EndsWithDomain(domain, own_)) {
      for (const auto& t : credits_.texts) {
        if (t.find(e) != std::string::npos) return;
      }
    }
    for (const auto& s : out_) {
      if (s.value == e) return;
    }
    out_.push_back({std::move(e), doc_.url});
  }
  std::vector<Sourced> Take() { return std::move(out_); }

 private:
  const Document& doc_;
  std::string_view own_;
  const DesignerCredits& credits_;
  std::vector<Sourced> out_;
};

// "info@acme.comTel" (inline elements run together): cut the last label at
// its first lower-to-upper case change when the whole label is no TLD.
std::string SplitRunOn(std::string_view local, std::string_view domain) {
  size_t dot = domain.rfind('.');
  for (size_t i = dot + 2; i < domain.size(); ++i) {
    if (std::islower(static_cast<unsigned char>(domain[i - 1])) &&
        std::isupper(static_cast<unsigned char>(domain[i]))) {
      return std::string(local) + "@" + std::string(domain.substr(0, i));
    }
  }
  return {};
}

// True at a byte that can start an obfuscation marker (see below): "(",
// "[", "{", "<", or a space before "do" in any case.
bool MarkerStart(unsigned char c, unsigned char next, unsigned char after) {
  return (c == '(') | (c == '[') | (c == '{') | (c == '<') |
         ((c == ' ') & ((next | 0x20) == 'd') & ((after | 0x20) == 'o'));
}

// True when `text` holds, ignoring the case of A-Z, one of "(at)", "[at]",
// "{at}", "<at>", "(@)", "[@]", " dot ", "(dot)", "[dot]". No lower-case
// copy, and the bytes that can start a marker are found by a vectorized scan:
// almost every block has none.
bool HasObfuscationMarker(std::string_view text) {
  auto at = [&](size_t i, std::string_view word) {
    if (text.size() - i < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      char c = text[i + k];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != word[k]) return false;
    }
    return true;
  };
  // A lambda, not the function itself: a function pointer would not inline
  // into the vectorized loop.
  auto starts = [](unsigned char c, unsigned char next, unsigned char after) {
    return MarkerStart(c, next, after);
  };
  for (size_t i = FindByteTriple(text, 0, starts); i != std::string_view::npos;
       i = FindByteTriple(text, i + 1, starts)) {
    switch (text[i]) {
      case '(':
        if (at(i, "(at)") || at(i, "(@)") || at(i, "(dot)")) return true;
        break;
      case '[':
        if (at(i, "[at]") || at(i, "[@]") || at(i, "[dot]")) return true;
        break;
      case '{':
        if (at(i, "{at}")) return true;
        break;
      case '<':
        if (at(i, "<at>")) return true;
        break;
      default:  // ' ' before d/D
        if (at(i, " dot ")) return true;
        break;
    }
  }
  return false;
}

void FromText(std::string_view text, Collector& c) {
  // One scan for an '@' or a marker's first byte: most blocks have neither,
  // and neither kind of address can be read from them. Both searches below
  // start from there, as nothing before it can begin a marker or be an '@'.
  size_t first =
      FindByteTriple(text, 0, [](unsigned char ch, unsigned char next, unsigned char after) {
        return (ch == '@') | MarkerStart(ch, next, after);
      });
  if (first == std::string_view::npos) return;
  if (text.find('@', first) != std::string_view::npos) {
    // RE2::FindAndConsume, with the capture groups remembered (match_memo.h):
    // a site repeats its address on every page.
    re2::StringPiece in(text);
    re2::StringPiece sub[3];
    while (MatchWithCaptures(PlainPattern(), in, 0, in.size(), sub, 3)) {
      re2::StringPiece local = sub[1], domain = sub[2];
      in.remove_prefix(static_cast<size_t>(sub[0].data() + sub[0].size() - in.data()));
      std::string whole = std::string(local) + "@" + std::string(domain);
      if (CleanEmail(whole).empty()) {
        std::string cut = SplitRunOn(local, domain);
        if (!cut.empty()) whole = std::move(cut);
      }
      c.Add(whole);
    }
  }
  if (!HasObfuscationMarker(text.substr(first))) return;
  re2::StringPiece in(text);
  re2::StringPiece local, sep, domain;
  while (RE2::FindAndConsume(&in, ObfuscatedPattern(), &local, &sep, &domain)) {
    std::string dom(domain);
    bool word_dot = AsciiLower(dom).find("dot") != std::string::npos;
    std::string s = AsciiLower(std::string(sep));
    bool plain_at = s.find('[') == std::string::npos && s.find('(') == std::string::npos &&
                    s.find('{') == std::string::npos && s.find('<') == std::string::npos;
    // Plain "at" needs a spelled-out "dot" too; "meet us at acme.com" is prose.
    if (plain_at && s != "@" && !word_dot) continue;
    if (s == "@" && !word_dot && dom.find('[') == std::string::npos &&
        dom.find('(') == std::string::npos)
      continue;
    RE2::GlobalReplace(&dom, DotPattern(), ".");
    c.Add(std::string(local) + "@" + dom);
  }
}

}  // namespace

std::string CleanEmail(std::string_view raw) {
  std::string_view s = TrimAsciiSpace(raw);
  if (s.size() >= 7 && AsciiLower(s.substr(0, 7)) == "mailto:") s.remove_prefix(7);
  if (size_t q = s.find('?'); q != std::string_view::npos) s = s.substr(0, q);
  std::string e = AsciiLower(PercentDecode(s));
  while (!e.empty() && (e.back() == '.' || e.back() == ' ')) e.pop_back();
  while (!e.empty() && e.front() == ' ') e.erase(0, 1);
  size_t at = e.find('@');
  if (at == std::string::npos || at == 0 || at != e.rfind('@') || e.size() > 254) return {};
  std::string_view local = std::string_view(e).substr(0, at);
  std::string_view domain = std::string_view(e).substr(at + 1);
  if (local.size() > 64 || domain.find('.') == std::string_view::npos ||
      domain.find("..") != std::string_view::npos) {
    return {};
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return {};
  for (char ch : local) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) &&
        std::string_view("._%+-'").find(ch) == std::string_view::npos) {
      return {};
    }
  }
  for (char ch : domain) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') return {};
  }
  if (IsImageName(local, domain) || !ValidTld(domain) || IsPlaceholder(local, domain) ||
      IsTracking(local, domain)) {
    return {};
  }
  return e;
}

std::vector<Sourced> ExtractEmails(const Document& doc, const std::vector<LdNode>& ld,
                                   std::string_view own_domain, const DesignerCredits& credits) {
  Collector c(doc, own_domain, credits);
  for (const Link& l : doc.links) {
    if (l.href.size() > 7 && AsciiLower(std::string_view(l.href).substr(0, 7)) == "mailto:") {
      std::string_view rest = std::string_view(l.href).substr(7);
      rest = rest.substr(0, rest.find('?'));
      // mailto:a@x.com,b@x.com lists several recipients.
      size_t start = 0;
      while (start <= rest.size()) {
        size_t end = rest.find_first_of(",;", start);
        if (end == std::string_view::npos) end = rest.size();
        c.Add(rest.substr(start, end - start));
        start = end + 1;
      }
    }
  }
  for (const std::string& e : doc.cf_emails) c.Add(e);
  for (const LdNode& n : ld) {
    for (const auto& [k, v] : n.props) {
      if (k == "email" || k.ends_with(".email")) c.Add(v);
    }
  }
  for (const MicrodataProp& p : doc.microdata) {
    if (p.prop == "email") c.Add(p.value);
  }
  for (const TextBlock& b : doc.blocks) FromText(b.text, c);
  return c.Take();
}

bool IsFreeMailDomain(std::string_view domain) {
  static constexpr std::string_view kFree[] = {
      "gmail.com",      "googlemail.com", "outlook.com",     "hotmail.com",    "hotmail.co.uk",
      "hotmail.fr",     "live.com",       "live.co.uk",      "live.fr",        "msn.com",
      "yahoo.com",      "yahoo.co.uk",    "yahoo.fr",        "yahoo.de",       "ymail.com",
      "icloud.com",     "me.com",         "mac.com",         "aol.com",        "aol.co.uk",
      "protonmail.com", "proton.me",      "gmx.de",          "gmx.net",        "gmx.com",
      "web.de",         "t-online.de",    "freenet.de",      "orange.fr",      "wanadoo.fr",
      "free.fr",        "sfr.fr",         "laposte.net",     "btinternet.com", "btopenworld.com",
      "sky.com",        "talktalk.net",   "virginmedia.com", "ntlworld.com",   "blueyonder.co.uk",
      "bigpond.com",    "bigpond.net.au", "optusnet.com.au", "eircom.net",     "mail.com",
      "zoho.com",       "comcast.net",    "verizon.net",     "att.net",        "sbcglobal.net",
      "bellsouth.net",  "cox.net",        "charter.net",     "outlook.de",     "outlook.fr",
      "posteo.de"};
  for (std::string_view d : kFree) {
    if (domain == d) return true;
  }
  return false;
}

void RankEmails(std::vector<Sourced>& emails, std::string_view own_domain) {
  static constexpr std::array<std::string_view, 12> kRoles = {
      "info",   "contact", "hello", "sales", "enquiries", "enquiry",
      "office", "kontakt", "mail",  "admin", "support",   "team"};
  auto rank = [&](const std::string& e) {
    size_t at = e.find('@');
    std::string_view local = std::string_view(e).substr(0, at);
    std::string_view domain = std::string_view(e).substr(at + 1);
    int group = EndsWithDomain(domain, own_domain) ? 0 : IsFreeMailDomain(domain) ? 1 : 2;
    int role = static_cast<int>(kRoles.size());
    for (size_t i = 0; i < kRoles.size(); ++i) {
      if (local == kRoles[i]) role = static_cast<int>(i);
    }
    if (local.starts_with("noreply") || local.starts_with("no-reply") || local == "postmaster" ||
        local == "webmaster" || local == "abuse") {
      role = 100;
    }
    return group * 1000 + role;
  };
  std::stable_sort(emails.begin(), emails.end(), [&](const Sourced& a, const Sourced& b) {
    return rank(a.value) < rank(b.value);
  });
}

}  // namespace trawl
