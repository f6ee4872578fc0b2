// Visible-text addresses anchored on postcodes; see address_text.h.
#include "extract/address_text.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "core/text.h"
#include "extract/postcodes.h"
#include "extract/text_scan.h"

namespace trawl {
namespace {

// A line longer than this is prose, not an address line.
constexpr size_t kMaxLineBytes = 80;
// Blocks before the postcode's block that may hold its street and town.
constexpr size_t kMaxBlocksBack = 3;
// Blocks longer than this are article text; postcodes there are rarely the
// company's and scanning them would cost the most.
constexpr size_t kMaxBlockBytes = 4000;

// Whitespace and the separators sites put between address lines. "–" adds
// its three bytes (E2 80 93) to the set one by one, as it always did here.
std::string Trim(std::string_view s) { return std::string(TrimBytes(s, " \t\r\n,;:|-–")); }

// Splits at the separators sites put between address lines.
std::vector<std::string> Segments(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  auto flush = [&](size_t end) {
    std::string seg = Trim(text.substr(start, end - start));
    if (!seg.empty()) out.push_back(std::move(seg));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    size_t sep = 0;
    char c = text[i];
    if (c == ',' || c == '\n' || c == '|' || c == ';')
      sep = 1;
    else if (text.compare(i, 2, "\xC2\xB7") == 0)
      sep = 2;  // middle dot
    else if (text.compare(i, 3, "\xE2\x80\xA2") == 0)
      sep = 3;  // bullet
    else if (text.compare(i, 3, " - ") == 0 || text.compare(i, 5, " \xE2\x80\x93 ") == 0)
      sep = c == ' ' && text[i + 1] == '-' ? 3 : 5;
    if (sep == 0) continue;
    flush(i);
    start = i + sep;
    i += sep - 1;
  }
  flush(text.size());
  return out;
}

std::string TldCountry(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view host = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/:?#"));
  std::string tld(
      host.substr(host.rfind('.') == std::string_view::npos ? host.size() : host.rfind('.') + 1));
  std::transform(tld.begin(), tld.end(), tld.begin(), ::toupper);
  if (tld == "UK") return "GB";
  for (const char* code : {"DE", "FR", "AU", "IE", "NL", "ES", "IT", "US", "AT", "BE", "CH"}) {
    if (tld == code) return tld;
  }
  return "";
}

bool IsCompanyLine(std::string_view line) {
  static const RE2 re(
      "(?i)\\b(?:ltd|limited|llc|inc|gmbh|ag|sarl|sas|s\\.?l|s\\.?r\\.?l|plc|b\\.?v|pty|co)\\b\\.?"
      "$");
  return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), re);
}

bool IsCounty(std::string_view line) {
  static const RE2 re(
      "(?i)^(?:\\w+shire|(?:east |west |north |south "
      ")?(?:sussex|yorkshire)|kent|essex|surrey|middlesex|devon|"
      "cornwall|norfolk|suffolk|cumbria|dorset|somerset|rutland|county \\w+|co\\.? \\w+|greater "
      "\\w+|merseyside|"
      "tyne and wear|west midlands)$");
  return RE2::FullMatch(re2::StringPiece(line.data(), line.size()), re);
}

bool IsUnitLine(std::string_view line) {
  static const RE2 re(
      "(?i)^(?:level|unit|suite|ste|floor|shop|flat|apartment|apt|building|#)\\b.*");
  return RE2::FullMatch(re2::StringPiece(line.data(), line.size()), re);
}

// Drops a label before the address ("Address: ", "Anschrift:") and, from a
// line too long to be an address line, keeps the street-looking tail.
std::string CleanStreet(std::string line, bool number_first) {
  size_t colon = line.rfind(": ");
  if (colon != std::string::npos) line = Trim(std::string_view(line).substr(colon + 1));
  if (line.size() <= 50 && std::count(line.begin(), line.end(), ' ') < 7) return line;
  static const RE2 number_first_re("(\\b\\d{1,5}[A-Za-z]?\\s+\\p{Lu}[^\\d]*)$");
  static const RE2 number_last_re(
      "(\\p{Lu}[\\p{L}.-]*(?:\\s[\\p{L}.-]+){0,2}\\s\\d{1,4}\\s?[a-zA-Z]?(?:[-/]\\d{1,4})?)$");
  std::string tail;
  if (RE2::PartialMatch(line, number_first ? number_first_re : number_last_re, &tail) &&
      tail.size() <= kMaxLineBytes) {
    return tail;
  }
  return "";
}

bool Acceptable(const std::string& line) {
  if (line.empty() || line.size() > kMaxLineBytes || IsCompanyLine(line)) return false;
  return LooksLikeStreet(line) || std::count(line.begin(), line.end(), ' ') < 4;
}

// "12 High Street Bedford" (commas lost in collapsed text): split after the
// street word. Returns false when no split point is found.
bool SplitStreetAndTown(const std::string& line, std::string& street, std::string& town) {
  static const RE2 re(
      "(?i)^(.*\\b(?:street|st|road|rd|lane|ln|avenue|ave|drive|dr|way|close|court|place|square|"
      "crescent|"
      "terrace|parade|gardens|grove|hill|row|walk|mews|boulevard|blvd|highway|parkway)\\.?)\\s+("
      "\\p{Lu}.*)$");
  return RE2::FullMatch(line, re, &street, &town);
}

// Lines before the postcode, nearest last: the current block's text before
// it, then whole short blocks before that.
struct Context {
  std::string head;                // same line as the postcode, before it
  std::vector<std::string> lines;  // earlier lines, nearest last
};

Context LinesBefore(const std::vector<TextBlock>& blocks, size_t index, size_t begin) {
  Context ctx;
  std::string_view pre = std::string_view(blocks[index].text).substr(0, begin);
  std::vector<std::string> segs = Segments(pre);
  size_t last = pre.find_last_not_of(" \t");
  bool ends_with_separator =
      last == std::string_view::npos ||
      std::string_view(",\n|;-\xB7\xA2\x93").find(pre[last]) != std::string_view::npos;
  if (!segs.empty() && !ends_with_separator) {
    ctx.head = segs.back();
    segs.pop_back();
  }
  for (size_t back = 1; back <= kMaxBlocksBack && back <= index && segs.size() < 4; ++back) {
    const std::string& text = blocks[index - back].text;
    if (text.size() > kMaxLineBytes * 2) break;
    std::vector<std::string> earlier = Segments(text);
    segs.insert(segs.begin(), earlier.begin(), earlier.end());
  }
  ctx.lines = std::move(segs);
  return ctx;
}

// Lines that introduce an address or name its country, not parts of it.
bool IsNoiseLine(std::string_view line) {
  static const RE2 re(
      "(?i)(?:address|adresse|anschrift|location|locations|find us|visit us|our address|"
      "head office|registered office|office|contact|contact us|kontakt|standort|indirizzo|"
      "dirección|sede)");
  if (RE2::FullMatch(re2::StringPiece(line.data(), line.size()), re)) return true;
  return line.size() > 2 && !CountryCode(line).empty();
}

// Drops a leading label word without a colon ("Address Worth Park").
std::string DropLabel(std::string line) {
  static const RE2 re("(?i)^(?:address|adresse|anschrift|location|indirizzo|dirección)\\s+");
  RE2::Replace(&line, re, "");
  return line;
}

std::string PopLine(std::vector<std::string>& lines) {
  while (!lines.empty() && IsNoiseLine(lines.back())) lines.pop_back();
  if (lines.empty()) return "";
  std::string s = DropLabel(std::move(lines.back()));
  lines.pop_back();
  return s;
}

// Street line(s) from the nearest earlier lines, joining a "Level 2"/"Suite
// 100" line with its street line.
std::string TakeStreet(std::vector<std::string>& lines, bool number_first) {
  std::string street = CleanStreet(PopLine(lines), number_first);
  if (!Acceptable(street)) return "";
  if (!lines.empty() && IsUnitLine(lines.back()) && lines.back().size() <= kMaxLineBytes) {
    street = PopLine(lines) + ", " + street;
  } else if (IsUnitLine(street) && !lines.empty() && LooksLikeStreet(lines.back()) &&
             Acceptable(lines.back()) && lines.back().find(':') == std::string::npos) {
    street = street + ", " + PopLine(lines);
  }
  return street;
}

Address Assemble(const std::vector<TextBlock>& blocks, size_t index, const PostcodeMatch& m) {
  Context ctx = LinesBefore(blocks, index, m.begin);
  Address a;
  a.postcode = m.postcode;
  a.country = m.country;
  if (!m.region.empty()) a.region = m.region;
  std::string street, locality = m.locality;
  if (m.town_first) {
    std::string head = CleanStreet(ctx.head, true);
    if (!head.empty() && LooksLikeStreet(head) && SplitStreetAndTown(head, street, locality)) {
      // "12 High Street Bedford MK40 1AA"
    } else if (!head.empty() && !LooksLikeStreet(head)) {
      locality = head;
    } else if (!head.empty()) {
      street = head;
    } else {
      locality = PopLine(ctx.lines);
      if ((m.country == "GB" || m.country == "IE") && IsCounty(locality)) {
        a.region = locality;
        locality = PopLine(ctx.lines);
      }
      if (!locality.empty() && std::isdigit(static_cast<unsigned char>(locality[0]))) {
        street = locality;  // "1 High St, MK40 1AA": no town written
        locality.clear();
      }
    }
    if (street.empty()) street = TakeStreet(ctx.lines, true);
    // "16 Cross Street, Cheadle, Stoke-on-Trent": the line taken for the
    // street is a district when a street line sits right before it.
    if (!street.empty() && !LooksLikeStreet(street) && !ctx.lines.empty() &&
        LooksLikeStreet(ctx.lines.back()) && Acceptable(ctx.lines.back())) {
      locality = locality.empty() ? street : street + ", " + locality;
      street = TakeStreet(ctx.lines, true);
    }
  } else {
    // Where the number follows the street, a street line always has one.
    std::string head = CleanStreet(ctx.head, false);
    street = !head.empty() && Acceptable(head) ? head : TakeStreet(ctx.lines, false);
    if (!LooksLikeStreet(street)) street.clear();
  }
  // "10245 Berlin." at a sentence's end: the full stop is not the town's.
  while (!locality.empty() && (locality.back() == '.' || locality.back() == ',' ||
                               locality.back() == ';' || locality.back() == ' ')) {
    locality.pop_back();
  }
  if (locality.size() > kMaxLineBytes || IsCompanyLine(locality)) locality.clear();
  if (!street.empty()) a.street = street;
  if (!locality.empty()) a.locality = locality;
  a.text = FormatAddressText(a);
  return a;
}

}  // namespace

void AddTextAddresses(const Document& doc, std::string_view country_hint,
                      std::vector<Address>& out) {
  AddTextAddresses(doc, PageText::Of(doc), country_hint, out);
}

void AddTextAddresses(const Document& doc, const PageText& page, std::string_view country_hint,
                      std::vector<Address>& out) {
  // One pass over all blocks joined by newlines: RE2's per-call setup costs
  // more than scanning a short block, and a street word in the block before
  // is context for the postcode in this one. Blocks over kMaxBlockBytes are
  // left out (their newline kept), so `page` serves as it is unless it has one.
  std::string own;
  std::vector<size_t> own_starts;
  std::vector<DigitRun> own_runs;
  std::string_view joined = page.text;
  const std::vector<size_t>* starts = &page.starts;
  const std::vector<DigitRun>* runs = &page.runs;
  if (page.longest_block > kMaxBlockBytes) {
    for (const TextBlock& block : doc.blocks) {
      own_starts.push_back(own.size());
      if (block.text.size() <= kMaxBlockBytes) own += block.text;
      own += '\n';
    }
    own_runs = DigitRuns(own);
    joined = own;
    starts = &own_starts;
    runs = &own_runs;
  }
  for (PostcodeMatch m : FindPostcodes(joined, *runs, country_hint, TldCountry(doc.url))) {
    size_t index = static_cast<size_t>(std::upper_bound(starts->begin(), starts->end(), m.begin) -
                                       starts->begin()) -
                   1;
    m.begin -= (*starts)[index];
    out.push_back(Assemble(doc.blocks, index, m));
  }
}

}  // namespace trawl
