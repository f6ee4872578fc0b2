// Country signals and their weights.
#include "extract/country.h"

#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "extract/match_memo.h"

namespace trawl {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsAlpha2(std::string_view s) {
  return s.size() == 2 && std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::isalpha(static_cast<unsigned char>(s[1]));
}

// Weights: what one occurrence of each kind of evidence is worth.
constexpr int kJsonLdCountry = 6;
constexpr int kPhoneLink = 2;
constexpr int kPhoneText = 1;
constexpr int kLangRegion = 2;
constexpr int kLegalForm = 1;
constexpr int kPostcode = 2;

}  // namespace

void CountryVotes::Add(std::string_view code, int weight) {
  if (!IsAlpha2(code) || weight <= 0) return;
  votes_[Upper(code)] += weight;
}

std::string CountryVotes::Best(int min_weight) const {
  std::string best;
  int w = 0;
  for (const auto& [code, weight] : votes_) {
    if (weight > w) {
      best = code;
      w = weight;
    }
  }
  return w >= min_weight ? best : std::string();
}

int CountryVotes::WeightOf(std::string_view code) const {
  auto it = votes_.find(Upper(code));
  return it == votes_.end() ? 0 : it->second;
}

std::string CountryFromTld(std::string_view domain) {
  std::string d = AsciiLower(domain);
  size_t dot = d.rfind('.');
  std::string tld = dot == std::string::npos ? d : d.substr(dot + 1);
  if (tld == "uk") return "GB";
  if (tld.size() != 2) return {};
  static constexpr std::string_view kGenericUse[] = {"co", "me", "tv", "ai", "io", "fm",
                                                     "ly", "to", "cc", "ws", "gg", "sh",
                                                     "am", "so", "vc", "su", "eu", "nu"};
  for (std::string_view g : kGenericUse) {
    if (tld == g) return {};
  }
  return Upper(tld);
}

std::string CountryFromLang(std::string_view lang) {
  size_t sep = lang.find_first_of("-_");
  if (sep == std::string_view::npos) return {};
  std::string_view region = lang.substr(sep + 1);
  region = region.substr(0, region.find_first_of("-_"));
  return IsAlpha2(region) ? Upper(region) : std::string();
}

std::string NormalizeCountry(std::string_view text) {
  std::string t = AsciiLower(text);
  while (!t.empty() && (t.back() == ' ' || t.back() == '.')) t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(0, 1);
  if (t == "uk" || t == "england" || t == "scotland" || t == "wales" || t == "northern ireland" ||
      t == "united kingdom" || t == "great britain" || t == "gbr") {
    return "GB";
  }
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"united states", "US"}, {"united states of america", "US"},
      {"usa", "US"},           {"u.s.a", "US"},
      {"germany", "DE"},       {"deutschland", "DE"},
      {"deu", "DE"},           {"france", "FR"},
      {"fra", "FR"},           {"ireland", "IE"},
      {"éire", "IE"},          {"irl", "IE"},
      {"australia", "AU"},     {"aus", "AU"},
      {"netherlands", "NL"},   {"nederland", "NL"},
      {"spain", "ES"},         {"españa", "ES"},
      {"italy", "IT"},         {"italia", "IT"},
      {"austria", "AT"},       {"österreich", "AT"},
      {"switzerland", "CH"},   {"schweiz", "CH"},
      {"suisse", "CH"},        {"belgium", "BE"},
      {"belgique", "BE"},      {"canada", "CA"},
      {"new zealand", "NZ"},   {"portugal", "PT"},
      {"denmark", "DK"},       {"sweden", "SE"},
      {"norway", "NO"},        {"poland", "PL"}};
  for (const auto& [name, code] : kNames) {
    if (t == name) return std::string(code);
  }
  if (IsAlpha2(t)) return Upper(t);
  return {};
}

namespace {

std::string CountryOfPhoneUncached(std::string_view e164) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
  std::string region;
  util.GetRegionCodeForNumber(number, &region);
  return region == "ZZ" ? std::string() : region;
}

// True when some A-Z is directly followed by 0-9: every UK postcode has one,
// and most short blocks do not, so they skip the regex call.
bool HasCapitalThenDigit(std::string_view text) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i + 1] >= '0' && text[i + 1] <= '9' && text[i] >= 'A' && text[i] <= 'Z') return true;
  }
  return false;
}

// The first legal form ("GmbH", "Pty Ltd", "SARL", "Ltd", "Limited", "LLC",
// "Inc.") in each short block (under kMaxBlock bytes; longer ones are prose),
// or "". One RE2 search over the short blocks joined by newlines finds them,
// not one call per block: a page has a hundred blocks, most without one, and
// RE2's per-call setup costs more than scanning a short block. The pattern
// cannot match across a newline (it has no \s and no newline), and a
// newline reads as the end of text does for \b, so each block's first match
// is the one a search of that block alone finds. Searched lazily, block by
// block, as far as the caller reads.
class LegalForms {
 public:
  explicit LegalForms(const std::vector<TextBlock>& blocks) {
    for (const TextBlock& b : blocks) {
      if (b.text.size() < kMaxBlock) {
        spans_.push_back({joined_.size(), b.text.size()});
        joined_ += b.text;
        joined_ += '\n';
      } else {
        spans_.push_back({std::string::npos, 0});
      }
    }
  }

  // The form in block `i`, or "". Blocks are read in ascending order.
  std::string_view Of(size_t i) {
    auto [start, size] = spans_[i];
    if (start == std::string::npos) return {};
    // The last search found the first match at or after its start (none:
    // npos); that start is at most this block's, so the answer still holds
    // unless the match lies before this block.
    if (!searched_ || (match_at_ != std::string::npos && match_at_ < start)) Search(start);
    if (match_at_ == std::string::npos || match_at_ >= start + size) return {};
    return form_;
  }

 private:
  static constexpr size_t kMaxBlock = 400;

  void Search(size_t from) {
    static const RE2 legal("(?i)\\b(gmbh|pty\\.? ltd|s\\.?a\\.?r\\.?l|ltd|limited|llc|inc\\.)\\b");
    searched_ = true;
    re2::StringPiece input(joined_);
    re2::StringPiece sub[2];
    if (MatchWithCaptures(legal, input, from, joined_.size(), sub, 2)) {
      match_at_ = static_cast<size_t>(sub[0].data() - joined_.data());
      form_ = std::string_view(sub[1].data(), sub[1].size());
    } else {
      match_at_ = std::string::npos;
    }
  }

  std::string joined_;
  std::vector<std::pair<size_t, size_t>>
      spans_;  // (start in joined_, size) per block; npos: a long block
  bool searched_ = false;
  size_t match_at_ = std::string::npos;  // the last search's match, npos if none
  std::string_view form_;
};

}  // namespace

std::string CountryOfPhone(std::string_view e164) {
  // A site repeats its numbers on every page, and parsing one with
  // libphonenumber costs more than the rest of a page's country hints.
  // Per thread, so no locking; bounded by clearing.
  constexpr size_t kMaxCached = 1024;
  thread_local std::map<std::string, std::string, std::less<>> cache;
  if (auto it = cache.find(e164); it != cache.end()) return it->second;
  if (cache.size() >= kMaxCached) cache.clear();
  std::string region = CountryOfPhoneUncached(e164);
  cache.emplace(std::string(e164), region);
  return region;
}

void AddPageCountryHints(const Document& doc, const std::vector<LdNode>& ld, CountryVotes& votes) {
  for (const LdNode& n : ld) {
    for (const auto& [k, v] : n.props) {
      if (k == "addressCountry" || k.ends_with(".addressCountry") ||
          k.ends_with("addressCountry.name")) {
        votes.Add(NormalizeCountry(v), kJsonLdCountry);
      }
    }
  }
  for (const MicrodataProp& p : doc.microdata) {
    if (p.prop == "addressCountry") votes.Add(NormalizeCountry(p.value), kJsonLdCountry - 1);
  }
  int phone_links = 0;
  for (const Link& l : doc.links) {
    if (phone_links >= 3) break;
    if (l.href.size() < 6 || AsciiLower(l.href.substr(0, 4)) != "tel:") continue;
    std::string num;
    for (char c : l.href.substr(4)) {
      if (std::isdigit(static_cast<unsigned char>(c)) || c == '+') num.push_back(c);
    }
    if (num.starts_with("00")) num = "+" + num.substr(2);
    if (!num.starts_with("+")) continue;
    votes.Add(CountryOfPhone(num), kPhoneLink);
    ++phone_links;
  }
  votes.Add(CountryFromLang(doc.lang), kLangRegion);
  static const RE2 intl("(?:^|[^\\w+])\\+\\s?(44|49|33|353|61|1|31|34|39|43|41|32|64)[\\s(]");
  static const RE2 uk_postcode("\\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\\b");
  LegalForms legal_forms(doc.blocks);
  int text_hints = 0;
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const TextBlock& b = doc.blocks[i];
    if (text_hints >= 6) break;
    std::string cc;
    re2::StringPiece sub[2];  // RE2::PartialMatch(b.text, intl, &cc), captures remembered
    if (b.text.find('+') != std::string::npos &&
        MatchWithCaptures(intl, re2::StringPiece(b.text), 0, b.text.size(), sub, 2)) {
      cc = std::string(sub[1].data(), sub[1].size());
      static const std::map<std::string, std::string> kCodes = {
          {"44", "GB"}, {"49", "DE"}, {"33", "FR"}, {"353", "IE"}, {"61", "AU"},
          {"1", "US"},  {"31", "NL"}, {"34", "ES"}, {"39", "IT"},  {"43", "AT"},
          {"41", "CH"}, {"32", "BE"}, {"64", "NZ"}};
      votes.Add(kCodes.at(cc), kPhoneText);
      ++text_hints;
    }
    if (std::string_view form = legal_forms.Of(i); !form.empty()) {
      std::string f = AsciiLower(form);
      if (f == "gmbh")
        votes.Add("DE", kLegalForm);
      else if (f.starts_with("pty"))
        votes.Add("AU", kLegalForm);
      else if (f.starts_with("s"))
        votes.Add("FR", kLegalForm);
      else if (f == "llc" || f == "inc.")
        votes.Add("US", kLegalForm);
      else
        votes.Add("GB", kLegalForm);
      ++text_hints;
    }
    if (b.text.size() < 300 && HasCapitalThenDigit(b.text) &&
        RE2::PartialMatch(b.text, uk_postcode)) {
      votes.Add("GB", kPostcode);
      ++text_hints;
    }
  }
}

std::string DefaultPhoneRegion(const CountryVotes& votes, std::string_view domain,
                               std::string_view lang) {
  std::string best = votes.Best(2);
  if (!best.empty()) return best;
  std::string tld = CountryFromTld(domain);
  if (!tld.empty()) return tld;
  std::string l = AsciiLower(lang.substr(0, 2));
  if (l == "de") return "DE";
  if (l == "fr") return "FR";
  if (l == "nl") return "NL";
  if (l == "it") return "IT";
  if (l == "es") return "ES";
  return "US";
}

}  // namespace trawl
