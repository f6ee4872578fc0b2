// Phone numbers: tel: links first (the site says "this is a phone number"),
// then libphonenumber's matcher over visible text, with the words just before
// each number deciding its kind or ruling it out (company/VAT/bank numbers).
#include "extract/phones.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/text.h"
#include "extract/match_memo.h"
#include "extract/text_scan.h"

namespace trawl {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

// How far before a number a label may sit ("Company Registration No.: " is 26).
constexpr size_t kLabelWindow = 32;
// Spans with fewer digits than the shortest national number worth reporting
// cannot hold one, and never reach libphonenumber (slow: see PhoneMemo).
constexpr int kMinDigits = 7;
// A span with more digits is a table or an identifier, not a few numbers.
constexpr int kMaxSpanDigits = 40;
// Caps the matcher's work on one span.
constexpr int kMaxTriesPerSpan = 10;
constexpr size_t kMaxBlockBytes = 20000;
// Memo size: a few hundred sites' worth of distinct numbers.
constexpr size_t kMaxMemoEntries = 50000;

enum class Label { kNone, kPhone, kMobile, kFax, kReject };

struct Candidate {
  std::string e164;
  std::string display;
  Label label = Label::kNone;
  bool mobile_type = false;  // libphonenumber says MOBILE
};

// One pattern, one capture group per label class, so the last match in the
// window tells which label is nearest to the number. Short forms ("F", "M",
// "T") count only with a colon or dot, as in "F: 01234 567890". "Tel/Fax"
// comes first among the phone labels: a shared line is callable, so a phone.
const RE2& LabelPattern() {
  static const RE2 re(
      "(?i)(?:^|[^\\pL\\pN])(?:"
      "(tel\\.?\\s*(?:/|&|and|u\\.|und|et)\\s*fax)|"
      "(fax|telefax|t[ée]l[ée]copie|facsimile|f\\s*[:.])|"
      "(mobile?|mob|handy|portable|cell(?:phone)?|m\\s*[:.]|gsm|natel)|"
      "(tel|tél|telefon|telephone|téléphone|telefono|phone|ph|t\\s*[:.]|call|ring|fon|hotline|"
      "whatsapp)|"
      "(company|reg|regd|regist\\w*|vat|tva|btw|iva|partita|c\\.\\s?f|cf|cod\\.?\\s?fisc\\w*|"
      "ust|ust-?id\\w*|steuer\\w*|finanzamt|hrb|hra|"
      "handelsregister\\w*|amtsgericht|siret|siren|rcs|ape|naf|abn|acn|cro|kvk|rea|cif|nif|uid|crn|"
      "iban|bic|swift|sort\\s*code|account|acc|acct|konto\\w*|blz|bank\\w*|ref|reference|order|"
      "invoice|rechnung|licen[cs]e|lizenz|id|codice|fiscale|charity|tax|ssn)"
      ")(?:[^\\pL\\pN]|$)");
  return re;
}

// The nearest label in `window` (text between the previous number and this
// one, at most kLabelWindow bytes).
Label NearestLabel(std::string_view window) {
  static constexpr Label kByGroup[] = {Label::kPhone, Label::kFax, Label::kMobile, Label::kPhone,
                                       Label::kReject};
  re2::StringPiece input(window.data(), window.size());
  re2::StringPiece sub[6];
  Label last = Label::kNone;
  size_t pos = 0;
  // Bounded: each round moves pos past at least one byte of the window.
  while (pos < window.size() &&
         MatchWithCaptures(LabelPattern(), input, pos, window.size(), sub, 6)) {
    int group = 1;
    while (group <= 5 && sub[group].data() == nullptr) ++group;
    if (group > 5) break;
    last = kByGroup[group - 1];
    // Resume at the label's end so its trailing delimiter can lead the next.
    pos = static_cast<size_t>(sub[group].data() + sub[group].size() - window.data());
  }
  return last;
}

// The part of `text` from the first character that can start a number to the
// last digit: "Call 07449 303889" -> "07449 303889". Empty if no digit.
std::string NumberPart(std::string_view text) {
  size_t begin = text.find_first_of("+(0123456789");
  size_t end = text.find_last_of("0123456789");
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) return {};
  return std::string(text.substr(begin, end - begin + 1));
}

// Merges by E.164: the first display wins; a fax label anywhere wins over
// everything (a fax is never listed as a phone); a mobile label wins over a
// plain or missing one.
void Add(std::vector<Candidate>& out, Candidate c) {
  for (Candidate& have : out) {
    if (have.e164 != c.e164) continue;
    if (c.label == Label::kFax || (c.label == Label::kMobile && have.label != Label::kFax))
      have.label = c.label;
    return;
  }
  out.push_back(std::move(c));
}

// One number the matcher found in a span; offset is in bytes from the span start.
struct SpanMatch {
  size_t offset = 0;
  std::string raw;
  std::string e164;
  bool mobile = false;
};

// Process-wide memo of libphonenumber results keyed by (kind, region, text).
// Debian's build takes 100-600 us per Parse or matcher run, and a site
// repeats the same footer numbers on every page, so most lookups hit. Cleared
// when full rather than evicting: simple, and a refill costs one page each.
class PhoneMemo {
 public:
  bool Get(const std::string& key, std::vector<SpanMatch>* out) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    *out = it->second;
    return true;
  }
  void Put(const std::string& key, const std::vector<SpanMatch>& value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= kMaxMemoEntries) map_.clear();
    map_.emplace(key, value);
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::vector<SpanMatch>> map_;
};

PhoneMemo& Memo() {
  static PhoneMemo* memo = new PhoneMemo();  // never destroyed: used until exit
  return *memo;
}

SpanMatch FromNumber(const PhoneNumber& number, size_t offset, std::string raw) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  SpanMatch m;
  m.offset = offset;
  m.raw = std::move(raw);
  util.Format(number, PhoneNumberUtil::E164, &m.e164);
  m.mobile = util.GetNumberType(number) == PhoneNumberUtil::MOBILE;
  return m;
}

// Numbers in one digit span, via PhoneNumberMatcher with leniency VALID.
std::vector<SpanMatch> MatchSpan(const std::string& span, std::string_view region) {
  std::string key = "M" + std::string(region) + "\x1f" + span;
  std::vector<SpanMatch> result;
  if (Memo().Get(key, &result)) return result;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumberMatcher matcher(util, span, std::string(region), PhoneNumberMatcher::VALID,
                             kMaxTriesPerSpan);
  while (matcher.HasNext()) {
    PhoneNumberMatch match;
    matcher.Next(&match);
    result.push_back(
        FromNumber(match.number(), static_cast<size_t>(match.start()), match.raw_string()));
  }
  Memo().Put(key, result);
  return result;
}

// One string parsed as a whole (tel: hrefs): empty, or one valid number.
std::vector<SpanMatch> ParseWhole(const std::string& raw, std::string_view region) {
  std::string key = "P" + std::string(region) + "\x1f" + raw;
  std::vector<SpanMatch> result;
  if (Memo().Get(key, &result)) return result;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(raw, std::string(region), &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
      util.IsValidNumber(number)) {
    result.push_back(FromNumber(number, 0, raw));
  }
  Memo().Put(key, result);
  return result;
}

void FromTelLinks(const Document& doc, std::string_view region, std::vector<Candidate>& out) {
  for (const Link& link : doc.links) {
    if (link.href.size() < 5) continue;
    std::string scheme = AsciiLower(std::string_view(link.href).substr(0, 4));
    bool fax_scheme = scheme == "fax:";
    if (scheme != "tel:" && !fax_scheme) continue;
    std::string raw = PercentDecode(std::string_view(link.href).substr(4));
    raw = raw.substr(0, raw.find_first_of(";?"));
    std::string text_part = NumberPart(link.text);
    // Sites get the href wrong ("tel:+0169888888") more often than the
    // visible text, so the text is the fallback.
    std::vector<SpanMatch> parsed = ParseWhole(raw, region);
    if (parsed.empty() && !text_part.empty()) parsed = ParseWhole(text_part, region);
    if (parsed.empty()) continue;
    Label label = fax_scheme ? Label::kFax : NearestLabel(link.text);
    if (label == Label::kReject) continue;
    Add(out,
        Candidate{parsed[0].e164, text_part.empty() ? raw : text_part, label, parsed[0].mobile});
  }
}

int CountDigits(std::string_view s) {
  return static_cast<int>(
      std::count_if(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

// The non-space token around [start, end) in `text` is part of a URL, an
// e-mail address or a longer identifier ("ID-4420794600", "/product/0207...").
bool InsideIdentifier(std::string_view text, size_t start, size_t end) {
  if (start > 0) {
    char before = text[start - 1];
    if (std::isalnum(static_cast<unsigned char>(before)) ||
        std::string_view("/=?&_#@£$€.-").find(before) != std::string_view::npos) {
      return true;
    }
  }
  if (end < text.size()) {
    char after = text[end];
    if (std::isalnum(static_cast<unsigned char>(after)) ||
        std::string_view("/=?&_@%€").find(after) != std::string_view::npos) {
      return true;
    }
  }
  size_t token_begin = text.rfind(' ', start);
  token_begin = token_begin == std::string_view::npos ? 0 : token_begin + 1;
  std::string_view token = text.substr(token_begin, start - token_begin);
  return token.find("://") != std::string_view::npos ||
         token.find("www.") != std::string_view::npos;
}

// Dates, times and amounts that libphonenumber's VALID leniency lets through
// in some regions (e.g. "12.03.2024" reads as a German number).
bool LooksLikeDateOrAmount(std::string_view raw) {
  static const RE2 kDate("^\\d{1,4}[./-]\\d{1,2}[./-]\\d{2,4}$");
  static const RE2 kAmount("^\\d{1,3}(?:[,.]\\d{3})+(?:[.,]\\d{2})?$");
  static const RE2 kTime("\\d{1,2}[:.]\\d{2}\\s*[-–]\\s*\\d{1,2}[:.]\\d{2}");
  return RE2::FullMatch(raw, kDate) || RE2::FullMatch(raw, kAmount) ||
         RE2::PartialMatch(raw, kTime);
}

// Digit runs that could hold phone numbers: digits with the punctuation and
// spaces numbers are written with. Adjacent numbers may share one run; the
// matcher splits them.
const RE2& SpanPattern() {
  static const RE2 re("[+(]?\\d[\\d().\\-/ \\x{A0}]*\\d");
  return re;
}

// The label a block takes from the one before it when it is a value with its
// label beside it: a table cell after a label cell ("<td>Telefax</td><td>040
// ...</td>"), a <dd> after its <dt>, or any block after a block that is only a
// label ("<h4>Fax</h4><p>...</p>"). kNone when the block before holds anything
// else (a value of the row above, a sentence).
Label LabelFromBlockBefore(const std::vector<TextBlock>& blocks, size_t index) {
  if (index == 0) return Label::kNone;
  const TextBlock& label = blocks[index - 1];
  const std::string& tag = blocks[index].tag;
  if (label.text.size() > kLabelWindow || FindAsciiDigit(label.text) != std::string_view::npos)
    return Label::kNone;
  bool cell = (tag == "td" || tag == "th") && (label.tag == "td" || label.tag == "th");
  bool term = tag == "dd" && label.tag == "dt";
  // Two label cells in a row are a header row ("<th>Tel</th><th>Fax</th>"),
  // and the last of them does not label the first cell of the next row.
  bool header_row = index >= 2 && blocks[index - 2].tag == label.tag &&
                    blocks[index - 2].text.size() <= kLabelWindow &&
                    NearestLabel(blocks[index - 2].text) != Label::kNone;
  if (cell) return header_row ? Label::kNone : NearestLabel(label.text);
  if (term) return NearestLabel(label.text);
  static const RE2 kOnlyLabel(
      "(?i)\\s*(?:tel(?:efon|ephone|éphone)?\\.?|phone|fax|telefax|t[ée]l[ée]copie|mobile?|handy|"
      "portable)\\s*:?\\s*");
  return RE2::FullMatch(label.text, kOnlyLabel) ? NearestLabel(label.text) : Label::kNone;
}

void FromText(const Document& doc, std::string_view region, std::vector<Candidate>& out) {
  for (size_t index = 0; index < doc.blocks.size(); ++index) {
    const TextBlock& block = doc.blocks[index];
    std::string_view text = block.text;
    if (text.size() > kMaxBlockBytes || !HasAsciiDigits(text, kMinDigits)) continue;
    re2::StringPiece input(text.data(), text.size());
    re2::StringPiece span;
    size_t pos = 0, previous_end = 0;
    while (pos < text.size() &&
           SpanPattern().Match(input, pos, text.size(), RE2::UNANCHORED, &span, 1)) {
      size_t span_start = static_cast<size_t>(span.data() - text.data());
      pos = span_start + span.size();
      std::string_view span_text(span.data(), span.size());
      int digits = CountDigits(span_text);
      if (digits < kMinDigits || digits > kMaxSpanDigits || LooksLikeDateOrAmount(span_text))
        continue;
      for (const SpanMatch& m : MatchSpan(std::string(span_text), region)) {
        size_t start = span_start + m.offset;
        size_t end = start + m.raw.size();
        size_t window_begin =
            std::max(previous_end, start > kLabelWindow ? start - kLabelWindow : 0);
        previous_end = end;
        Label label = NearestLabel(text.substr(window_begin, start - window_begin));
        if (label == Label::kNone) label = LabelFromBlockBefore(doc.blocks, index);
        if (label == Label::kReject || InsideIdentifier(text, start, end) ||
            LooksLikeDateOrAmount(m.raw))
          continue;
        Add(out, Candidate{m.e164, m.raw, label, m.mobile});
      }
    }
  }
}

}  // namespace

std::vector<Phone> ExtractPhones(const Document& doc, std::string_view default_region) {
  std::vector<Candidate> candidates;
  FromTelLinks(doc, default_region, candidates);
  FromText(doc, default_region, candidates);
  std::vector<Phone> phones;
  phones.reserve(candidates.size());
  for (Candidate& c : candidates) {
    // A "Tel"/"Call" label only stops a fax label from reaching past it;
    // whether the line is a mobile is libphonenumber's call.
    std::string kind = c.label == Label::kFax                       ? "fax"
                       : c.label == Label::kMobile || c.mobile_type ? "mobile"
                                                                    : "phone";
    phones.push_back(Phone{std::move(c.e164), std::move(c.display), std::move(kind), doc.url});
  }
  return phones;
}

}  // namespace trawl
