// Company and VAT numbers: labelled patterns per country, check digits where
// the country defines them (vat_checksums.h). A bare run of digits is never
// taken for a company number: only a label ("Company No", "HRB", "SIREN",
// "ABN", ...) or a VAT country prefix makes it one.
#include "extract/company_ids.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "extract/vat_checksums.h"

namespace trawl {
namespace {

struct Found {
  std::string value;
  std::string country;
};

std::string StripSeparators(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '.' || c == '-' || c == '/') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

// The page text and a lower-case copy for finding trigger words.
struct Page {
  std::string_view text;
  std::string lower;
  explicit Page(std::string_view t) : text(t), lower(t) {
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
};

// Stretches of the page worth running a pattern on: around each occurrence
// of a trigger word (looked up in the lower-case copy, or case-sensitively
// when the trigger has capitals). A page without any trigger costs a few
// memchr-speed scans instead of a regex pass per country.
std::vector<std::pair<size_t, size_t>> Windows(const Page& page, std::initializer_list<std::string_view> triggers) {
  constexpr size_t kBefore = 16, kAfter = 200;
  std::vector<std::pair<size_t, size_t>> found;
  for (std::string_view trigger : triggers) {
    bool exact = std::any_of(trigger.begin(), trigger.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    std::string_view hay = exact ? page.text : std::string_view(page.lower);
    for (size_t p = hay.find(trigger); p != std::string_view::npos; p = hay.find(trigger, p + 1)) {
      found.emplace_back(p > kBefore ? p - kBefore : 0, std::min(hay.size(), p + trigger.size() + kAfter));
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (const auto& w : found) {
    if (!merged.empty() && w.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, w.second);
    } else {
      merged.push_back(w);
    }
  }
  return merged;
}

// Calls fn(groups, offset of the match) for every match of `re` in the
// windows around `triggers`. Groups are 1..n; `n` at most 9.
template <typename Fn>
void ForEachMatch(const RE2& re, const Page& page, std::initializer_list<std::string_view> triggers, Fn fn) {
  std::string_view text = page.text;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece sub[10];
  int n = std::min(re.NumberOfCapturingGroups() + 1, 10);
  for (const auto& [begin, end] : Windows(page, triggers)) {
    size_t pos = begin;
    while (pos < end && re.Match(input, pos, end, RE2::UNANCHORED, sub, n)) {
      fn(sub, static_cast<size_t>(sub[0].data() - text.data()));
      size_t next = static_cast<size_t>(sub[0].data() + sub[0].size() - text.data());
      pos = next > pos ? next : pos + 1;
    }
  }
}

std::string Group(const re2::StringPiece& sp) { return sp.data() ? std::string(sp.data(), sp.size()) : ""; }

// ---- company numbers, one function per country ------------------------------

// UK Companies House: 8 digits, or a 2-letter prefix and 6 digits. A clear
// label (group 1) lets a 7-digit number be padded; "Reg. No." (group 2) is
// shared with VAT, charity and professional registers, so it needs 8 chars.
void UkCompanyNumbers(const Page& page, std::vector<Found>& out) {
  std::string_view text = page.text;
  static const RE2 re(
      "(?i)(?:(company\\s+(?:registration\\s+)?(?:no|number|num|nr|reg(?:istration)?\\.?\\s*no)\\b\\.?"
      "|companies\\s+house(?:\\s+(?:no|number|registration(?:\\s+(?:no|number))?)\\b\\.?)?"
      "|\\bcrn\\b|registered\\s+in\\s+(?:england|wales|scotland|northern\\s+ireland)[^0-9]{0,50}?)"
      "|(\\breg(?:istration|istered|\\.)?\\s*(?:no|number|nr)\\b\\.?))"
      "\\s*[:.#]?\\s*((?:SC|NI|OC|SO|NC|R0|FC|SF|NF|GS|IP|SP|RS|LP|SL|SE|ZC|SZ|NZ|GE|CE|CS)\\s?\\d{6}"
      "|\\d{8}|\\d{7}|\\d{4}\\s\\d{4}|\\d{2}\\s\\d{3}\\s\\d{3}|\\d{3}\\s\\d{4})\\b");
  ForEachMatch(re, page, {"compan", "reg", "crn"}, [&](const re2::StringPiece* g, size_t at) {
    bool clear = g[1].data() != nullptr;
    if (!clear) {
      std::string_view before = text.substr(at >= 16 ? at - 16 : 0, std::min<size_t>(at, 16));
      for (std::string_view other : {"vat", "charity", "ust", "gdc", "gmc", "fca", "tva", "btw", "cqc"}) {
        if (ContainsNoCase(before, other)) return;
      }
    }
    std::string number = StripSeparators(Group(g[3]));
    if (number.size() == 7 && clear) number = "0" + number;
    if (number.size() == 8) out.push_back({number, "GB"});
  });
}

void DeCompanyNumbers(const Page& page, std::vector<Found>& out) {
  std::string_view text = page.text;
  static const RE2 hr("\\b(HR[AB])\\s*(?:Nr\\.?\\s*|-)?(\\d{1,6})(?:\\s([A-Z]))?\\b");
  static const RE2 other("\\b(VR|PR|GnR)\\s*(?:Nr\\.?\\s*)?(\\d{1,6})\\b");
  ForEachMatch(hr, page, {"HRA", "HRB"}, [&](const re2::StringPiece* g, size_t) {
    std::string value = Group(g[1]) + " " + Group(g[2]);
    if (g[3].data()) value += " " + Group(g[3]);
    out.push_back({value, "DE"});
  });
  // Vereins-/Partnerschafts-/Genossenschaftsregister letters are common
  // words elsewhere ("PR 2024"), so they need a register word just before.
  ForEachMatch(other, page, {"register", "amtsgericht"}, [&](const re2::StringPiece* g, size_t at) {
    std::string_view before = text.substr(at >= 60 ? at - 60 : 0, std::min<size_t>(at, 60));
    if (ContainsNoCase(before, "register") || ContainsNoCase(before, "amtsgericht")) {
      out.push_back({Group(g[1]) + " " + Group(g[2]), "DE"});
    }
  });
}

void FrCompanyNumbers(const Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)\\b(SIRET|SIREN|RCS)\\b[^0-9]{0,40}?"
      "(\\d{3}\\s?\\d{3}\\s?\\d{3}(?:\\s?\\d{5}|\\s\\d{3}\\s\\d{2})?)\\b");
  ForEachMatch(re, page, {"siren", "siret", "rcs"}, [&](const re2::StringPiece* g, size_t) {
    std::string digits = StripSeparators(Group(g[2]));
    if (!LuhnCheck(digits)) return;
    out.push_back({(digits.size() == 14 ? "SIRET " : "SIREN ") + digits, "FR"});
  });
}

void AuCompanyNumbers(const Page& page, std::vector<Found>& out) {
  static const RE2 abn("(?i)\\bABN\\b\\s*[:.#]?\\s*(\\d{2}\\s?\\d{3}\\s?\\d{3}\\s?\\d{3})\\b");
  static const RE2 acn("(?i)\\bACN\\b\\s*[:.#]?\\s*(\\d{3}\\s?\\d{3}\\s?\\d{3})\\b");
  ForEachMatch(abn, page, {"abn"}, [&](const re2::StringPiece* g, size_t) {
    std::string digits = StripSeparators(Group(g[1]));
    if (AbnCheck(digits)) out.push_back({"ABN " + digits, "AU"});
  });
  ForEachMatch(acn, page, {"acn"}, [&](const re2::StringPiece* g, size_t) {
    std::string digits = StripSeparators(Group(g[1]));
    if (AcnCheck(digits)) out.push_back({"ACN " + digits, "AU"});
  });
}

void IeCompanyNumbers(const Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)(?:\\bCRO\\b(?:\\s*(?:no|number|nr)\\b\\.?)?"
      "|registered\\s+in\\s+(?:the\\s+republic\\s+of\\s+)?ireland[^0-9]{0,40}?"
      "|companies\\s+registration\\s+office[^0-9]{0,30}?)\\s*[:.#]?\\s*(\\d{5,6})\\b");
  ForEachMatch(re, page, {"cro", "ireland", "companies registration"}, [&](const re2::StringPiece* g, size_t) { out.push_back({"CRO " + Group(g[1]), "IE"}); });
}

void NlCompanyNumbers(const Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)(?:\\bKvK\\b(?:[\\s-]?(?:nummer|nr|number|no)\\b\\.?)?|kamer\\s+van\\s+koophandel[^0-9]{0,30}?"
      "|chamber\\s+of\\s+commerce(?:\\s+(?:no|number|nr)\\b\\.?)?)\\s*[:.#]?\\s*(\\d{8}|\\d{4}\\s\\d{4})\\b");
  ForEachMatch(re, page, {"kvk", "kamer van", "chamber of"}, [&](const re2::StringPiece* g, size_t) {
    out.push_back({"KvK " + StripSeparators(Group(g[1])), "NL"});
  });
}

void EsCompanyNumbers(const Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)\\b(?:C\\.?I\\.?F|N\\.?I\\.?F)\\b\\.?(?:\\s*(?:n[ºo°]\\.?|número))?\\s*[:.]?\\s*(?:ES[\\s-]?)?"
      "([A-Z][\\s.-]?\\d{2}[\\s.]?\\d{3}[\\s.]?\\d{2}[\\s.-]?[0-9A-Z])\\b");
  ForEachMatch(re, page, {"cif", "nif", "c.i.f", "n.i.f"}, [&](const re2::StringPiece* g, size_t) {
    std::string cif = StripSeparators(Group(g[1]));
    if (EsCifCheck(cif)) out.push_back({"CIF " + cif, "ES"});
  });
}

void ItCompanyNumbers(const Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)\\bR\\.?\\s?E\\.?\\s?A\\b\\.?(?:\\s*(?:n[.°º]?|nr\\.?|numero))?\\s*[:.]?\\s*([A-Z]{2})[\\s-]*(\\d{5,7})\\b");
  ForEachMatch(re, page, {"REA", "R.E.A", "R. E. A"}, [&](const re2::StringPiece* g, size_t) {
    out.push_back({"REA " + StripSeparators(Group(g[1])) + "-" + Group(g[2]), "IT"});
  });
}

// ---- VAT numbers -------------------------------------------------------------

// Prefixed VAT numbers in the forms sites write them; separators are
// stripped before the check. The GB branch form is only taken unspaced, so
// "GB123456782 123 High St" does not grow a branch suffix.
const RE2& PrefixedVatPattern() {
  static const RE2 re(
      "\\b(?:(GB)\\s?(\\d{12}|\\d{3}\\s?\\d{4}\\s?\\d{2})"
      "|(DE)\\s?(\\d{3}\\s?\\d{3}\\s?\\d{3})"
      "|(FR)\\s?([0-9A-Z]{2}\\s?\\d{3}\\s?\\d{3}\\s?\\d{3})"
      "|(NL)\\s?(\\d{4}\\.?\\d{2}\\.?\\d{3}\\.?B\\.?\\d{2}|\\d{9}\\s?B\\s?\\d{2})"
      "|(IE)\\s?(\\d{7}[A-W][A-IW]?|\\d[A-Z+*]\\d{5}[A-W])"
      "|(ES)[\\s-]?([0-9A-Z]-?\\d{7}-?[0-9A-Z])"
      "|(IT)\\s?(\\d{11})"
      "|(AT)\\s?(U\\s?\\d{8})"
      "|(BE)\\s?([01]?\\d{3}[.\\s]?\\d{3}[.\\s]?\\d{3}))\\b");
  return re;
}

void PrefixedVat(const Page& page, std::vector<Found>& out) {
  std::string_view text = page.text;
  re2::StringPiece sub[19];
  re2::StringPiece input(text.data(), text.size());
  for (const auto& [begin, end] : Windows(page, {"GB", "DE", "FR", "NL", "IE", "ES", "IT", "AT", "BE"})) {
    size_t pos = begin;
    while (pos < end && PrefixedVatPattern().Match(input, pos, end, RE2::UNANCHORED, sub, 19)) {
      for (int g = 1; g < 19; g += 2) {
        if (sub[g].data() == nullptr) continue;
        std::string vat = Group(sub[g]) + StripSeparators(Group(sub[g + 1]));
        if (VatChecksumValid(vat)) out.push_back({vat, Group(sub[g])});
        break;
      }
      pos = static_cast<size_t>(sub[0].data() + sub[0].size() - text.data());
    }
  }
}

// Unprefixed numbers after a VAT label: the label's language names the
// country ("USt-IdNr." is German); a plain "VAT" label takes the hint.
void LabelledVat(const Page& page, std::string_view hint, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)(?:(\\bVAT\\b(?:\\s*(?:reg(?:istration)?\\.?|registered))?(?:\\s*(?:no|number|nr|id)\\b\\.?)?)"
      "|(\\bUSt\\.?[\\s-]*Id(?:ent)?(?:[\\s-]*Nr)?\\.?|\\bUmsatzsteuer[\\s-]*(?:Identifikationsnummer|ID)\\w*)"
      "|(\\bUID(?:-?Nr)?\\b\\.?)"
      "|(\\bTVA\\b(?:\\s*intracom\\w*)?)"
      "|(\\bBTW\\b(?:[\\s-]?(?:nummer|nr|id)\\b\\.?)?)"
      "|((?:\\bP\\.?\\s?IVA\\b|\\bPartita\\s+IVA\\b)"
      "(?:\\s*(?:e|/|&|-|und|and)\\s*(?:\\bC\\.?\\s?F\\b\\.?|\\bCod(?:ice|\\.)?\\s*Fisc(?:ale|\\.)?))?))"
      "\\s*[:.#]?\\s*(U?\\d[\\d .]{6,14}\\d(?:\\s?B\\s?\\d{2})?|\\d{7}[A-W][A-IW]?|\\d[A-Z+*]\\d{5}[A-W])\\b");
  static const char* const kCountryByGroup[] = {"", "DE", "AT", "FR", "NL", "IT"};
  ForEachMatch(re, page, {"vat", "ust", "uid", "tva", "btw", "iva", "umsatzsteuer"}, [&](const re2::StringPiece* g, size_t) {
    int group = 1;
    while (group <= 6 && g[group].data() == nullptr) ++group;
    if (group > 6) return;
    std::string country = group == 1 ? std::string(hint) : kCountryByGroup[group - 1];
    // Belgium labels its numbers BTW/TVA too.
    if ((group == 4 || group == 5) && hint == "BE") country = "BE";
    if (country.size() != 2) return;
    // The digit run may have swallowed a following number ("VAT No 123 4567
    // 82 12 High St"): drop trailing groups until the check passes.
    std::string digits = Group(g[7]);
    while (!digits.empty()) {
      std::string vat = country + StripSeparators(digits);
      if (country == "AT" && vat[2] != 'U') vat.insert(2, "U");
      if (VatChecksumValid(vat)) {
        out.push_back({vat, country});
        return;
      }
      size_t cut = digits.find_last_of(" .");
      digits.resize(cut == std::string::npos ? 0 : cut);
    }
  });
}

// Best first: numbers of the hinted country, then in page order; no repeats.
std::vector<Sourced> Rank(std::vector<Found> found, std::string_view hint, const std::string& source) {
  std::stable_sort(found.begin(), found.end(), [&](const Found& a, const Found& b) {
    return (a.country == hint) > (b.country == hint);
  });
  std::vector<Sourced> out;
  for (Found& f : found) {
    bool seen = std::any_of(out.begin(), out.end(), [&](const Sourced& s) { return s.value == f.value; });
    if (!seen) out.push_back(Sourced{std::move(f.value), source});
  }
  return out;
}

// The blocks, one per line. One regex pass over the
// whole page costs far less than one per block (RE2's per-call setup
// dominates on short blocks), and a label at the end of one block may name
// the number at the start of the next.
std::string JoinedText(const Document& doc) {
  std::string out;
  for (const TextBlock& block : doc.blocks) {
    out += block.text;
    out += '\n';
  }
  return out;
}

}  // namespace

std::vector<Sourced> ExtractCompanyNumbers(const Document& doc, std::string_view country_hint) {
  std::vector<Found> found;
  std::string text = JoinedText(doc);
  Page page(text);
  UkCompanyNumbers(page, found);
  DeCompanyNumbers(page, found);
  FrCompanyNumbers(page, found);
  AuCompanyNumbers(page, found);
  IeCompanyNumbers(page, found);
  NlCompanyNumbers(page, found);
  EsCompanyNumbers(page, found);
  ItCompanyNumbers(page, found);
  return Rank(std::move(found), country_hint, doc.url);
}

std::vector<Sourced> ExtractVatNumbers(const Document& doc, std::string_view country_hint) {
  std::vector<Found> found;
  std::string text = JoinedText(doc);
  Page page(text);
  PrefixedVat(page, found);
  LabelledVat(page, country_hint, found);
  // schema.org vatID/taxID usually carry the prefix.
  for (const std::string& json : doc.json_ld) PrefixedVat(Page(json), found);
  for (const MicrodataProp& prop : doc.microdata) {
    if (prop.prop == "vatID" || prop.prop == "taxID") PrefixedVat(Page(prop.value), found);
  }
  return Rank(std::move(found), country_hint, doc.url);
}

bool VatChecksumValid(std::string_view vat) {
  if (vat.size() < 3) return false;
  std::string_view country = vat.substr(0, 2);
  std::string_view body = vat.substr(2);
  if (country == "GB") return GbVatCheck(body);
  if (country == "DE") return DeVatCheck(body);
  if (country == "FR") return FrVatCheck(body);
  if (country == "NL") return NlVatCheck(body);
  if (country == "IE") return IeVatCheck(body);
  if (country == "ES") return EsVatCheck(body);
  if (country == "IT") return ItVatCheck(body);
  if (country == "AT") return AtVatCheck(body);
  if (country == "BE") return BeVatCheck(body);
  return true;
}

}  // namespace trawl
