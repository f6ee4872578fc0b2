// Company and VAT numbers: labelled patterns per country, check digits where
// the country defines them (vat_checksums.h). A bare run of digits is never
// taken for a company number: only a label ("Company No", "HRB", "SIREN",
// "ABN", ...) or a VAT country prefix makes it one.
#include "extract/company_ids.h"

#include <re2/re2.h>

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <string>

#include "core/text.h"
#include "extract/match_memo.h"
#include "extract/page_text.h"
#include "extract/text_scan.h"
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
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return AsciiLower(a) == AsciiLower(b); }) != hay.end();
}

// Every trigger word the patterns below use. One with capitals is matched
// case-sensitively, the others ignoring the case of A-Z.
constexpr std::string_view kTriggers[] = {
    "compan",      "reg",         "crn",        "HRA",     "HRB",
    "register",    "amtsgericht", "siren",      "siret",   "rcs",
    "abn",         "acn",         "cro",        "ireland", "companies registration",
    "kvk",         "kamer van",   "chamber of", "cif",     "nif",
    "c.i.f",       "n.i.f",       "REA",        "R.E.A",   "R. E. A",
    "GB",          "DE",          "FR",         "NL",      "IE",
    "ES",          "IT",          "AT",         "BE",      "vat",
    "ust",         "uid",         "tva",        "btw",     "iva",
    "umsatzsteuer"};
constexpr size_t kTriggerCount = std::size(kTriggers);
// TriggerPrefixes::second reads three bytes of every case-insensitive trigger.
static_assert([] {
  for (std::string_view t : kTriggers) {
    bool upper = false;
    for (char c : t) upper = upper || (c >= 'A' && c <= 'Z');
    if (!upper && t.size() < 3) return false;
  }
  return true;
}());

bool HasUpper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

size_t PairKey(char a, char b) {
  return static_cast<size_t>(static_cast<unsigned char>(a)) << 8 | static_cast<unsigned char>(b);
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The first two bytes of the triggers, in every case a match can have: the
// text is scanned with one table look-up per byte, and only where the byte
// pair starts some trigger are the triggers with that first letter compared.
// The case-insensitive triggers are all 3+ bytes long, and common English
// pairs ("re", "co", "ch") start many of them: `second` holds their second
// and third bytes, so that a pair alone rarely sends the scan to AddHits.
struct TriggerPrefixes {
  static constexpr uint8_t kLower = 1, kExact = 2;
  std::vector<uint8_t> pairs = std::vector<uint8_t>(65536, 0);
  std::vector<uint8_t> second =
      std::vector<uint8_t>(65536, 0);  // bytes 2-3 of a case-insensitive trigger
  std::vector<uint8_t>
      by_first[2][256];  // [exact][first byte, lower-case unless exact] -> kTriggers index
  TriggerPrefixes() {
    for (size_t k = 0; k < kTriggerCount; ++k) {
      std::string_view t = kTriggers[k];
      bool exact = HasUpper(t);
      by_first[exact][static_cast<unsigned char>(t[0])].push_back(static_cast<uint8_t>(k));
      if (exact) {
        pairs[PairKey(t[0], t[1])] |= kExact;
        continue;
      }
      for (char a : CaseForms(t[0])) {
        for (char b : CaseForms(t[1])) pairs[PairKey(a, b)] |= kLower;
      }
      for (char b : CaseForms(t[1])) {
        for (char c : CaseForms(t[2])) second[PairKey(b, c)] = 1;
      }
    }
  }
  static std::vector<char> CaseForms(char c) {
    if (c >= 'a' && c <= 'z') return {c, static_cast<char>(c - 'a' + 'A')};
    return {c};
  }
};

// True when `needle` occurs at `at`: exactly, or (when !exact) with the
// text's A-Z read as a-z.
bool OccursAt(std::string_view text, size_t at, std::string_view needle, bool exact) {
  if (text.size() - at < needle.size()) return false;
  for (size_t i = 0; i < needle.size(); ++i) {
    char c = exact ? text[at + i] : LowerAscii(text[at + i]);
    if (c != needle[i]) return false;
  }
  return true;
}

// ---- where the patterns can match -------------------------------------------
//
// A pattern runs only in windows around its trigger words (16 bytes before
// one, 200 after; overlapping windows merged), and only in those windows that
// hold the digits every match of it needs: most windows ("company", "must",
// "private" in prose) have none. Finding every trigger takes a per-byte scan
// of the whole page, which cost more than all the patterns together, so the
// scan runs only near those digits, block by block as needed, and widens
// until the windows it finds there are whole:
//  * A window overlaps a stretch of digits only if its trigger lies at most
//    kReach bytes before the stretch or kBefore after it.
//  * A merged window is whole when no trigger within kReach before its start
//    and none within kBefore after its end has been missed; the scanned span
//    grows (at least twofold each time) until that holds for the first and
//    last window it found.
// The windows found that way are exactly those a full scan would merge, so
// the patterns see the same text and find the same matches.

constexpr size_t kBefore = 16;  // window start before a trigger
constexpr size_t kAfter = 200;  // window end after a trigger's end
constexpr size_t kMaxTriggerSize = [] {
  size_t n = 0;
  for (std::string_view t : kTriggers) n = std::max(n, t.size());
  return n;
}();
constexpr size_t kReach = kMaxTriggerSize + kAfter;  // furthest a window ends after its trigger

struct Hit {
  uint8_t trigger;  // index in kTriggers
  size_t at;        // offset in the page
};

// The page text, its digit runs, and the triggers found so far.
class Page {
  std::vector<DigitRun> own_runs_;  // when not given; before `runs`, which may refer to it

 public:
  explicit Page(std::string_view t) : own_runs_(DigitRuns(t)), text(t), runs(own_runs_) { Init(); }
  explicit Page(const PageText& page) : text(page.text), runs(page.runs) { Init(); }
  Page(const Page&) = delete;
  Page& operator=(const Page&) = delete;

  std::string_view text;
  const std::vector<DigitRun>& runs;  // DigitRuns(text)

  // Spans(min_digits, stretch) of Spans() below, made once per page; a
  // deque, so that adding one keeps the others where callers refer to them.
  std::deque<std::pair<std::pair<size_t, bool>, std::vector<DigitRun>>> span_cache;

  // Appends the hits of `wanted` triggers at offsets in [begin, end), by
  // offset, to `out`; scans the blocks there not scanned yet.
  void HitsIn(size_t begin, size_t end, const std::bitset<kTriggerCount>& wanted,
              std::vector<Hit>& out) {
    end = std::min(end, text.size());
    for (size_t block = begin / kBlock; block * kBlock < end; ++block) {
      if (blocks_[block].second == kUnscanned) Scan(block);
      bool inside = block * kBlock >= begin && (block + 1) * kBlock <= end;
      for (size_t i = blocks_[block].first; i < blocks_[block].second; ++i) {
        const Hit& h = hits_[i];
        if (wanted[h.trigger] && (inside || (h.at >= begin && h.at < end))) out.push_back(h);
      }
    }
  }

 private:
  static constexpr size_t kBlock = 256;
  static constexpr size_t kUnscanned = SIZE_MAX;

  void Init() { blocks_.assign(text.size() / kBlock + 1, {0, kUnscanned}); }

  // Every trigger starting in the block, by offset (the trigger may run past
  // it), appended to hits_.
  void Scan(size_t block) {
    static const TriggerPrefixes kPrefixes;
    const uint8_t* pairs = kPrefixes.pairs.data();
    const uint8_t* second = kPrefixes.second.data();
    std::vector<Hit>& hits = hits_;
    blocks_[block].first = hits.size();
    size_t end = std::min(text.size(), (block + 1) * kBlock);
    for (size_t i = block * kBlock; i < end && i + 1 < text.size(); ++i) {
      uint8_t kinds = pairs[PairKey(text[i], text[i + 1])];
      if (kinds == 0) continue;
      if ((kinds & TriggerPrefixes::kLower) && i + 2 < text.size() &&
          second[PairKey(text[i + 1], text[i + 2])]) {
        AddHits(kPrefixes, i, false, hits);
      }
      if (kinds & TriggerPrefixes::kExact) AddHits(kPrefixes, i, true, hits);
    }
    blocks_[block].second = hits.size();
  }

  void AddHits(const TriggerPrefixes& prefixes, size_t at, bool exact, std::vector<Hit>& hits) {
    char first = exact ? text[at] : LowerAscii(text[at]);
    for (uint8_t k : prefixes.by_first[exact][static_cast<unsigned char>(first)]) {
      if (OccursAt(text, at, kTriggers[k], exact)) hits.push_back({k, at});
    }
  }

  // The hits of the blocks scanned so far, each block's together, and per
  // block of kBlock bytes where in hits_ they are ([first, second); second
  // kUnscanned until scanned).
  std::vector<Hit> hits_;
  std::vector<std::pair<size_t, size_t>> blocks_;
};

// What every match of a pattern holds: `min_digits` consecutive digits
// (RE2's \d: 0-9); with `stretch`, that many bytes of digits, spaces and
// dots, from a digit to a digit, instead; and one of `literals`
// (case-sensitive), when given.
struct Needs {
  size_t min_digits = 1;
  bool stretch = false;
  std::initializer_list<std::string_view> literals = {};
};

// The stretches of the page such a match must overlap by needs.min_digits
// bytes, ascending and disjoint; none when a needed literal is missing.
const std::vector<DigitRun>& Spans(Page& page, const Needs& needs) {
  static const std::vector<DigitRun> kNone;
  if (needs.literals.size() > 0 &&
      std::none_of(needs.literals.begin(), needs.literals.end(), [&](std::string_view l) {
        return page.text.find(l) != std::string_view::npos;
      })) {
    return kNone;
  }
  if (needs.min_digits <= 1 && !needs.stretch) return page.runs;
  std::pair<size_t, bool> key(needs.min_digits, needs.stretch);
  // Runs of 4+ digits are among those of 3+: start from the longest cached
  // list that holds them all (a page of "1 2 3 ..." has a million runs).
  const std::vector<DigitRun>* from = &page.runs;
  size_t from_min = 1;
  for (const auto& [k, spans] : page.span_cache) {
    if (k == key) return spans;
    if (!needs.stretch && !k.second && k.first > from_min && k.first < needs.min_digits) {
      from = &spans;
      from_min = k.first;
    }
  }
  std::vector<DigitRun> spans;
  for (const DigitRun& r : *from) {
    if (!needs.stretch && r.size < needs.min_digits) continue;
    if (needs.stretch && !spans.empty()) {
      DigitRun& last = spans.back();
      size_t gap = last.begin + last.size;
      while (gap < r.begin && (page.text[gap] == ' ' || page.text[gap] == '.')) ++gap;
      if (gap == r.begin) {
        last.size = r.begin + r.size - last.begin;
        continue;
      }
    }
    spans.push_back(r);
  }
  std::erase_if(spans, [&](const DigitRun& s) { return s.size < needs.min_digits; });
  page.span_cache.emplace_back(key, std::move(spans));
  return page.span_cache.back().second;
}

// The merged windows around `triggers` that overlap a span, ascending.
std::vector<std::pair<size_t, size_t>> Windows(Page& page,
                                               std::initializer_list<std::string_view> triggers,
                                               const std::vector<DigitRun>& spans) {
  std::bitset<kTriggerCount> wanted;
  for (std::string_view trigger : triggers) {
    size_t k = static_cast<size_t>(std::find(std::begin(kTriggers), std::end(kTriggers), trigger) -
                                   std::begin(kTriggers));
    if (k < kTriggerCount) wanted.set(k);
  }
  size_t size = page.text.size();
  std::vector<std::pair<size_t, size_t>> found;
  std::vector<Hit> hits;
  auto window = [&](const Hit& h) {
    return std::pair<size_t, size_t>(h.at > kBefore ? h.at - kBefore : 0,
                                     std::min(size, h.at + kTriggers[h.trigger].size() + kAfter));
  };
  // Where a trigger of a window that overlaps the span can be.
  auto reach = [&](const DigitRun& span) {
    return std::pair<size_t, size_t>(span.begin > kReach ? span.begin - kReach : 0,
                                     std::min(size, span.begin + span.size + kBefore + 1));
  };
  // The last span of text whose windows are all known (in `found`).
  size_t done_begin = 0, done_end = 0;
  for (size_t next = 0; next < spans.size();) {
    auto [begin, end] = reach(spans[next++]);
    // Spans close together are looked at together.
    for (; next < spans.size(); ++next) {
      auto [b, e] = reach(spans[next]);
      if (b > end) break;
      end = e;
    }
    if (begin >= done_begin && end <= done_end) continue;
    hits.clear();
    page.HitsIn(begin, end, wanted, hits);
    // The last merged window ends where the furthest-reaching one does.
    size_t last_end = 0;
    for (const Hit& h : hits) last_end = std::max(last_end, window(h).second);
    // Bounded: each round widens [begin, end), which stays within the page.
    while (true) {
      size_t need_begin = begin, need_end = end;
      if (!hits.empty()) {
        size_t first = window(hits.front()).first;
        need_begin = first > kReach ? first - kReach : 0;
        need_end = std::min(size, last_end + kBefore + 1);
      }
      if (begin <= need_begin && end >= need_end) break;
      // Widen at least twofold, so that a long chain of windows takes a few
      // rounds, not one per window.
      size_t width = end - begin;
      if (need_begin < begin) {
        size_t wider = std::min(need_begin, begin > width ? begin - width : 0);
        std::vector<Hit> before;
        page.HitsIn(wider, begin, wanted, before);
        for (const Hit& h : before) last_end = std::max(last_end, window(h).second);
        hits.insert(hits.begin(), before.begin(), before.end());
        begin = wider;
      }
      if (need_end > end) {
        size_t wider = std::max(need_end, std::min(size, end + width));
        size_t added = hits.size();
        page.HitsIn(end, wider, wanted, hits);
        for (size_t i = added; i < hits.size(); ++i)
          last_end = std::max(last_end, window(hits[i]).second);
        end = wider;
      }
    }
    // Hits come by offset, so windows come sorted by start.
    size_t first_new = found.size();
    for (const Hit& h : hits) {
      std::pair<size_t, size_t> w = window(h);
      if (found.size() > first_new && w.first <= found.back().second) {
        found.back().second = std::max(found.back().second, w.second);
      } else {
        found.push_back(w);
      }
    }
    done_begin = begin;
    done_end = end;
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

// Calls fn(groups, offset of the match) for every match of `re` in the
// windows around `triggers` that hold what `needs` says every match holds
// (the other windows cannot hold one). Groups are 1..n; `n` at most 9.
template <typename Fn>
void ForEachMatch(const RE2& re, Page& page, std::initializer_list<std::string_view> triggers,
                  const Needs& needs, Fn fn) {
  std::string_view text = page.text;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece sub[10];
  int n = std::min(re.NumberOfCapturingGroups() + 1, 10);
  const std::vector<DigitRun>& spans = Spans(page, needs);
  for (const auto& [begin, end] : Windows(page, triggers, spans)) {
    if (!HasDigitRunIn(spans, begin, end, needs.min_digits)) continue;
    size_t pos = begin;
    while (pos < end && MatchWithCaptures(re, input, pos, end, sub, n)) {
      fn(sub, static_cast<size_t>(sub[0].data() - text.data()));
      size_t next = static_cast<size_t>(sub[0].data() + sub[0].size() - text.data());
      pos = next > pos ? next : pos + 1;
    }
  }
}

std::string Group(const re2::StringPiece& sp) {
  return sp.data() ? std::string(sp.data(), sp.size()) : "";
}

// ---- company numbers, one function per country ------------------------------

// UK Companies House: 8 digits, or a 2-letter prefix and 6 digits. A clear
// label (group 1) lets a 7-digit number be padded; "Reg. No." (group 2) is
// shared with VAT, charity and professional registers, so it needs 8 chars.
void UkCompanyNumbers(Page& page, std::vector<Found>& out) {
  std::string_view text = page.text;
  static const RE2 re(
      "(?i)(?:(company\\s+(?:registration\\s+)?(?:no|number|num|nr|reg(?:istration)?\\.?\\s*no)"
      "\\b\\.?"
      "|companies\\s+house(?:\\s+(?:no|number|registration(?:\\s+(?:no|number))?)\\b\\.?)?"
      "|\\bcrn\\b|registered\\s+in\\s+(?:england|wales|scotland|northern\\s+ireland)[^0-9]{0,50}?)"
      "|(\\breg(?:istration|istered|\\.)?\\s*(?:no|number|nr)\\b\\.?))"
      "\\s*[:.#]?\\s*((?:SC|NI|OC|SO|NC|R0|FC|SF|NF|GS|IP|SP|RS|LP|SL|SE|ZC|SZ|NZ|GE|CE|CS)\\s?\\d{"
      "6}"
      "|\\d{8}|\\d{7}|\\d{4}\\s\\d{4}|\\d{2}\\s\\d{3}\\s\\d{3}|\\d{3}\\s\\d{4})\\b");
  // Needs{3}: the shortest digit group any number form holds ("12 345 678").
  ForEachMatch(
      re, page, {"compan", "reg", "crn"}, Needs{3}, [&](const re2::StringPiece* g, size_t at) {
        bool clear = g[1].data() != nullptr;
        if (!clear) {
          std::string_view before = text.substr(at >= 16 ? at - 16 : 0, std::min<size_t>(at, 16));
          for (std::string_view other :
               {"vat", "charity", "ust", "gdc", "gmc", "fca", "tva", "btw", "cqc"}) {
            if (ContainsNoCase(before, other)) return;
          }
        }
        std::string number = StripSeparators(Group(g[3]));
        if (number.size() == 7 && clear) number = "0" + number;
        if (number.size() == 8) out.push_back({number, "GB"});
      });
}

void DeCompanyNumbers(Page& page, std::vector<Found>& out) {
  std::string_view text = page.text;
  static const RE2 hr("\\b(HR[AB])\\s*(?:Nr\\.?\\s*|-)?(\\d{1,6})(?:\\s([A-Z]))?\\b");
  static const RE2 other("\\b(VR|PR|GnR)\\s*(?:Nr\\.?\\s*)?(\\d{1,6})\\b");
  ForEachMatch(hr, page, {"HRA", "HRB"}, Needs{1, false, {"HRA", "HRB"}},
               [&](const re2::StringPiece* g, size_t) {
                 std::string value = Group(g[1]) + " " + Group(g[2]);
                 if (g[3].data()) value += " " + Group(g[3]);
                 out.push_back({value, "DE"});
               });
  // Vereins-/Partnerschafts-/Genossenschaftsregister letters are common
  // words elsewhere ("PR 2024"), so they need a register word just before.
  ForEachMatch(other, page, {"register", "amtsgericht"}, Needs{1, false, {"VR", "PR", "GnR"}},
               [&](const re2::StringPiece* g, size_t at) {
                 std::string_view before =
                     text.substr(at >= 60 ? at - 60 : 0, std::min<size_t>(at, 60));
                 if (ContainsNoCase(before, "register") || ContainsNoCase(before, "amtsgericht")) {
                   out.push_back({Group(g[1]) + " " + Group(g[2]), "DE"});
                 }
               });
}

void FrCompanyNumbers(Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)\\b(SIRET|SIREN|RCS)\\b[^0-9]{0,40}?"
      "(\\d{3}\\s?\\d{3}\\s?\\d{3}(?:\\s?\\d{5}|\\s\\d{3}\\s\\d{2})?)\\b");
  ForEachMatch(re, page, {"siren", "siret", "rcs"}, Needs{3},
               [&](const re2::StringPiece* g, size_t) {
                 std::string digits = StripSeparators(Group(g[2]));
                 if (!LuhnCheck(digits)) return;
                 out.push_back({(digits.size() == 14 ? "SIRET " : "SIREN ") + digits, "FR"});
               });
}

void AuCompanyNumbers(Page& page, std::vector<Found>& out) {
  static const RE2 abn("(?i)\\bABN\\b\\s*[:.#]?\\s*(\\d{2}\\s?\\d{3}\\s?\\d{3}\\s?\\d{3})\\b");
  static const RE2 acn("(?i)\\bACN\\b\\s*[:.#]?\\s*(\\d{3}\\s?\\d{3}\\s?\\d{3})\\b");
  ForEachMatch(abn, page, {"abn"}, Needs{3}, [&](const re2::StringPiece* g, size_t) {
    std::string digits = StripSeparators(Group(g[1]));
    if (AbnCheck(digits)) out.push_back({"ABN " + digits, "AU"});
  });
  ForEachMatch(acn, page, {"acn"}, Needs{3}, [&](const re2::StringPiece* g, size_t) {
    std::string digits = StripSeparators(Group(g[1]));
    if (AcnCheck(digits)) out.push_back({"ACN " + digits, "AU"});
  });
}

void IeCompanyNumbers(Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)(?:\\bCRO\\b(?:\\s*(?:no|number|nr)\\b\\.?)?"
      "|registered\\s+in\\s+(?:the\\s+republic\\s+of\\s+)?ireland[^0-9]{0,40}?"
      "|companies\\s+registration\\s+office[^0-9]{0,30}?)\\s*[:.#]?\\s*(\\d{5,6})\\b");
  ForEachMatch(re, page, {"cro", "ireland", "companies registration"}, Needs{5},
               [&](const re2::StringPiece* g, size_t) {
                 out.push_back({"CRO " + Group(g[1]), "IE"});
               });
}

void NlCompanyNumbers(Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)(?:\\bKvK\\b(?:[\\s-]?(?:nummer|nr|number|no)\\b\\.?)?|kamer\\s+van\\s+koophandel[^0-9]{"
      "0,30}?"
      "|chamber\\s+of\\s+commerce(?:\\s+(?:no|number|nr)\\b\\.?)?)\\s*[:.#]?\\s*(\\d{8}|\\d{4}"
      "\\s\\d{4})\\b");
  ForEachMatch(re, page, {"kvk", "kamer van", "chamber of"}, Needs{4},
               [&](const re2::StringPiece* g, size_t) {
                 out.push_back({"KvK " + StripSeparators(Group(g[1])), "NL"});
               });
}

void EsCompanyNumbers(Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)\\b(?:C\\.?I\\.?F|N\\.?I\\.?F)\\b\\.?(?:\\s*(?:n[ºo°]\\.?|número))?\\s*[:.]?\\s*(?:ES["
      "\\s-]?)?"
      "([A-Z][\\s.-]?\\d{2}[\\s.]?\\d{3}[\\s.]?\\d{2}[\\s.-]?[0-9A-Z])\\b");
  ForEachMatch(re, page, {"cif", "nif", "c.i.f", "n.i.f"}, Needs{3},
               [&](const re2::StringPiece* g, size_t) {
                 std::string cif = StripSeparators(Group(g[1]));
                 if (EsCifCheck(cif)) out.push_back({"CIF " + cif, "ES"});
               });
}

void ItCompanyNumbers(Page& page, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)\\bR\\.?\\s?E\\.?\\s?A\\b\\.?(?:\\s*(?:n[.°º]?|nr\\.?|numero))?\\s*[:.]?\\s*([A-Z]{2})["
      "\\s-]*(\\d{5,7})\\b");
  ForEachMatch(re, page, {"REA", "R.E.A", "R. E. A"}, Needs{5},
               [&](const re2::StringPiece* g, size_t) {
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

void PrefixedVat(Page& page, std::vector<Found>& out) {
  std::string_view text = page.text;
  re2::StringPiece sub[19];
  re2::StringPiece input(text.data(), text.size());
  // As in ForEachMatch: each alternative holds 3+ consecutive digits.
  const std::vector<DigitRun>& spans = Spans(page, Needs{3});
  for (const auto& [begin, end] :
       Windows(page, {"GB", "DE", "FR", "NL", "IE", "ES", "IT", "AT", "BE"}, spans)) {
    if (!HasDigitRunIn(spans, begin, end, 3)) continue;
    size_t pos = begin;
    while (pos < end && MatchWithCaptures(PrefixedVatPattern(), input, pos, end, sub, 19)) {
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
void LabelledVat(Page& page, std::string_view hint, std::vector<Found>& out) {
  static const RE2 re(
      "(?i)(?:(\\bVAT\\b(?:\\s*(?:reg(?:istration)?\\.?|registered))?(?:\\s*(?:no|number|nr|id)"
      "\\b\\.?)?)"
      "|(\\bUSt\\.?[\\s-]*Id(?:ent)?(?:[\\s-]*Nr)?\\.?|\\bUmsatzsteuer[\\s-]*(?:"
      "Identifikationsnummer|ID)\\w*)"
      "|(\\bUID(?:-?Nr)?\\b\\.?)"
      "|(\\bTVA\\b(?:\\s*intracom\\w*)?)"
      "|(\\bBTW\\b(?:[\\s-]?(?:nummer|nr|id)\\b\\.?)?)"
      "|((?:\\bP\\.?\\s?IVA\\b|\\bPartita\\s+IVA\\b)"
      "(?:\\s*(?:e|/"
      "|&|-|und|and)\\s*(?:\\bC\\.?\\s?F\\b\\.?|\\bCod(?:ice|\\.)?\\s*Fisc(?:ale|\\.)?))?))"
      "\\s*[:.#]?\\s*(U?\\d[\\d "
      ".]{6,14}\\d(?:\\s?B\\s?\\d{2})?|\\d{7}[A-W][A-IW]?|\\d[A-Z+*]\\d{5}[A-W])\\b");
  static const char* const kCountryByGroup[] = {"", "DE", "AT", "FR", "NL", "IT"};
  // Needs{5, true}: "U?\d[\d .]{6,14}\d" holds 8+ bytes of digits, spaces
  // and dots from a digit to a digit; the other two forms 7 and 5 digits.
  ForEachMatch(re, page, {"vat", "ust", "uid", "tva", "btw", "iva", "umsatzsteuer"}, Needs{5, true},
               [&](const re2::StringPiece* g, size_t) {
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
std::vector<Sourced> Rank(std::vector<Found> found, std::string_view hint,
                          const std::string& source) {
  std::stable_sort(found.begin(), found.end(), [&](const Found& a, const Found& b) {
    return (a.country == hint) > (b.country == hint);
  });
  std::vector<Sourced> out;
  for (Found& f : found) {
    bool seen =
        std::any_of(out.begin(), out.end(), [&](const Sourced& s) { return s.value == f.value; });
    if (!seen) out.push_back(Sourced{std::move(f.value), source});
  }
  return out;
}

std::vector<Sourced> CompanyNumbersOf(Page& page, const Document& doc,
                                      std::string_view country_hint) {
  std::vector<Found> found;
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

std::vector<Sourced> VatNumbersOf(Page& page, const Document& doc, std::string_view country_hint) {
  std::vector<Found> found;
  PrefixedVat(page, found);
  LabelledVat(page, country_hint, found);
  // schema.org vatID/taxID usually carry the prefix.
  for (const std::string& json : doc.json_ld) {
    Page json_page(json);
    PrefixedVat(json_page, found);
  }
  for (const MicrodataProp& prop : doc.microdata) {
    if (prop.prop != "vatID" && prop.prop != "taxID") continue;
    Page prop_page(prop.value);
    PrefixedVat(prop_page, found);
  }
  return Rank(std::move(found), country_hint, doc.url);
}

}  // namespace

std::vector<Sourced> ExtractCompanyNumbers(const Document& doc, std::string_view country_hint) {
  PageText text = PageText::Of(doc);
  Page page(text);
  return CompanyNumbersOf(page, doc, country_hint);
}

std::vector<Sourced> ExtractVatNumbers(const Document& doc, std::string_view country_hint) {
  PageText text = PageText::Of(doc);
  Page page(text);
  return VatNumbersOf(page, doc, country_hint);
}

CompanyIds ExtractCompanyIds(const Document& doc, std::string_view country_hint) {
  return ExtractCompanyIds(doc, PageText::Of(doc), country_hint);
}

CompanyIds ExtractCompanyIds(const Document& doc, const PageText& text,
                             std::string_view country_hint) {
  Page page(text);
  return {CompanyNumbersOf(page, doc, country_hint), VatNumbersOf(page, doc, country_hint)};
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
