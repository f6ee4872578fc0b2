// Company name voting and description choice.
#include "extract/company_name.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "core/domain.h"
#include "core/text.h"
#include "extract/designer_credit.h"
#include "extract/text_scan.h"

namespace trawl {
namespace {

std::string Collapse(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string_view TrimPunct(std::string_view s) {
  auto junk = [](char c) {
    return c == ' ' || c == ',' || c == '-' || c == ':' || c == '|' || c == ';';
  };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  while (!s.empty() && (junk(s.back()) || s.back() == '.')) s.remove_suffix(1);
  return s;
}

// Legal-form suffixes, longest first, lower case, as they end a name.
constexpr std::string_view kLegalSuffixes[] = {"gmbh & co. kg",
                                               "gmbh & co kg",
                                               "pty. ltd.",
                                               "pty. ltd",
                                               "pty ltd.",
                                               "pty ltd",
                                               "pty limited",
                                               "l.l.c.",
                                               "limited",
                                               "ltd.",
                                               "ltd",
                                               "llc",
                                               "inc.",
                                               "inc",
                                               "incorporated",
                                               "corporation",
                                               "corp.",
                                               "corp",
                                               "gmbh",
                                               "ag",
                                               "ug (haftungsbeschränkt)",
                                               "ug",
                                               "e.k.",
                                               "e.v.",
                                               "kg",
                                               "ohg",
                                               "gbr",
                                               "sarl",
                                               "s.a.r.l.",
                                               "sasu",
                                               "sas",
                                               "eurl",
                                               "s.a.s.",
                                               "s.a.",
                                               "sa",
                                               "plc",
                                               "llp",
                                               "lp",
                                               "b.v.",
                                               "bv",
                                               "n.v.",
                                               "nv",
                                               "s.l.",
                                               "sl",
                                               "s.r.l.",
                                               "srl",
                                               "s.p.a.",
                                               "spa",
                                               "oy",
                                               "ab",
                                               "aps",
                                               "a/s",
                                               "dac",
                                               "clg",
                                               "co.",
                                               "& co",
                                               "company"};

// Length of the legal suffix that ends `lower` (a whole word), or 0.
size_t LegalSuffixLength(std::string_view lower) {
  for (std::string_view s : kLegalSuffixes) {
    if (lower.size() > s.size() + 1 && lower.ends_with(s)) {
      char before = lower[lower.size() - s.size() - 1];
      if (before == ' ' || before == ',') return s.size();
    }
  }
  return 0;
}

bool IsGeneric(std::string_view lower) {
  static constexpr std::string_view kGeneric[] = {"home",
                                                  "homepage",
                                                  "home page",
                                                  "welcome",
                                                  "index",
                                                  "startseite",
                                                  "start",
                                                  "accueil",
                                                  "inicio",
                                                  "contact",
                                                  "contact us",
                                                  "about",
                                                  "about us",
                                                  "kontakt",
                                                  "impressum",
                                                  "datenschutz",
                                                  "privacy policy",
                                                  "privacy",
                                                  "services",
                                                  "our services",
                                                  "gallery",
                                                  "blog",
                                                  "news",
                                                  "logo",
                                                  "untitled",
                                                  "default",
                                                  "main",
                                                  "page",
                                                  "site",
                                                  "website",
                                                  "official website",
                                                  "official site",
                                                  "terms",
                                                  "terms and conditions",
                                                  "faq",
                                                  "shop",
                                                  "menu",
                                                  "mentions légales",
                                                  "legal notice",
                                                  "leistungen",
                                                  "über uns",
                                                  "qui sommes-nous",
                                                  "nous contacter",
                                                  "testimonials",
                                                  "reviews",
                                                  "herzlich willkommen",
                                                  "willkommen",
                                                  "bienvenue",
                                                  "pricing",
                                                  "prices",
                                                  "areas",
                                                  "areas covered",
                                                  "cookie policy",
                                                  "sitemap"};
  for (std::string_view g : kGeneric) {
    if (lower == g) return true;
  }
  return lower.starts_with("welcome to ") && lower.size() < 12;
}

// `declared`: the site states this as its name (JSON-LD, og:site_name). Such
// a name is reported even when it holds markup characters ("<", ">", "="):
// it is the site's own claim, shown as text by every consumer; the same
// characters in a title or heading are taken for leftover markup.
bool Plausible(std::string_view name, bool declared = false) {
  if (name.size() < 2 || name.size() > 80) return false;
  std::string_view refused = declared ? "@{}" : "@{}<>=";
  if (name.find_first_of(refused) != std::string_view::npos ||
      name.find("http") != std::string_view::npos || name.starts_with("www.")) {
    return false;  // addresses, template placeholders ("{{ year }}"), markup, host names
  }
  static const RE2 host("^[\\w-]+(\\.[\\w-]+)*\\.[a-zA-Z]{2,}$");
  if (RE2::FullMatch(name, host)) return false;
  if (std::none_of(name.begin(), name.end(),
                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
    return false;
  }
  int words = 1 + static_cast<int>(std::count(name.begin(), name.end(), ' '));
  return words <= 8 && !IsGeneric(AsciiLower(name));
}

void Add(std::vector<NameCandidate>& out, std::string_view text, const Document& doc, int weight,
         bool declared = false) {
  std::string s(TrimPunct(Collapse(text)));
  std::string low = AsciiLower(s);
  for (std::string_view p : {"welcome to ", "willkommen bei ", "bienvenue chez ", "bienvenue à "}) {
    if (low.starts_with(p)) s.erase(0, p.size());
  }
  if (low.ends_with(" logo")) s.resize(s.size() - 5);
  if (!Plausible(s, declared)) return;
  out.push_back({std::move(s), doc.url, weight});
}

void TitleCandidates(const Document& doc, bool home, std::vector<NameCandidate>& out) {
  static const RE2 sep("\\s+[|\\-–—:·•»~/]\\s+|\\s*[|·•»]\\s*");
  std::string title = doc.title;
  if (title.empty()) return;
  std::vector<std::string> parts;
  re2::StringPiece in(title);
  re2::StringPiece m;
  size_t start = 0;
  while (sep.Match(in, start, in.size(), RE2::UNANCHORED, &m, 1)) {
    size_t at = static_cast<size_t>(m.data() - in.data());
    parts.emplace_back(title.substr(start, at - start));
    start = at + m.size();
    if (m.empty()) break;
  }
  parts.emplace_back(title.substr(start));
  int w = home ? 2 : 1;
  for (size_t i = 0; i < parts.size(); ++i) {
    // The site name sits at either end of a title; middle segments rarely name it.
    bool end = i == 0 || i + 1 == parts.size();
    Add(out, parts[i], doc, end ? w : 0);
  }
}

std::string CutDescription(std::string_view text) {
  std::string s = Collapse(text);
  constexpr size_t kCap = 300;
  if (s.size() <= kCap) return s;
  size_t cut = std::string::npos;
  for (size_t i = kCap; i > kCap / 2; --i) {
    if ((s[i - 1] == '.' || s[i - 1] == '!' || s[i - 1] == '?') && s[i] == ' ') {
      cut = i;
      break;
    }
  }
  if (cut == std::string::npos) {
    cut = s.rfind(' ', kCap);
    if (cut == std::string::npos || cut < kCap / 2) cut = kCap;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
      --cut;  // keep UTF-8 whole
  }
  s.resize(cut);
  while (!s.empty() && (s.back() == ' ' || s.back() == ',')) s.pop_back();
  return s;
}

// True when `text` holds "©", "opyright", "(c)" or "(C)": one vectorized
// scan for their first bytes, which most blocks do not have, instead of four
// searches.
bool HasCopyrightMark(std::string_view text) {
  auto start = [](unsigned char c, unsigned char n, unsigned char a) {
    return ((c == 0xC2) & (n == 0xA9)) | ((c == 'o') & (n == 'p') & (a == 'y')) |
           ((c == '(') & ((n | 0x20) == 'c') & (a == ')'));
  };
  for (size_t i = FindByteTriple(text, 0, start); i != std::string_view::npos;
       i = FindByteTriple(text, i + 1, start)) {
    if (text[i] != 'o' || text.substr(i, 8) == "opyright") return true;
  }
  return false;
}

std::string CopyrightHolderUncached(std::string_view text);

}  // namespace

std::string CopyrightHolder(std::string_view text) {
  if (text.size() > 400) return {};
  // A site repeats its footer's copyright line on every page, and reading
  // one costs a capture pass of RE2 and more. Per thread, so no locking;
  // bounded by clearing.
  constexpr size_t kMaxCached = 1024;
  thread_local std::unordered_map<std::string, std::string> cache;
  std::string key(text);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= kMaxCached) cache.clear();
  std::string holder = CopyrightHolderUncached(text);
  cache.emplace(std::move(key), holder);
  return holder;
}

namespace {

std::string CopyrightHolderUncached(std::string_view text) {
  // "copyright" alone is a word of prose; it needs a © or a year after it.
  static const RE2 re(
      "(?i)(?:(?:©|\\(c\\)|copyright\\s*(?:©|\\(c\\)))\\s*(?:\\d{4}(?:\\s*[-–]\\s*(?:\\d{4}|"
      "present))?)?"
      "|copyright\\s+\\d{4}(?:\\s*[-–]\\s*(?:\\d{4}|present))?)\\s*,?\\s*"
      "(?:by\\s+)?([^|•·\\n©]{2,100}?)\\s*(?:all rights|alle rechte|tous droits|todos los "
      "derechos|tutti i diritti|"
      "\\||•|·|\\n|\\s[-–]\\s|$)");
  if (text.size() > 400) return {};
  std::string holder;
  if (!RE2::PartialMatch(text, re, &holder)) return {};
  // "© 2024 Acme Co. Website by Pixel": the credit is not part of the name.
  if (re2::StringPiece m; IsDesignerCredit(holder)) {
    static const RE2 credit_start(
        "(?i)(\\s(?:web\\s*site|site|web|designed|developed|built|created|made|powered|"
        "hosted|webdesign|design|erstellt|réalis|realis|conception|création)\\b)");
    if (RE2::PartialMatch(holder, credit_start, &m))
      holder.resize(static_cast<size_t>(m.data() - holder.data()));
  }
  // "Acme Ltd. Registered in England": cut at the first sentence end; a
  // legal abbreviation ("Ltd.", "B.V.") ends the name, "Pty." does not.
  for (size_t pos = holder.find(". "); pos != std::string::npos; pos = holder.find(". ", pos + 1)) {
    std::string head = AsciiLower(holder.substr(0, pos + 1));
    if (head.ends_with(" pty.") || head.ends_with(" co.") || head.ends_with(" st.")) continue;
    holder.resize(LegalSuffixLength(head) > 0 ? pos + 1 : pos);
    break;
  }
  static const RE2 year("\\s*,?\\s*\\d{4}\\s*$");
  RE2::Replace(&holder, year, "");
  std::string out(TrimPunct(holder));
  // Keep the dot of an abbreviation like "B.V." or "S.L.".
  size_t last_space = out.rfind(' ');
  std::string_view last =
      std::string_view(out).substr(last_space == std::string::npos ? 0 : last_space + 1);
  if (last.find('.') != std::string_view::npos && holder.find(out + ".") != std::string::npos)
    out += ".";
  return Plausible(out) ? out : std::string();
}

}  // namespace

std::string CompanyNameKey(std::string_view name) {
  std::string low = AsciiLower(Collapse(name));
  for (int i = 0; i < 2; ++i) {
    size_t n = LegalSuffixLength(low);
    if (n == 0) break;
    low.resize(low.size() - n);
    while (!low.empty() && (low.back() == ' ' || low.back() == ',')) low.pop_back();
  }
  std::string out;
  for (char c : low) {
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)
      out.push_back(c);
  }
  if (out.starts_with("the") && out.size() > 6) out.erase(0, 3);
  return out;
}

std::vector<NameCandidate> CompanyNameCandidates(const Document& doc, const std::vector<LdNode>& ld,
                                                 bool home) {
  std::vector<NameCandidate> out;
  for (const LdNode& n : ld) {
    if (!n.IsOrganization()) continue;
    Add(out, n.Get("legalName"), doc, 6, true);
    Add(out, n.Get("name"), doc, 5, true);
  }
  for (const MicrodataProp& p : doc.microdata) {
    if ((p.prop == "name" || p.prop == "legalName") &&
        (p.itemtype.find("Organization") != std::string::npos ||
         p.itemtype.find("Business") != std::string::npos)) {
      Add(out, p.value, doc, 4);
    }
  }
  Add(out, doc.Meta("og:site_name"), doc, 4, true);
  Add(out, doc.Meta("application-name"), doc, 2);
  for (const TextBlock& b : doc.blocks) {
    if (b.text.size() > 400) continue;
    std::string_view t = b.text;
    if (!HasCopyrightMark(t)) continue;
    std::string holder = CopyrightHolder(t);
    if (!holder.empty()) Add(out, holder, doc, b.in_footer ? 4 : 3);
  }
  TitleCandidates(doc, home, out);
  if (!doc.img_alts.empty()) Add(out, doc.img_alts.front(), doc, home ? 2 : 1);
  return out;
}

std::optional<Sourced> ChooseCompanyName(const std::vector<NameCandidate>& candidates,
                                         std::string_view own_domain) {
  std::string reg = RegistrableDomain(own_domain);
  std::string label = CompanyNameKey(reg.substr(0, reg.find('.')));
  struct Group {
    int weight = 0;
    double support = 0;
    std::vector<const NameCandidate*> members;
  };
  std::map<std::string, Group> groups;
  for (const NameCandidate& c : candidates) {
    std::string key = CompanyNameKey(c.text);
    if (key.size() < 2) continue;
    Group& g = groups[key];
    g.weight += c.weight;
    g.members.push_back(&c);
  }
  if (groups.empty()) return std::nullopt;
  for (auto& [key, g] : groups) {
    g.support = g.weight;
    if (key == label)
      g.support += 4;
    else if (label.size() >= 4 &&
             (key.find(label) != std::string::npos || label.find(key) != std::string::npos))
      g.support += 2.5;
    // "Acme" and "Acme Widgets" back each other a little.
    for (const auto& [other, og] : groups) {
      if (&og == &g || other.size() < 4) continue;
      if (key.find(other) != std::string::npos || other.find(key) != std::string::npos)
        g.support += 0.5 * og.weight;
    }
  }
  auto best = std::max_element(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    if (a.second.support != b.second.support) return a.second.support < b.second.support;
    return a.second.members.front() > b.second.members.front();  // earlier candidate wins ties
  });
  const Group& g = best->second;
  // Spelling: one with a legal suffix if any member has one, else the heaviest; first seen on ties.
  const NameCandidate* pick = nullptr;
  auto better = [](const NameCandidate* a, const NameCandidate* b) {
    bool sa = LegalSuffixLength(AsciiLower(a->text)) > 0,
         sb = LegalSuffixLength(AsciiLower(b->text)) > 0;
    if (sa != sb) return sa;
    return a->weight > b->weight;
  };
  for (const NameCandidate* c : g.members) {
    if (pick == nullptr || better(c, pick)) pick = c;
  }
  return Sourced{pick->text, pick->source};
}

std::optional<Sourced> PageDescription(const Document& doc, const std::vector<LdNode>& ld,
                                       bool home) {
  for (std::string_view key : {"description", "og:description", "twitter:description"}) {
    std::string d = doc.Meta(key);
    if (Collapse(d).size() >= 20) return Sourced{CutDescription(d), doc.url};
  }
  for (const LdNode& n : ld) {
    if (!n.IsOrganization() && !n.Is("WebSite") && !n.Is("WebPage")) continue;
    std::string d = n.Get("description");
    if (Collapse(d).size() >= 20) return Sourced{CutDescription(d), doc.url};
  }
  if (!home) return std::nullopt;
  for (const TextBlock& b : doc.blocks) {
    if (b.tag != "p" && b.tag != "div" && b.tag != "section") continue;
    if (b.text.size() < 80 || b.in_footer) continue;
    std::string low = AsciiLower(b.text);
    if (low.find("cookie") != std::string::npos || low.find("javascript") != std::string::npos)
      continue;
    return Sourced{CutDescription(b.text), doc.url};
  }
  return std::nullopt;
}

}  // namespace trawl
