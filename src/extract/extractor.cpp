// ProfileBuilder: per-page candidates, merged and ranked in Finish().
//
// Phones, addresses and company/VAT numbers are read in Finish(), not in
// AddPage(): reading "01234 567890" needs the country, and the page that says
// which country (a +44 link, a JSON-LD address) is often not the first one.
// The builder therefore keeps a copy of each Document (text only: a few
// hundred KB per domain at most).
//
// On legal pages the text about third parties (host, regulator, mediator) is
// cut from the copy first, so none of their details becomes the company's.
#include "extract/extractor.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>

#include "core/domain.h"
#include "core/text.h"
#include "core/url.h"
#include "extract/addresses.h"
#include "extract/company_ids.h"
#include "extract/company_name.h"
#include "extract/country.h"
#include "extract/designer_credit.h"
#include "extract/emails.h"
#include "extract/jsonld.h"
#include "extract/page_text.h"
#include "extract/phones.h"
#include "extract/social.h"

namespace trawl {
namespace {

// Weights of country evidence gathered in Finish (page hints weigh in country.cpp).
constexpr int kTldWeight = 3;
constexpr int kAddressWeight = 4;
constexpr int kPhoneWeight = 2;

// What AddPage needs from a page's URL, read with one ParseUrl.
struct PageKind {
  bool legal = false;             // a privacy/terms page (see IsLegalPath)
  bool legal_or_imprint = false;  // that, or an imprint or legal notice
  bool home = false;              // the site's home page URL
};

// Privacy/terms pages name regulators, processors and hosts: their addresses are not the company's.
bool IsLegalPath(std::string_view lower_path) {
  for (std::string_view w :
       {"privacy", "datenschutz", "cookie", "terms", "legal", "mentions", "agb", "policy",
        "disclaimer", "gdpr", "rgpd", "conditions", "nutzungsbedingungen", "widerruf",
        "confidentialite", "protection-des-donnees"}) {
    if (lower_path.find(w) != std::string::npos) return true;
  }
  return false;
}

// Legal notices and imprints hold the company's own details, and beside them
// those of third parties.
bool IsLegalOrImprintPath(std::string_view lower_path) {
  if (IsLegalPath(lower_path)) return true;
  for (std::string_view w :
       {"impressum", "imprint", "colofon", "colophon", "aviso", "note-legali"}) {
    if (lower_path.find(w) != std::string::npos) return true;
  }
  return false;
}

// A URL that does not parse is read as a whole, lower-cased, and is no home page.
PageKind KindOf(std::string_view url) {
  auto parts = ParseUrl(url);
  std::string path = AsciiLower(parts ? parts->path : std::string(url));
  PageKind kind;
  kind.legal = IsLegalPath(path);
  kind.legal_or_imprint = IsLegalOrImprintPath(path);
  kind.home =
      parts && (parts->path == "/" || parts->path == "/index.html" || parts->path == "/index.php");
  return kind;
}

std::string EmailDomain(std::string_view e) { return std::string(e.substr(e.find('@') + 1)); }

// Values seen on several pages win; ties go to the first seen.
std::optional<Sourced> MostFrequent(const std::vector<Sourced>& values) {
  if (values.empty()) return std::nullopt;
  std::map<std::string, int> count;
  for (const auto& v : values) count[AsciiLower(v.value)]++;
  const Sourced* best = &values.front();
  for (const auto& v : values) {
    if (count[AsciiLower(v.value)] > count[AsciiLower(best->value)]) best = &v;
  }
  return *best;
}

// ---- third parties on legal pages -------------------------------------------
//
// A legal notice or privacy policy names other organisations with their full
// contact details: the host ("Hébergeur", "Hosting", "Technischer
// Dienstleister"), the data-protection regulator ("Aufsichtsbehörde", "CNIL",
// "ICO"), the consumer mediator. Their phones, addresses and numbers are not
// the company's, so their text is cut from the page before fields are read.
// A mention starts a cut at its label. The cut runs on over the lines and
// blocks that follow when the mention introduces them (a heading, a label at
// the start of a line, a line ending in ':'), until the next topic: another
// heading, a <dt>, the footer, a line that opens the company's own section,
// or kMaxSectionBlocks blocks. A mention inside a sentence cuts that line only.

constexpr int kMaxSectionBlocks = 8;
// A mention this close to the start of its line is the line's label
// ("Zuständige Aufsichtsbehörde:", "Le site est hébergé par ...").
constexpr size_t kMaxLabelOffset = 30;

// Group 1: a host; group 2: an authority or mediator.
const RE2& ThirdPartyPattern() {
  static const RE2 re(
      "(?i)(h[ée]berg(?:eur|ement|[ée]e?s?\\s+(?:par|chez))|\\bhost(?:ing|ed\\s+(?:by|with|at)|er)"
      "\\b|"
      "webhost\\w*|web\\s+host(?:ing)?\\b|gehostet|technische[rn]?\\s+dienstleister|alojamiento\\s+"
      "web|"
      "proveedor\\s+de\\s+(?:hosting|alojamiento))|"
      "(datenschutz(?:aufsichts)?beh[öo]rde|aufsichtsbeh[öo]rde|autorit[ée]\\s+de\\s+contr[ôo]le|"
      "\\bcnil\\b|"
      "supervisory\\s+authority|information\\s+commissioner|\\bico\\b|data\\s+protection\\s+(?:"
      "commission|authority)|"
      "garante\\s+(?:per\\s+la\\s+protezione|della\\s+privacy|privacy)|agencia\\s+espa[ñn]ola\\s+"
      "de\\s+protecci[óo]n|"
      "\\baepd\\b|autoriteit\\s+persoonsgegevens|m[ée]diat(?:eur|ion)\\s+(?:de\\s+la\\s+)?"
      "consommation)");
  return re;
}

// Lines that open the company's own part of a legal page.
bool OpensOwnSection(std::string_view line) {
  static const RE2 re(
      "(?i)^[\\s\\d.)-]*(?:contact|kontakt|[ée]diteur|[ée]dition|herausgeber|anbieter|angaben\\s+"
      "gem|"
      "verantwortlich|inhaltlich|redaktionell|directeur|directrice|responsable\\s+(?:de\\s+(?:"
      "la\\s+)?)?publication|"
      "propri[ée]t[ée]|intellectual|copyright|haftung|urheberrecht|cr[ée]dits|conception|r[ée]"
      "alisation|"
      "registereintrag|registergericht|umsatzsteuer|ust-?id|vertreten\\s+durch|gesch[äa]ftsf[üu]hr|"
      "berufsbezeichnung|streitschlichtung|streitbeilegung|titolare|publisher|site\\s+owner|"
      "company\\s+details)");
  return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), re);
}

bool IsHeadingTag(std::string_view tag) {
  return tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6';
}

// Offset of the first third-party mention in `line`, or npos. A company
// whose own domain says it hosts ("acme-hosting.de") is not its own host.
size_t FindMention(std::string_view line, bool own_hosting) {
  re2::StringPiece input(line.data(), line.size());
  // No capture groups asked for, RE2 runs a faster DFA (see match_memo.cpp);
  // almost no line names a third party.
  if (!ThirdPartyPattern().Match(input, 0, line.size(), RE2::UNANCHORED, nullptr, 0))
    return std::string_view::npos;
  re2::StringPiece match[3];
  size_t pos = 0;
  // Bounded: each round moves pos past one match.
  while (pos < line.size() &&
         ThirdPartyPattern().Match(input, pos, line.size(), RE2::UNANCHORED, match, 3)) {
    size_t at = static_cast<size_t>(match[0].data() - line.data());
    if (!(own_hosting && match[1].data() != nullptr)) return at;
    pos = at + std::max<size_t>(match[0].size(), 1);
  }
  return std::string_view::npos;
}

// Walks a page's blocks in order, keeping the company's text and collecting
// the third parties' in `removed`.
class ThirdPartyCutter {
 public:
  explicit ThirdPartyCutter(bool own_hosting) : own_hosting_(own_hosting) {}

  // The block's text without third-party lines; empty if none is left.
  // May move block.text out.
  std::string Keep(TextBlock& block) {
    bool heading = IsHeadingTag(block.tag);
    if (active_ && (heading || block.in_footer || block.tag == "dt" || --blocks_left_ < 0))
      active_ = false;
    // Footers repeat on every page and are the company's own.
    if (block.in_footer) return std::move(block.text);
    if (heading) {
      if (FindMention(block.text, own_hosting_) == std::string_view::npos ||
          OpensOwnSection(block.text)) {
        return std::move(block.text);
      }
      Start();
      Remove(block.text);
      return "";
    }
    std::string kept;
    kept.reserve(block.text.size());
    std::string_view text = block.text;
    for (size_t begin = 0; begin <= text.size();) {
      size_t end = std::min(text.find('\n', begin), text.size());
      KeepLine(text.substr(begin, end - begin), kept);
      begin = end + 1;
    }
    return kept;
  }

  const std::string& removed() const { return removed_; }

 private:
  void Start() {
    active_ = true;
    blocks_left_ = kMaxSectionBlocks;
  }
  void Remove(std::string_view text) {
    removed_.append(text);
    removed_.push_back('\n');
  }
  void KeepLine(std::string_view line, std::string& kept) {
    if (active_ && OpensOwnSection(line)) active_ = false;
    if (active_) return Remove(line);
    size_t at = FindMention(line, own_hosting_);
    std::string_view own = line.substr(0, std::min(at, line.size()));
    if (at != std::string_view::npos) {
      Remove(line.substr(at));
      size_t last = line.find_last_not_of(" \t");
      if (at <= kMaxLabelOffset || (last != std::string_view::npos && line[last] == ':')) Start();
    }
    if (own.find_first_not_of(" \t") == std::string_view::npos) return;
    if (!kept.empty()) kept.push_back('\n');
    kept.append(own);
  }

  bool own_hosting_;
  bool active_ = false;
  int blocks_left_ = 0;
  std::string removed_;
};

// The address a mailto:/tel:/fax: link points to, as its visible text shows
// it; empty for other links.
std::string ContactLinkKey(const Link& link) {
  std::string scheme = AsciiLower(link.href.substr(0, link.href.find(':') + 1));
  if (scheme != "mailto:" && scheme != "tel:" && scheme != "fax:") return "";
  if (!link.text.empty()) return link.text;
  std::string target = link.href.substr(scheme.size());
  return target.substr(0, target.find('?'));
}

// `doc` with the third parties' text and contact links cut (see above);
// pages other than legal notices and privacy policies (`legal_or_imprint`
// false) come back whole.
Document WithoutThirdParties(Document doc, bool legal_or_imprint, std::string_view own_domain) {
  if (!legal_or_imprint) return doc;
  std::vector<TextBlock> blocks = std::move(doc.blocks);
  doc.blocks.clear();
  doc.blocks.reserve(blocks.size());
  std::string own = AsciiLower(own_domain);
  ThirdPartyCutter cutter(own.find("host") != std::string::npos ||
                          own.find("heberg") != std::string::npos);
  for (TextBlock& block : blocks) {
    std::string kept = cutter.Keep(block);
    if (kept.empty()) continue;
    doc.blocks.push_back(TextBlock{std::move(kept), std::move(block.tag), block.in_footer});
  }
  if (cutter.removed().empty()) return doc;
  std::string kept_text;  // every kept block, each followed by a newline
  for (const TextBlock& block : doc.blocks) {
    kept_text += block.text;
    kept_text += '\n';
  }
  // A link whose text shows only in the cut text is the third party's.
  std::vector<Link> links = std::move(doc.links);
  doc.links.clear();
  for (Link& link : links) {
    std::string key = ContactLinkKey(link);
    bool theirs = !key.empty() && cutter.removed().find(key) != std::string::npos &&
                  kept_text.find(key) == std::string::npos;
    if (!theirs) doc.links.push_back(std::move(link));
  }
  return doc;
}

}  // namespace

struct ProfileBuilder::State {
  std::string domain;
  std::string own;  // registrable domain
  std::vector<Document> pages;
  std::vector<Sourced> emails;
  std::vector<bool> email_only_legal;
  std::vector<SocialCandidate> social;
  std::vector<NameCandidate> names;
  std::optional<Sourced> description;
  bool description_from_home = false;
  std::vector<std::string> designer_domains;
  CountryVotes votes;
  std::string home_lang;

  void AddEmails(std::vector<Sourced> found, bool legal) {
    for (auto& e : found) {
      auto it = std::find_if(emails.begin(), emails.end(),
                             [&](const Sourced& s) { return s.value == e.value; });
      if (it == emails.end()) {
        emails.push_back(std::move(e));
        email_only_legal.push_back(legal);
      } else if (!legal) {
        email_only_legal[static_cast<size_t>(it - emails.begin())] = false;
      }
    }
  }

  void FinishEmails(Profile& profile);
  void FinishPages(Profile& profile, const std::string& region);
};

ProfileBuilder::ProfileBuilder(std::string domain) : state_(std::make_unique<State>()) {
  state_->own = RegistrableDomain(domain);
  state_->domain = std::move(domain);
}

ProfileBuilder::~ProfileBuilder() = default;

void ProfileBuilder::AddPage(Document page) {
  State& s = *state_;
  // Credits are read from the whole page: "Hosted by" lines name designers too.
  DesignerCredits credits = FindDesignerCredits(page, s.own);
  PageKind kind = KindOf(page.url);
  Document doc = WithoutThirdParties(std::move(page), kind.legal_or_imprint, s.own);
  bool home = s.pages.empty() || kind.home;
  std::vector<LdNode> ld = ParseJsonLd(doc);
  for (auto& d : credits.domains) {
    if (std::find(s.designer_domains.begin(), s.designer_domains.end(), d) ==
        s.designer_domains.end()) {
      s.designer_domains.push_back(d);
    }
  }
  s.AddEmails(ExtractEmails(doc, ld, s.own, credits), kind.legal);
  auto social = ExtractSocial(doc, ld, credits);
  s.social.insert(s.social.end(), std::make_move_iterator(social.begin()),
                  std::make_move_iterator(social.end()));
  auto names = CompanyNameCandidates(doc, ld, home);
  s.names.insert(s.names.end(), std::make_move_iterator(names.begin()),
                 std::make_move_iterator(names.end()));
  if (!s.description || (home && !s.description_from_home)) {
    if (auto d = PageDescription(doc, ld, home)) {
      s.description = std::move(d);
      s.description_from_home = home;
    }
  }
  AddPageCountryHints(doc, ld, s.votes);
  if (home && s.home_lang.empty()) s.home_lang = doc.lang;
  s.pages.push_back(std::move(doc));
}

void ProfileBuilder::State::FinishEmails(Profile& profile) {
  std::vector<Sourced> kept;
  for (size_t i = 0; i < emails.size(); ++i) {
    std::string d = EmailDomain(emails[i].value);
    std::string reg = RegistrableDomain(d);
    bool own_addr = reg == own;
    if (!own_addr && std::find(designer_domains.begin(), designer_domains.end(), reg) !=
                         designer_domains.end()) {
      continue;
    }
    if (!own_addr && email_only_legal[i] && !IsFreeMailDomain(d)) continue;
    kept.push_back(emails[i]);
  }
  RankEmails(kept, own);
  profile.emails = std::move(kept);
}

void ProfileBuilder::State::FinishPages(Profile& profile, const std::string& region) {
  std::vector<Sourced> numbers, vats;
  PageText text;  // each page's, shared by addresses and company ids
  for (const Document& doc : pages) {
    text.Assign(doc);
    for (Phone& p : ExtractPhones(doc, region)) {
      auto it = std::find_if(profile.phones.begin(), profile.phones.end(),
                             [&](const Phone& q) { return q.value == p.value; });
      if (it == profile.phones.end()) profile.phones.push_back(std::move(p));
    }
    for (Address& a : ExtractAddresses(doc, text, region)) {
      auto key = [](const Address& x) {
        return AsciiLower(x.postcode.value_or("") + "|" + x.street.value_or(x.text));
      };
      auto it = std::find_if(profile.addresses.begin(), profile.addresses.end(),
                             [&](const Address& q) { return key(q) == key(a); });
      if (it == profile.addresses.end()) profile.addresses.push_back(std::move(a));
    }
    CompanyIds ids = ExtractCompanyIds(doc, text, region);
    for (Sourced& n : ids.numbers) numbers.push_back(std::move(n));
    for (Sourced& v : ids.vats) vats.push_back(std::move(v));
  }
  profile.company_number = MostFrequent(numbers);
  profile.vat_number = MostFrequent(vats);
}

void ProfileBuilder::Finish(Profile& profile) {
  State& s = *state_;
  s.votes.Add(CountryFromTld(s.domain), kTldWeight);
  std::string region = DefaultPhoneRegion(s.votes, s.domain, s.home_lang);
  s.FinishPages(profile, region);
  int counted = 0;
  for (const Address& a : profile.addresses) {
    if (a.country && counted++ < 2) s.votes.Add(*a.country, kAddressWeight);
  }
  counted = 0;
  for (const Phone& p : profile.phones) {
    if (counted++ < 3) s.votes.Add(CountryOfPhone(p.value), kPhoneWeight);
  }
  std::string country = s.votes.Best(2);
  if (!country.empty()) profile.country = country;

  s.FinishEmails(profile);
  profile.company_name = ChooseCompanyName(s.names, s.domain);
  profile.description = s.description;
  std::string name = profile.company_name ? profile.company_name->value : std::string();
  profile.social = ChooseSocial(s.social, s.domain, name, s.designer_domains);
}

}  // namespace trawl
