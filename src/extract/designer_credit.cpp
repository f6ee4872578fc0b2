// Designer-credit detection: a phrase pattern over text blocks, then the
// links whose anchor text appears after the phrase in such a block.
#include "extract/designer_credit.h"

#include <re2/re2.h>

#include "core/domain.h"
#include "core/text.h"
#include "core/url.h"
#include "extract/text_scan.h"

namespace trawl {
namespace {

const RE2& CreditPattern() {
  static const RE2 re(
      "(?i)(?:web\\s*site|site|web|webdesign|web design|theme|template|hosting)?\\s*"
      "(?:designed|developed|built|created|made|crafted|powered|hosted|maintained)\\s+(?:and\\s+"
      "\\w+\\s+)?by"
      "|(?:web\\s*site|site)\\s+by|web\\s*design(?:ed)?\\s*(?:by|:|-|–)|webdesign\\s*(?:by|von|:|-|"
      "–)"
      "|site\\s+r[ée]alis[ée]\\s+par|r[ée]alis(?:é|e|ation)\\s+(?:par|:)|conception\\s*(?::|par)"
      "|cr[ée]ation\\s+(?:du\\s+site|site)?\\s*(?::|par)|(?:^|\\W)design\\s*:"
      "|(?:erstellt|gestaltet|umgesetzt|entwickelt|realisiert)\\s+(?:von|durch)"
      "|(?:webseite|website|homepage|internetseite)\\s+(?:von|by)|gestaltung\\s*(?::|von)");
  return re;
}

// False when `text` cannot hold a credit: every form of CreditPattern ends
// with "by", "von", "durch", "par", ":", "-" or "–" (letters in any case).
// One vectorized scan, where most short blocks (menu items, headings) end;
// the pattern itself costs a call into RE2 per block.
bool MayHoldCredit(std::string_view text) {
  auto start = [](unsigned char c, unsigned char n, unsigned char a) {
    unsigned char lc = c | 0x20, ln = n | 0x20, la = a | 0x20;
    return (c == ':') | (c == '-') | ((c == 0xE2) & (n == 0x80) & (a == 0x93)) |
           ((lc == 'b') & (ln == 'y')) | ((lc == 'v') & (ln == 'o') & (la == 'n')) |
           ((lc == 'd') & (ln == 'u') & (la == 'r')) | ((lc == 'p') & (ln == 'a') & (la == 'r'));
  };
  return FindByteTriple(text, 0, start) != std::string_view::npos;
}

}  // namespace

bool IsDesignerCredit(std::string_view text) {
  if (text.size() > 600) return false;  // a credit is a line, not an article
  return MayHoldCredit(text) && RE2::PartialMatch(text, CreditPattern());
}

// The designer's name: the tail up to the first separator ("Sitesmith
// Digital · Sitesmith on Facebook" -> "sitesmith digital").
std::string DesignerName(std::string_view tail) {
  size_t end = tail.size();
  for (std::string_view sep :
       {"·", "|", " - ", " – ", ",", "(", "•", "&middot;", ".", " and ", " & "}) {
    size_t at = tail.find(sep);
    if (at != std::string_view::npos && at > 0) end = std::min(end, at);
  }
  std::string name(tail.substr(0, end));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

// A link belongs to a credit when its text sits in the credit and names the
// designer: "Sitesmith Digital", "Sitesmith on Facebook" -- but not a bare
// "Facebook" icon of the company that happens to share the block's words.
bool NamesDesigner(std::string_view link_text, std::string_view name) {
  if (name.empty()) return false;
  if (name.find(link_text) != std::string_view::npos && link_text.size() >= 3) return true;
  std::string_view first = name.substr(0, name.find(' '));
  return first.size() >= 4 && link_text.find(first) != std::string_view::npos;
}

DesignerCredits FindDesignerCredits(const Document& doc, std::string_view own_domain) {
  DesignerCredits out;
  std::vector<std::string> names;
  for (const TextBlock& b : doc.blocks) {
    // Credits are short footer lines; prose that says "built by our team" is not one.
    if (!b.in_footer && b.text.size() > 160) continue;
    if (!MayHoldCredit(b.text)) continue;
    re2::StringPiece input(b.text);
    re2::StringPiece match;
    // Asked for no position first, RE2 runs a faster DFA (see match_memo.cpp).
    if (!CreditPattern().Match(input, 0, input.size(), RE2::UNANCHORED, nullptr, 0) ||
        !CreditPattern().Match(input, 0, input.size(), RE2::UNANCHORED, &match, 1)) {
      continue;
    }
    size_t after = static_cast<size_t>(match.data() - input.data()) + match.size();
    std::string tail = AsciiLower(std::string_view(b.text).substr(after));
    size_t lead = tail.find_first_not_of(" :-–");
    if (lead == std::string::npos) continue;
    tail.erase(0, lead);
    names.push_back(DesignerName(tail));
    out.texts.push_back(std::move(tail));
  }
  if (out.texts.empty()) return out;
  for (const Link& l : doc.links) {
    if (l.url.empty() || l.text.size() < 3) continue;
    std::string text = AsciiLower(l.text);
    bool in_credit = false;
    for (size_t i = 0; i < out.texts.size(); ++i) {
      in_credit = in_credit ||
                  (out.texts[i].find(text) != std::string::npos && NamesDesigner(text, names[i]));
    }
    if (!in_credit) continue;
    out.urls.push_back(l.url);
    auto parts = ParseUrl(l.url);
    if (!parts) continue;
    std::string reg = RegistrableDomain(parts->host);
    if (reg == own_domain) continue;
    out.domains.push_back(std::move(reg));
  }
  return out;
}

}  // namespace trawl
