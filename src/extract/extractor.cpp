// ProfileBuilder: per-page candidates, merged and ranked in Finish().
//
// Phones, addresses and company/VAT numbers are read in Finish(), not in
// AddPage(): reading "01234 567890" needs the country, and the page that says
// which country (a +44 link, a JSON-LD address) is often not the first one.
// The builder therefore keeps a copy of each Document (text only: a few
// hundred KB per domain at most).
#include "extract/extractor.h"

#include <algorithm>
#include <map>

#include "core/domain.h"
#include "core/url.h"
#include "extract/addresses.h"
#include "extract/company_ids.h"
#include "extract/company_name.h"
#include "extract/country.h"
#include "extract/designer_credit.h"
#include "extract/emails.h"
#include "extract/jsonld.h"
#include "extract/phones.h"
#include "extract/social.h"

namespace trawl {
namespace {

// Weights of country evidence gathered in Finish (page hints weigh in country.cpp).
constexpr int kTldWeight = 3;
constexpr int kAddressWeight = 4;
constexpr int kPhoneWeight = 2;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Privacy/terms pages name regulators, processors and hosts: their addresses are not the company's.
bool IsLegalPage(std::string_view url) {
  auto parts = ParseUrl(url);
  std::string path = Lower(parts ? parts->path : std::string(url));
  for (std::string_view w : {"privacy", "datenschutz", "cookie", "terms", "legal", "mentions", "agb", "policy",
                             "disclaimer", "gdpr", "rgpd", "conditions", "nutzungsbedingungen", "widerruf",
                             "confidentialite", "protection-des-donnees"}) {
    if (path.find(w) != std::string::npos) return true;
  }
  return false;
}

bool IsHomeUrl(std::string_view url) {
  auto parts = ParseUrl(url);
  return parts && (parts->path == "/" || parts->path == "/index.html" || parts->path == "/index.php");
}

std::string EmailDomain(std::string_view e) { return std::string(e.substr(e.find('@') + 1)); }

// Values seen on several pages win; ties go to the first seen.
std::optional<Sourced> MostFrequent(const std::vector<Sourced>& values) {
  if (values.empty()) return std::nullopt;
  std::map<std::string, int> count;
  for (const auto& v : values) count[Lower(v.value)]++;
  const Sourced* best = &values.front();
  for (const auto& v : values) {
    if (count[Lower(v.value)] > count[Lower(best->value)]) best = &v;
  }
  return *best;
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
      auto it = std::find_if(emails.begin(), emails.end(), [&](const Sourced& s) { return s.value == e.value; });
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

void ProfileBuilder::AddPage(const Document& doc) {
  State& s = *state_;
  bool home = s.pages.empty() || IsHomeUrl(doc.url);
  std::vector<LdNode> ld = ParseJsonLd(doc);
  DesignerCredits credits = FindDesignerCredits(doc, s.own);
  for (auto& d : credits.domains) {
    if (std::find(s.designer_domains.begin(), s.designer_domains.end(), d) == s.designer_domains.end()) {
      s.designer_domains.push_back(d);
    }
  }
  s.AddEmails(ExtractEmails(doc, ld, s.own, credits), IsLegalPage(doc.url));
  auto social = ExtractSocial(doc, ld, credits);
  s.social.insert(s.social.end(), std::make_move_iterator(social.begin()), std::make_move_iterator(social.end()));
  auto names = CompanyNameCandidates(doc, ld, home);
  s.names.insert(s.names.end(), std::make_move_iterator(names.begin()), std::make_move_iterator(names.end()));
  if (!s.description || (home && !s.description_from_home)) {
    if (auto d = PageDescription(doc, ld, home)) {
      s.description = std::move(d);
      s.description_from_home = home;
    }
  }
  AddPageCountryHints(doc, ld, s.votes);
  if (home && s.home_lang.empty()) s.home_lang = doc.lang;
  s.pages.push_back(doc);
}

void ProfileBuilder::State::FinishEmails(Profile& profile) {
  std::vector<Sourced> kept;
  for (size_t i = 0; i < emails.size(); ++i) {
    std::string d = EmailDomain(emails[i].value);
    std::string reg = RegistrableDomain(d);
    bool own_addr = reg == own;
    if (!own_addr && std::find(designer_domains.begin(), designer_domains.end(), reg) != designer_domains.end()) {
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
  for (const Document& doc : pages) {
    for (Phone& p : ExtractPhones(doc, region)) {
      auto it = std::find_if(profile.phones.begin(), profile.phones.end(),
                             [&](const Phone& q) { return q.value == p.value; });
      if (it == profile.phones.end()) profile.phones.push_back(std::move(p));
    }
    for (Address& a : ExtractAddresses(doc, region)) {
      auto key = [](const Address& x) { return Lower(x.postcode.value_or("") + "|" + x.street.value_or(x.text)); };
      auto it = std::find_if(profile.addresses.begin(), profile.addresses.end(),
                             [&](const Address& q) { return key(q) == key(a); });
      if (it == profile.addresses.end()) profile.addresses.push_back(std::move(a));
    }
    for (Sourced& n : ExtractCompanyNumbers(doc, region)) numbers.push_back(std::move(n));
    for (Sourced& v : ExtractVatNumbers(doc, region)) vats.push_back(std::move(v));
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
