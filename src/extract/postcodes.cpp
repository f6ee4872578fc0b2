// Postcode patterns per country; see postcodes.h.
#include "extract/postcodes.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "core/text.h"
#include "extract/match_memo.h"
#include "extract/text_scan.h"

namespace trawl {
namespace {

using Piece = re2::StringPiece;

size_t Offset(std::string_view text, const Piece& p) {
  return static_cast<size_t>(p.data() - text.data());
}

// Calls fn(groups) for each non-overlapping match; at most 5 groups.
// `starts` (ascending) holds every offset where a match can begin, found by
// a cheap byte scan: anchored tries there find the same matches, in the same
// order, as an unanchored pass over the whole page, without running the
// automaton over the long stretches of prose between them.
template <typename Fn>
void Scan(const RE2& re, std::string_view text, const std::vector<size_t>& starts, Fn fn) {
  Piece sub[6];
  int n = std::min(re.NumberOfCapturingGroups() + 1, 6);
  Piece input(text.data(), text.size());
  size_t pos = 0;
  for (size_t start : starts) {
    if (start < pos) continue;
    if (!MatchWithCaptures(re, input, start, text.size(), sub, n, RE2::ANCHOR_START)) continue;
    fn(sub);
    size_t next = Offset(text, sub[0]) + sub[0].size();
    pos = next > start ? next : start + 1;
  }
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

std::vector<size_t> Sorted(std::vector<size_t> starts) {
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  return starts;
}

// Offset where whitespace before `at` begins (RE2's \s, which is IsHtmlSpace: no \v).
size_t SkipSpaceBack(std::string_view text, size_t at) {
  while (at > 0 && IsHtmlSpace(text[at - 1])) --at;
  return at;
}

std::string Str(const Piece& p) {
  return p.data() ? std::string(p.data(), p.size()) : std::string();
}

// ---- GB, IE, US, AU, NL: formats distinctive enough to stand alone --------

bool IsUkArea(std::string_view area) {
  static const std::set<std::string, std::less<>> kAreas = {
      "AB", "AL", "B",  "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB",
      "CF", "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL",
      "DN", "DT", "DY", "E",  "EC", "EH", "EN", "EX", "FK", "FY", "G",  "GL", "GU", "GY",
      "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA",
      "KT", "KW", "KY", "L",  "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M",  "ME", "MK",
      "ML", "N",  "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL",
      "PO", "PR", "RG", "RH", "RM", "S",  "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO",
      "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW",
      "UB", "W",  "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"};
  return kAreas.count(area) > 0;
}

void FindGb(std::string_view text, const std::vector<DigitRun>& runs,
            std::vector<PostcodeMatch>& out) {
  // Outward code A9, A99, A9A, AA9, AA99, AA9A; inward 9AA without C I K M O V.
  static const RE2 re("\\b(([A-Z]{1,2})\\d[A-Z\\d]?) ?(\\d[ABD-HJLNP-UW-Z]{2})\\b");
  // The area letters end right where a digit run begins.
  std::vector<size_t> starts;
  for (const DigitRun& r : runs) {
    if (r.begin < 1 || !IsUpper(text[r.begin - 1])) continue;
    if (r.begin >= 2 && IsUpper(text[r.begin - 2])) starts.push_back(r.begin - 2);
    starts.push_back(r.begin - 1);
  }
  Scan(re, text, Sorted(std::move(starts)), [&](const Piece* g) {
    if (!IsUkArea(Str(g[2]))) return;
    out.push_back({Offset(text, g[0]), Offset(text, g[0]) + g[0].size(),
                   Str(g[1]) + " " + Str(g[3]), "GB", "", "", true});
  });
}

void FindIe(std::string_view text, const std::vector<DigitRun>& runs, std::string_view hint,
            std::string_view tld, std::vector<PostcodeMatch>& out) {
  static const RE2 re("\\b([AC-FHKNPRTV-Y]\\d{2}|D6W) ?([0-9AC-FHKNPRTV-Y]{4})\\b");
  // The routing key is one letter right before a digit run.
  std::vector<size_t> starts;
  for (const DigitRun& r : runs) {
    if (r.begin >= 1 && IsUpper(text[r.begin - 1])) starts.push_back(r.begin - 1);
  }
  Scan(re, text, Sorted(std::move(starts)), [&](const Piece* g) {
    std::string id = Str(g[2]);
    bool has_letter =
        std::any_of(id.begin(), id.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    // An all-digit identifier ("D02 1234") is legal but reads like anything.
    if (!has_letter && hint != "IE" && tld != "IE") return;
    out.push_back({Offset(text, g[0]), Offset(text, g[0]) + g[0].size(), Str(g[1]) + " " + id, "IE",
                   "", "", true});
  });
}

// Where a US match can begin: the ZIP is a run of exactly five digits after
// whitespace, an optional '.', and two capitals (the state), which may follow
// ", ". Both the comma and the state are possible starts.
std::vector<size_t> UsStarts(std::string_view text, const std::vector<DigitRun>& runs) {
  std::vector<size_t> starts;
  for (const DigitRun& r : runs) {
    if (r.size != 5) continue;
    size_t k = SkipSpaceBack(text, r.begin);
    if (k == r.begin) continue;
    if (k > 0 && text[k - 1] == '.') --k;
    if (k < 2 || !IsUpper(text[k - 1]) || !IsUpper(text[k - 2])) continue;
    size_t state = k - 2;
    size_t j = SkipSpaceBack(text, state);
    if (j > 0 && text[j - 1] == ',') starts.push_back(j - 1);
    starts.push_back(state);
  }
  return Sorted(std::move(starts));
}

void FindUs(std::string_view text, const std::vector<DigitRun>& runs,
            std::vector<PostcodeMatch>& out) {
  static const RE2 re(
      "(,\\s*|\\b)(AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|"
      "MT|NE|NV|NH|NJ|"
      "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\\.?\\s+(\\d{5}(?:-\\d{4})?)"
      "\\b");
  // Two-letter states that are also everyday words or labels need the comma
  // of "Boise, ID 83702".
  static const std::set<std::string, std::less<>> kAmbiguous = {"ID", "IN", "OR", "ME", "OK", "HI",
                                                                "DE", "PA", "CO", "MA", "AL", "LA"};
  Scan(re, text, UsStarts(text, runs), [&](const Piece* g) {
    bool comma = !g[1].empty();
    std::string state = Str(g[2]);
    size_t at = Offset(text, g[2]);
    if (!comma) {
      if (kAmbiguous.count(state)) return;
      // Otherwise the state must follow a capitalised town name.
      size_t word_end = at;
      while (word_end > 0 && text[word_end - 1] == ' ') --word_end;
      size_t word_begin = word_end;
      while (word_begin > 0 && std::isalpha(static_cast<unsigned char>(text[word_begin - 1])))
        --word_begin;
      if (word_begin == word_end || !std::isupper(static_cast<unsigned char>(text[word_begin])))
        return;
    }
    out.push_back({at, Offset(text, g[3]) + g[3].size(), Str(g[3]), "US", state, "", true});
  });
}

constexpr std::string_view kAuStates[] = {"NSW",
                                          "VIC",
                                          "QLD",
                                          "SA",
                                          "WA",
                                          "TAS",
                                          "NT",
                                          "ACT",
                                          "New South Wales",
                                          "Victoria",
                                          "Queensland",
                                          "South Australia",
                                          "Western Australia",
                                          "Tasmania",
                                          "Northern Territory",
                                          "Australian Capital Territory"};

// Where an AU match can begin: a state name, an optional comma and
// whitespace before a run of exactly four digits.
std::vector<size_t> AuStarts(std::string_view text, const std::vector<DigitRun>& runs) {
  std::vector<size_t> starts;
  for (const DigitRun& r : runs) {
    if (r.size != 4) continue;
    size_t k = SkipSpaceBack(text, r.begin);
    if (k == r.begin) continue;
    if (k > 0 && text[k - 1] == ',') --k;
    std::string_view head = text.substr(0, k);
    for (std::string_view state : kAuStates) {
      if (head.size() >= state.size() && head.substr(head.size() - state.size()) == state) {
        starts.push_back(k - state.size());
      }
    }
  }
  return Sorted(std::move(starts));
}

void FindAu(std::string_view text, const std::vector<DigitRun>& runs,
            std::vector<PostcodeMatch>& out) {
  static const RE2 re(
      "\\b(NSW|VIC|QLD|SA|WA|TAS|NT|ACT|New South Wales|Victoria|Queensland|South Australia|"
      "Western Australia|Tasmania|Northern Territory|Australian Capital "
      "Territory),?\\s+(\\d{4})\\b");
  Scan(re, text, AuStarts(text, runs), [&](const Piece* g) {
    out.push_back({Offset(text, g[1]), Offset(text, g[2]) + g[2].size(), Str(g[2]), "AU", Str(g[1]),
                   "", true});
  });
}

// A town name after a postcode: capitalised words, with the small joining
// words of place names ("Frankfurt am Main", "Saint-Denis", "Alcalá de
// Henares"), and an optional Italian province "(RM)".
constexpr const char* kTown =
    "(\\p{Lu}[\\p{L}'.]*(?:-\\p{L}[\\p{L}'.]*)*"
    "(?:[ \\x{A0}](?:am|an|im|in|bei|ob|sur|sous|en|de|del|di|la|le|les)?[ "
    "\\x{A0}]?\\p{Lu}[\\p{L}'.]*(?:-\\p{L}[\\p{L}'.]*)*){0,3})"
    "(?:[ \\x{A0}]*\\(([A-Z]{2})\\)|[ \\x{A0}]([A-Z]{2})\\b)?";

// Words that follow a postcode-like number but are not towns, and labels
// that end a town name in collapsed text ("80331 München Telefon: ...").
bool IsStopWord(std::string_view word) {
  static const std::set<std::string, std::less<>> kStop = {"Tel",
                                                           "Tel.",
                                                           "Telefon",
                                                           "Telefax",
                                                           "Tél",
                                                           "Tél.",
                                                           "Téléphone",
                                                           "Fax",
                                                           "Phone",
                                                           "E-Mail",
                                                           "Email",
                                                           "Mail",
                                                           "Web",
                                                           "Internet",
                                                           "Mobil",
                                                           "Handy",
                                                           "Euro",
                                                           "EUR",
                                                           "USD",
                                                           "GBP",
                                                           "CHF",
                                                           "Stück",
                                                           "Mitarbeiter",
                                                           "Einwohner",
                                                           "Kunden",
                                                           "Deutschland",
                                                           "Germany",
                                                           "France",
                                                           "España",
                                                           "Spain",
                                                           "Italia",
                                                           "Italy",
                                                           "Nederland",
                                                           "Netherlands",
                                                           "Kontakt",
                                                           "Contact",
                                                           "Geschäftsführer",
                                                           "Inhaber",
                                                           "Vertreten",
                                                           "Registergericht",
                                                           "Amtsgericht",
                                                           "HRB",
                                                           "HRA",
                                                           "USt",
                                                           "USt-IdNr.",
                                                           "SIRET",
                                                           "SIREN",
                                                           "RCS",
                                                           "P.IVA",
                                                           "CIF",
                                                           "NIF",
                                                           "Partita",
                                                           "Öffnungszeiten",
                                                           "Horaires",
                                                           "Orari",
                                                           "Horario",
                                                           "Impressum",
                                                           "Copyright"};
  return kStop.count(word) > 0;
}

// Cuts a captured town at the first stop word or label ("Bad Bramstedt
// Telefon:" -> "Bad Bramstedt"); returns its new length in bytes.
size_t TrimTown(std::string_view town) {
  size_t pos = 0;
  while (pos < town.size()) {
    size_t space = town.find(' ', pos);
    size_t word_end = space == std::string_view::npos ? town.size() : space;
    std::string_view word = town.substr(pos, word_end - pos);
    if (IsStopWord(word) || (!word.empty() && word.back() == ':')) {
      return pos == 0 ? 0 : pos - 1;
    }
    if (space == std::string_view::npos) break;
    pos = space + 1;
  }
  return town.size();
}

// True when the words read as a town are a street name: a street type after
// the first word ("4120 SE Hawthorne Blvd" is a US house number, a compass
// point and a street, not the Dutch postcode "4120 SE" in a town). The first
// word is exempt ("St Malo" is a saint, not a street), and "Dr" is left out:
// collapsed text puts "Dr. Name" of the next line right after a town.
bool TownIsStreet(std::string_view town) {
  static const RE2 re(
      "[ "
      "\\x{A0}](?:Street|St|Road|Rd|Avenue|Ave|Av|Boulevard|Blvd|Drive|Lane|Ln|Way|Court|Ct|Place|"
      "Pl|"
      "Parkway|Pkwy|Highway|Hwy|Terrace|Ter|Circle|Cir|Trail|Trl|Loop|Pike)\\.?(?:[ \\x{A0}]|$)");
  return RE2::PartialMatch(Piece(town.data(), town.size()), re);
}

// Starts of the runs of exactly `size` digits, the first not '0' if `nonzero`.
std::vector<size_t> RunStarts(std::string_view text, const std::vector<DigitRun>& runs, size_t size,
                              bool nonzero) {
  std::vector<size_t> starts;
  for (const DigitRun& r : runs) {
    if (r.size == size && !(nonzero && text[r.begin] == '0')) starts.push_back(r.begin);
  }
  return starts;
}

void FindNl(std::string_view text, const std::vector<DigitRun>& runs,
            std::vector<PostcodeMatch>& out) {
  static const RE2 re(std::string("\\b([1-9]\\d{3}) ?([A-Z]{2})[ \\x{A0}]+") + kTown);
  Scan(re, text, RunStarts(text, runs, 4, true), [&](const Piece* g) {
    std::string letters = Str(g[2]);
    if (letters == "SA" || letters == "SD" || letters == "SS") return;
    std::string_view town(g[3].data(), TrimTown(std::string_view(g[3].data(), g[3].size())));
    if (town.empty() || TownIsStreet(town)) return;
    size_t end = Offset(text, g[3]) + town.size();
    out.push_back(
        {Offset(text, g[0]), end, Str(g[1]) + " " + letters, "NL", "", std::string(town), false});
  });
}

// ---- DE, FR, ES, IT: five digits and a town --------------------------------

bool PrecededByNonAddress(std::string_view text, size_t at) {
  if (at == 0) return false;
  char before = text[at - 1];
  // "D-80331 München" is the old style with a country letter: an address.
  bool country_letter = before == '-' && at >= 2 &&
                        std::string_view("DFIE").find(text[at - 2]) != std::string_view::npos &&
                        (at == 2 || !std::isalnum(static_cast<unsigned char>(text[at - 3])));
  if (!country_letter && std::string_view("+/-.:#€$£").find(before) != std::string_view::npos)
    return true;
  // "089 12345 Muster": a digit group right before is a phone fragment,
  // unless it reads as a house number ("Musterweg 5 60311 Frankfurt").
  size_t token_end = at;
  while (token_end > 0 && text[token_end - 1] == ' ') --token_end;
  size_t token_begin = token_end;
  while (token_begin > 0 && std::isdigit(static_cast<unsigned char>(text[token_begin - 1])))
    --token_begin;
  if (token_begin < token_end) {
    bool house_number = token_end - token_begin <= 4 && text[token_begin] != '0' &&
                        token_begin > 0 && text[token_begin - 1] == ' ' && token_begin >= 2 &&
                        std::isalpha(static_cast<unsigned char>(text[token_begin - 2]));
    if (!house_number) return true;
  }
  std::string_view window = text.substr(at >= 16 ? at - 16 : 0, std::min<size_t>(at, 16));
  static const RE2 kLabel(
      "(?i)\\b(?:HRB|HRA|VR|Nr|No|Tel|Telefon|Fax|ID|Kd|Kunden|Art|Ref|Best)\\b\\.?[^\\pL]*$");
  return RE2::PartialMatch(Piece(window.data(), window.size()), kLabel);
}

std::string CountryNameNear(std::string_view text) {
  static const RE2 re("\\b(Deutschland|Germany|France|España|Spain|Italia|Italy)\\b");
  std::string name;
  if (!RE2::PartialMatch(Piece(text.data(), text.size()), re, &name)) return "";
  if (name == "Deutschland" || name == "Germany") return "DE";
  if (name == "France") return "FR";
  if (name == "España" || name == "Spain") return "ES";
  return "IT";
}

void FindFiveDigit(std::string_view text, const std::vector<DigitRun>& runs, std::string_view hint,
                   std::string_view tld, std::vector<PostcodeMatch>& out) {
  static const RE2 re(std::string("\\b(\\d{5})[ \\x{A0}]+") + kTown);
  Scan(re, text, RunStarts(text, runs, 5, false), [&](const Piece* g) {
    size_t at = Offset(text, g[1]);
    if (PrecededByNonAddress(text, at)) return;
    std::string_view town(g[2].data(), TrimTown(std::string_view(g[2].data(), g[2].size())));
    if (town.empty()) return;
    // Context: a street word shortly before, a country name shortly after,
    // or a hint that names one of the five-digit countries.
    std::string_view before = text.substr(at >= 120 ? at - 120 : 0, std::min<size_t>(at, 120));
    size_t after_at = Offset(text, g[2]) + town.size();
    std::string country = StreetWordCountry(before);
    if (country.empty())
      country =
          CountryNameNear(text.substr(after_at, std::min<size_t>(40, text.size() - after_at)));
    for (std::string_view h : {hint, tld}) {
      if (country.empty() && (h == "DE" || h == "FR" || h == "ES" || h == "IT"))
        country = std::string(h);
    }
    if (country.empty()) return;
    std::string province;
    size_t end = after_at;
    if (country == "IT") {
      // "00184 Roma (RM)" or "00184 Roma RM": the bare form was read as a
      // second town word.
      size_t last_space = town.rfind(' ');
      std::string_view last =
          last_space == std::string_view::npos ? "" : town.substr(last_space + 1);
      if (last.size() == 2 && std::isupper(static_cast<unsigned char>(last[0])) &&
          std::isupper(static_cast<unsigned char>(last[1]))) {
        province = std::string(last);
        town = town.substr(0, last_space);
      } else if (town.size() == g[2].size() && !Str(g[3]).empty()) {
        province = Str(g[3]);
        end = Offset(text, g[0]) + g[0].size();
      }
    }
    out.push_back({at, end, Str(g[1]), country, province, std::string(town), false});
  });
}

}  // namespace

std::string StreetWordCountry(std::string_view text) {
  static const RE2 de(
      "(?i)(?:stra(?:ß|ss)e\\b|str\\.|\\p{L}weg\\b|\\bweg\\b|platz\\b|allee\\b|gasse\\b|damm\\b|"
      "ufer\\b|chaussee\\b)");
  static const RE2 fr(
      "(?i)\\b(?:rue|avenue|av\\.|boulevard|bd|chemin|allée|impasse|quai|route|cours|place|lieu-"
      "dit)\\b");
  static const RE2 es(
      "(?i)(?:\\bcalle\\b|\\bc/"
      "|\\bavenida\\b|\\bavda\\.|\\bplaza\\b|\\bpaseo\\b|\\bcarrer\\b|\\bcamino\\b|\\bronda\\b|"
      "\\bpolígono\\b)");
  static const RE2 it("(?i)\\b(?:via|viale|piazza|piazzale|corso|largo|vicolo|strada|località)\\b");
  Piece p(text.data(), text.size());
  if (RE2::PartialMatch(p, de)) return "DE";
  if (RE2::PartialMatch(p, fr)) return "FR";
  if (RE2::PartialMatch(p, es)) return "ES";
  if (RE2::PartialMatch(p, it)) return "IT";
  return "";
}

bool LooksLikeStreet(std::string_view text) {
  static const RE2 en(
      "(?i)\\b(?:street|st|road|rd|lane|ln|avenue|ave|drive|dr|way|close|court|ct|place|pl|square|"
      "sq|crescent|"
      "terrace|parade|park|gardens|grove|hill|row|walk|mews|wharf|boulevard|blvd|highway|hwy|"
      "parkway|pkwy|suite|"
      "unit|level|floor|building|house|po box)\\b\\.?");
  static const RE2 number("(?:^|\\s)\\d{1,5}[a-zA-Z]?(?:[-/]\\d{1,5}[a-zA-Z]?)?(?:,|\\s|$)");
  Piece p(text.data(), text.size());
  return RE2::PartialMatch(p, number) || RE2::PartialMatch(p, en) ||
         !StreetWordCountry(text).empty();
}

std::vector<PostcodeMatch> FindPostcodes(std::string_view text, std::string_view country_hint,
                                         std::string_view tld_country) {
  return FindPostcodes(text, DigitRuns(text), country_hint, tld_country);
}

std::vector<PostcodeMatch> FindPostcodes(std::string_view text, const std::vector<DigitRun>& runs,
                                         std::string_view country_hint,
                                         std::string_view tld_country) {
  // Stronger formats first: a later match that overlaps an earlier one is
  // dropped, so "IL 62704" never also becomes a German "62704 ...".
  std::vector<PostcodeMatch> all;
  FindGb(text, runs, all);
  FindIe(text, runs, country_hint, tld_country, all);
  FindUs(text, runs, all);
  FindAu(text, runs, all);
  FindNl(text, runs, all);
  FindFiveDigit(text, runs, country_hint, tld_country, all);
  std::vector<PostcodeMatch> kept;
  for (PostcodeMatch& m : all) {
    bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const PostcodeMatch& k) {
      return m.begin < k.end && k.begin < m.end;
    });
    if (!overlaps) kept.push_back(std::move(m));
  }
  std::sort(kept.begin(), kept.end(),
            [](const PostcodeMatch& a, const PostcodeMatch& b) { return a.begin < b.begin; });
  return kept;
}

}  // namespace trawl
