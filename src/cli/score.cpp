// Scoring of profiles against truth files; see score.h.
#include "cli/score.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.h"

namespace trawl::score {
namespace {

using nlohmann::json;
using KeySet = std::set<std::string>;

// Folds ASCII and the Latin-1 capitals (U+00C0..U+00DE except U+00D7) so that
// "CAFÉ" and "Café" compare equal; enough for the corpus's languages.
std::string FoldCase(const std::string& s) {
  std::string out = AsciiLower(s);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    auto lead = static_cast<unsigned char>(out[i]);
    auto next = static_cast<unsigned char>(out[i + 1]);
    if (lead == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97)
      out[i + 1] = static_cast<char>(next + 0x20);
  }
  return out;
}

std::string StringOr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A string key, or the "value" of an object key ({"value": ..., "source": ...}).
std::string ValueOf(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object()) return StringOr(j, "value");
  return {};
}

std::optional<std::string> OptionalValue(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  std::string v = ValueOf(*it);
  if (v.empty()) return std::nullopt;
  return v;
}

Result<std::vector<std::string>> StringList(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return Fail(ErrorCode::kUsage, fmt::format("'{}' is not an array", key));
  for (const auto& v : *it) {
    if (!v.is_string()) return Fail(ErrorCode::kUsage, fmt::format("'{}' holds a non-string", key));
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<MustNot> ParseMustNot(const json& j) {
  MustNot m;
  if (j.is_null()) return m;
  if (!j.is_object()) return Fail(ErrorCode::kUsage, "'must_not' is not an object");
  std::pair<const char*, std::vector<std::string>*> lists[] = {
      {"emails", &m.emails},         {"phones", &m.phones},
      {"social", &m.social},         {"company_number", &m.company_number},
      {"vat_number", &m.vat_number}, {"postcodes", &m.postcodes}};
  for (auto& [key, dest] : lists) {
    auto list = StringList(j, key);
    if (!list) return tl::unexpected(list.error());
    *dest = std::move(*list);
  }
  return m;
}

Result<std::vector<TruthPhone>> ParsePhones(const json& j) {
  std::vector<TruthPhone> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return Fail(ErrorCode::kUsage, "'phones' is not an array");
  for (const auto& p : j) {
    if (!p.is_object() || !p.contains("value"))
      return Fail(ErrorCode::kUsage, "a phone lacks 'value'");
    out.push_back({StringOr(p, "value"), StringOr(p, "kind") == "fax"});
  }
  return out;
}

// Adds tp/fp/fn of one set comparison, remembering the differences.
void CompareSets(const KeySet& expected, const KeySet& got, const std::string& field,
                 DomainScore& d) {
  FieldCounts& c = d.fields[field];
  for (const auto& k : got) {
    if (expected.count(k)) {
      ++c.tp;
    } else {
      ++c.fp;
      d.false_positives[field].push_back(k);
    }
  }
  for (const auto& k : expected) {
    if (!got.count(k)) {
      ++c.fn;
      d.false_negatives[field].push_back(k);
    }
  }
}

// A profile may put the register's label before the number ("SIREN 812453678",
// "KvK 64821937", "REA MI-2075413"); the number after it must match. The
// truth's own label ("HRB 234517") is part of the number and always required.
bool CompanyNumberEqual(const std::string& truth, const std::string& got) {
  std::string t = NormalizeId(truth), g = NormalizeId(got);
  if (t.empty() || g.size() < t.size() || g.compare(g.size() - t.size(), t.size(), t) != 0)
    return false;
  size_t label = g.size() - t.size();
  return label <= 6 && std::all_of(g.begin(), g.begin() + label, [](char c) {
           return std::isalpha(static_cast<unsigned char>(c));
         });
}

std::string PhoneKey(const std::string& value, bool fax) { return value + (fax ? " (fax)" : ""); }

bool VatEqual(const std::string& truth, const std::string& got) {
  std::string t = NormalizeId(truth), g = NormalizeId(got);
  if (t == g) return true;
  // "VAT Reg. No. 123 4567 82" on a UK page: the country prefix is implied.
  return t.size() > 2 && std::isalpha(static_cast<unsigned char>(t[0])) &&
         std::isalpha(static_cast<unsigned char>(t[1])) && t.substr(2) == g;
}

// Scores a single-valued identifier: equal is a TP; a different value is an
// FP (and an FN when a value was expected).
void CompareSingle(const std::optional<std::string>& expected,
                   const std::optional<std::string>& got, const std::string& field,
                   DomainScore& d) {
  FieldCounts& c = d.fields[field];
  bool equal =
      expected && got &&
      (field == "vat_number" ? VatEqual(*expected, *got) : CompanyNumberEqual(*expected, *got));
  if (equal) {
    ++c.tp;
    return;
  }
  if (got) {
    ++c.fp;
    d.false_positives[field].push_back(*got);
  }
  if (expected) {
    ++c.fn;
    d.false_negatives[field].push_back(*expected);
  }
}

KeySet SocialKeys(const std::map<std::string, std::string>& social) {
  KeySet out;
  for (const auto& [net, url] : social) out.insert(net + " " + AsciiLower(url));
  return out;
}

std::map<std::string, std::string> ProfileSocial(const json& p) {
  std::map<std::string, std::string> out;
  auto it = p.find("social");
  if (it == p.end() || !it->is_object()) return out;
  for (const auto& [net, v] : it->items()) {
    std::string url = ValueOf(v);
    if (!url.empty()) out[net] = url;
  }
  return out;
}

std::vector<json> ArrayOf(const json& p, const char* key) {
  auto it = p.find(key);
  if (it == p.end() || !it->is_array()) return {};
  return std::vector<json>(it->begin(), it->end());
}

bool NameMatches(const Truth& t, const std::string& got) {
  std::string g = NormalizeName(got);
  if (g.empty()) return false;
  if (g == NormalizeName(t.company_name)) return true;
  return std::any_of(t.company_name_alternatives.begin(), t.company_name_alternatives.end(),
                     [&](const std::string& alt) { return NormalizeName(alt) == g; });
}

bool SocialForbidden(const std::string& url, const std::string& forbidden) {
  std::string u = AsciiLower(url), f = AsciiLower(forbidden);
  // A forbidden entry also covers everything under it ("https://twitter.com/intent").
  return u == f || (u.size() > f.size() && u.compare(0, f.size(), f) == 0 &&
                    (u[f.size()] == '/' || u[f.size()] == '?'));
}

void FindNegatives(const Truth& t, const json& p, DomainScore& d) {
  auto note = [&](const std::string& what) { d.negatives.push_back(what); };
  for (const auto& e : ArrayOf(p, "emails"))
    for (const auto& bad : t.must_not.emails)
      if (AsciiLower(ValueOf(e)) == AsciiLower(bad)) note("emails: " + bad + " (must_not)");
  std::set<std::string> faxes;
  for (const auto& ph : t.phones)
    if (ph.fax) faxes.insert(ph.value);
  for (const auto& ph : ArrayOf(p, "phones")) {
    std::string v = ValueOf(ph), kind = ph.is_object() ? StringOr(ph, "kind") : "";
    for (const auto& bad : t.must_not.phones)
      if (v == bad) note("phones: " + bad + " (must_not)");
    if (faxes.count(v) && kind != "fax")
      note("phones: fax " + v + " reported as " + (kind.empty() ? "phone" : kind));
  }
  for (const auto& [net, url] : ProfileSocial(p))
    for (const auto& bad : t.must_not.social)
      if (SocialForbidden(url, bad)) note(fmt::format("social: {} (must_not {})", url, bad));
  auto company_number = OptionalValue(p, "company_number");
  for (const auto& bad : t.must_not.company_number)
    if (company_number && CompanyNumberEqual(bad, *company_number))
      note("company_number: " + *company_number + " (must_not)");
  auto vat_number = OptionalValue(p, "vat_number");
  for (const auto& bad : t.must_not.vat_number)
    if (vat_number && NormalizeId(bad) == NormalizeId(*vat_number))
      note("vat_number: " + *vat_number + " (must_not)");
  for (const auto& a : ArrayOf(p, "addresses"))
    for (const auto& bad : t.must_not.postcodes)
      if (a.is_object() && NormalizePostcode(StringOr(a, "postcode")) == NormalizePostcode(bad))
        note("postcode: " + bad + " (must_not)");
}

DomainScore ScoreDomain(const Truth& t, const json* p) {
  static const json kEmpty = json::object();
  const json& prof = p ? *p : kEmpty;
  DomainScore d;
  d.domain = t.domain;
  d.profiled = p != nullptr;
  KeySet te, ge, tp, gp, tpc, gpc;
  for (const auto& e : t.emails) te.insert(AsciiLower(e));
  for (const auto& e : ArrayOf(prof, "emails")) ge.insert(AsciiLower(ValueOf(e)));
  for (const auto& ph : t.phones) tp.insert(PhoneKey(ph.value, ph.fax));
  for (const auto& ph : ArrayOf(prof, "phones"))
    gp.insert(PhoneKey(ValueOf(ph), ph.is_object() && StringOr(ph, "kind") == "fax"));
  for (const auto& pc : t.postcodes) tpc.insert(NormalizePostcode(pc));
  for (const auto& a : ArrayOf(prof, "addresses")) {
    std::string pc = a.is_object() ? NormalizePostcode(StringOr(a, "postcode")) : "";
    if (!pc.empty()) gpc.insert(pc);
  }
  ge.erase("");
  gp.erase("");
  CompareSets(te, ge, "emails", d);
  CompareSets(tp, gp, "phones", d);
  CompareSets(SocialKeys(t.social), SocialKeys(ProfileSocial(prof)), "social", d);
  CompareSingle(t.company_number, OptionalValue(prof, "company_number"), "company_number", d);
  CompareSingle(t.vat_number, OptionalValue(prof, "vat_number"), "vat_number", d);
  CompareSets(tpc, gpc, "postcode", d);
  d.name_extracted = OptionalValue(prof, "company_name").value_or("");
  d.name_correct = NameMatches(t, d.name_extracted);
  FindNegatives(t, prof, d);
  return d;
}

std::string ProfileDomainKey(const json& p) {
  std::string d = AsciiLower(StringOr(p, "domain"));
  if (d.rfind("www.", 0) == 0) d.erase(0, 4);
  while (!d.empty() && d.back() == '.') d.pop_back();
  return d;
}

}  // namespace

double FieldCounts::Precision() const { return tp + fp ? double(tp) / (tp + fp) : 1.0; }
double FieldCounts::Recall() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
double FieldCounts::F1() const { return tp + fp + fn ? 2.0 * tp / (2.0 * tp + fp + fn) : 1.0; }

FieldCounts& FieldCounts::operator+=(const FieldCounts& o) {
  tp += o.tp;
  fp += o.fp;
  fn += o.fn;
  return *this;
}

std::string NormalizeName(const std::string& name) {
  std::string out;
  bool space = false;
  for (char c : FoldCase(name)) {
    if (IsAsciiSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  while (!out.empty() && std::string_view(".,;:!?").find(out.back()) != std::string_view::npos)
    out.pop_back();
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string NormalizeId(const std::string& id) {
  std::string out;
  for (char c : id)
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string NormalizePostcode(const std::string& pc) {
  std::string out;
  for (char c : pc)
    if (!IsAsciiSpace(c)) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<Truth> ParseTruth(const json& j) {
  if (!j.is_object() || !j.contains("domain"))
    return Fail(ErrorCode::kUsage, "truth lacks 'domain'");
  Truth t;
  t.domain = AsciiLower(StringOr(j, "domain"));
  t.domain_unicode = StringOr(j, "domain_unicode");
  if (t.domain_unicode.empty()) t.domain_unicode = t.domain;
  t.country = StringOr(j, "country");
  t.company_name = StringOr(j, "company_name");
  auto alts = StringList(j, "company_name_alternatives");
  auto emails = StringList(j, "emails");
  auto postcodes = StringList(j, "postcodes");
  auto phones = ParsePhones(j.value("phones", json()));
  auto must_not = ParseMustNot(j.value("must_not", json()));
  for (const auto* r : {&alts, &emails, &postcodes})
    if (!*r) return tl::unexpected(r->error());
  if (!phones) return tl::unexpected(phones.error());
  if (!must_not) return tl::unexpected(must_not.error());
  t.company_name_alternatives = std::move(*alts);
  t.emails = std::move(*emails);
  t.postcodes = std::move(*postcodes);
  t.phones = std::move(*phones);
  t.must_not = std::move(*must_not);
  t.social = ProfileSocial(j);
  t.company_number = OptionalValue(j, "company_number");
  t.vat_number = OptionalValue(j, "vat_number");
  return t;
}

Result<std::vector<Truth>> LoadTruthDir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  if (ec) return Fail(ErrorCode::kIo, fmt::format("cannot read {}: {}", dir, ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<Truth> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
      return Fail(ErrorCode::kUsage, fmt::format("{}: not valid JSON", f.string()));
    auto t = ParseTruth(j);
    if (!t) return Fail(ErrorCode::kUsage, fmt::format("{}: {}", f.string(), t.error().message));
    out.push_back(std::move(*t));
  }
  return out;
}

Result<std::vector<json>> LoadProfiles(const std::string& path, int* bad_lines) {
  std::ifstream in(path);
  if (!in) return Fail(ErrorCode::kIo, "cannot open " + path);
  std::vector<json> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
      out.push_back(std::move(j));
    } else if (bad_lines) {
      ++*bad_lines;
    }
  }
  return out;
}

Report Score(const std::vector<Truth>& truth, const std::vector<json>& profiles) {
  std::map<std::string, const json*> by_domain;
  Report r;
  for (const auto& p : profiles) {
    auto [it, inserted] = by_domain.emplace(ProfileDomainKey(p), &p);
    if (!inserted) ++r.duplicate_profiles;
  }
  std::set<std::string> known;
  for (const auto& t : truth) {
    known.insert(t.domain);
    known.insert(AsciiLower(t.domain_unicode));
    auto it = by_domain.find(t.domain);
    if (it == by_domain.end()) it = by_domain.find(AsciiLower(t.domain_unicode));
    DomainScore d = ScoreDomain(t, it == by_domain.end() ? nullptr : it->second);
    for (const char* f : kFields) r.fields[f] += d.fields[f];
    r.profiled += d.profiled;
    r.names_correct += d.name_correct;
    r.negatives += static_cast<int>(d.negatives.size());
    r.per_domain.push_back(std::move(d));
  }
  for (const char* f : kFields) r.micro += r.fields[f];
  for (const auto& [domain, p] : by_domain) r.extra_profiles += !known.count(domain);
  r.domains = static_cast<int>(truth.size());
  return r;
}

std::string FormatText(const Report& r, bool verbose) {
  std::ostringstream out;
  out << fmt::format("{:<16}{:>6}{:>6}{:>6}{:>11}{:>9}{:>8}\n", "field", "tp", "fp", "fn",
                     "precision", "recall", "f1");
  auto row = [&](const std::string& name, const FieldCounts& c) {
    out << fmt::format("{:<16}{:>6}{:>6}{:>6}{:>11.3f}{:>9.3f}{:>8.3f}\n", name, c.tp, c.fp, c.fn,
                       c.Precision(), c.Recall(), c.F1());
  };
  for (const char* f : kFields) row(f, r.fields.at(f));
  row("micro", r.micro);
  out << fmt::format("company name accuracy: {}/{} = {:.3f}\n", r.names_correct, r.domains,
                     r.NameAccuracy());
  out << fmt::format("negatives extracted: {}\n", r.negatives);
  out << fmt::format("domains: {} in truth, {} profiled, {} extra profile(s), {} duplicate(s)\n",
                     r.domains, r.profiled, r.extra_profiles, r.duplicate_profiles);
  for (const auto& d : r.per_domain) {
    for (const auto& n : d.negatives) out << fmt::format("  NEGATIVE {}: {}\n", d.domain, n);
    if (!verbose) continue;
    if (!d.profiled) out << fmt::format("  {}: no profile\n", d.domain);
    if (!d.name_correct)
      out << fmt::format("  {}: company_name got '{}'\n", d.domain, d.name_extracted);
    for (const auto& [field, values] : d.false_negatives)
      for (const auto& v : values) out << fmt::format("  {}: FN {} {}\n", d.domain, field, v);
    for (const auto& [field, values] : d.false_positives)
      for (const auto& v : values) out << fmt::format("  {}: FP {} {}\n", d.domain, field, v);
  }
  return out.str();
}

json ToJson(const Report& r, bool verbose) {
  auto counts = [](const FieldCounts& c) {
    return json{{"tp", c.tp},           {"fp", c.fp},  {"fn", c.fn}, {"precision", c.Precision()},
                {"recall", c.Recall()}, {"f1", c.F1()}};
  };
  json j = {{"fields", json::object()},
            {"micro", counts(r.micro)},
            {"micro_f1", r.micro.F1()},
            {"company_name",
             {{"correct", r.names_correct}, {"total", r.domains}, {"accuracy", r.NameAccuracy()}}},
            {"negatives_count", r.negatives},
            {"negatives", json::array()},
            {"domains", r.domains},
            {"profiled", r.profiled},
            {"extra_profiles", r.extra_profiles},
            {"duplicate_profiles", r.duplicate_profiles}};
  for (const char* f : kFields) j["fields"][f] = counts(r.fields.at(f));
  for (const auto& d : r.per_domain)
    for (const auto& n : d.negatives) j["negatives"].push_back(d.domain + ": " + n);
  if (!verbose) return j;
  j["per_domain"] = json::array();
  for (const auto& d : r.per_domain) {
    j["per_domain"].push_back({{"domain", d.domain},
                               {"profiled", d.profiled},
                               {"company_name", d.name_extracted},
                               {"company_name_correct", d.name_correct},
                               {"false_positives", d.false_positives},
                               {"false_negatives", d.false_negatives},
                               {"negatives", d.negatives}});
  }
  return j;
}

}  // namespace trawl::score
