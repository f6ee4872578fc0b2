// FlattenDeepNesting: the depth cap in front of the reference parsers
// (ParseHtmlGumbo, ParseHtmlLibxml2). A single linear scan that copies only
// when it changes something.
#include "parsers/depth_flattener.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <utility>
#include <vector>

namespace trawl {
namespace {

// libxml2's own limit for trees; real pages stay well under 100. The cost it
// bounds: libxml2 searches its stack of open names on every unmatched end
// tag, so a page of such tags costs (their number x this depth).
constexpr size_t kMaxDepth = 256;

// `set` holds lower-case names; `name` is compared ASCII-case-insensitively.
bool NameIs(std::string_view name, std::initializer_list<std::string_view> set) {
  for (std::string_view s : set) {
    if (name.size() != s.size() || (name[0] | 0x20) != s[0]) continue;
    if (std::equal(name.begin(), name.end(), s.begin(), [](char a, char b) {
          return (a >= 'A' && a <= 'Z' ? static_cast<char>(a + 32) : a) == b;
        })) {
      return true;
    }
  }
  return false;
}

enum class TagKind { kCounted, kUncounted, kRawText, kDefinition };

// Uncounted: elements that never nest — void ones, and ones whose end tag is
// optional (counting those would read a page of unclosed <p>s as deep).
// RawText: elements whose content is not markup, skipped to their end tag.
// Definition: <dt> and <dd>, whose end tags are optional too, but libxml2
// only closes a dt by a dd and a dd by a dt, so a run of unclosed <dt>s nests
// (and 100,000 of them took minutes): counted, but one replaces the other.
// Sorted by name, for binary search.
constexpr std::pair<std::string_view, TagKind> kTagKinds[] = {
    {"!doctype", TagKind::kUncounted}, {"area", TagKind::kUncounted},
    {"base", TagKind::kUncounted},     {"body", TagKind::kUncounted},
    {"br", TagKind::kUncounted},       {"col", TagKind::kUncounted},
    {"colgroup", TagKind::kUncounted}, {"dd", TagKind::kDefinition},
    {"dt", TagKind::kDefinition},      {"embed", TagKind::kUncounted},
    {"head", TagKind::kUncounted},     {"hr", TagKind::kUncounted},
    {"html", TagKind::kUncounted},     {"iframe", TagKind::kRawText},
    {"img", TagKind::kUncounted},      {"input", TagKind::kUncounted},
    {"li", TagKind::kUncounted},       {"link", TagKind::kUncounted},
    {"meta", TagKind::kUncounted},     {"noembed", TagKind::kRawText},
    {"noframes", TagKind::kRawText},   {"optgroup", TagKind::kUncounted},
    {"option", TagKind::kUncounted},   {"p", TagKind::kUncounted},
    {"param", TagKind::kUncounted},    {"plaintext", TagKind::kRawText},
    {"rp", TagKind::kUncounted},       {"rt", TagKind::kUncounted},
    {"script", TagKind::kRawText},     {"source", TagKind::kUncounted},
    {"style", TagKind::kRawText},      {"tbody", TagKind::kUncounted},
    {"td", TagKind::kUncounted},       {"textarea", TagKind::kRawText},
    {"tfoot", TagKind::kUncounted},    {"th", TagKind::kUncounted},
    {"thead", TagKind::kUncounted},    {"title", TagKind::kRawText},
    {"tr", TagKind::kUncounted},       {"track", TagKind::kUncounted},
    {"wbr", TagKind::kUncounted},      {"xmp", TagKind::kRawText},
};

static_assert(std::is_sorted(std::begin(kTagKinds), std::end(kTagKinds)));

// Whether the start or end tag `name` (any case) counts as nesting, never nests, or opens raw text.
TagKind Classify(std::string_view name) {
  char buf[9];  // as long as the longest name in the table, "plaintext"
  if (name.size() > sizeof buf) return TagKind::kCounted;
  for (size_t i = 0; i < name.size(); ++i)
    buf[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i];
  std::string_view low(buf, name.size());
  auto it = std::lower_bound(std::begin(kTagKinds), std::end(kTagKinds), low,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  return it != std::end(kTagKinds) && it->first == low ? it->second : TagKind::kCounted;
}

size_t FindCi(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = hay.find('<', from); i != std::string_view::npos; i = hay.find('<', i + 1)) {
    if (hay.size() - i >= needle.size() && NameIs(hay.substr(i, needle.size()), {needle})) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string FlattenDeepNesting(std::string_view html) {
  std::string out;
  bool rewriting = false;
  std::vector<char> open;  // counted elements open ('t' dt, 'd' dd, else 0), at most kMaxDepth
  size_t excess = 0;       // start tags dropped and not yet closed
  size_t copied = 0;       // html[0, copied) is in `out` (while rewriting)
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      size_t e = html.find("-->", i + 4);
      i = e == std::string_view::npos ? html.size() : e + 3;
      continue;
    }
    bool end = i + 1 < html.size() && html[i + 1] == '/';
    size_t n = i + (end ? 2 : 1);
    size_t ne = n;
    while (ne < html.size() && (std::isalnum(static_cast<unsigned char>(html[ne])) ||
                                html[ne] == '!' || html[ne] == '-'))
      ++ne;
    size_t close = html.find('>', ne);
    if (ne == n || close == std::string_view::npos) {
      ++i;
      continue;
    }
    std::string_view name = html.substr(n, ne - n);
    size_t next = close + 1;
    bool drop = false;
    TagKind kind = Classify(name);
    if (!end && kind == TagKind::kRawText) {
      std::string endtag = "</" + std::string(name);
      for (char& c : endtag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t e = FindCi(html, endtag, next);
      next = e == std::string_view::npos ? html.size() : e;
    } else if ((kind == TagKind::kCounted || kind == TagKind::kDefinition) &&
               html[close - 1] != '/' && !(excess > 0 && NameIs(name, {"a"}))) {
      char def =
          kind == TagKind::kDefinition ? static_cast<char>(name[1] | 0x20) : 0;  // 't' or 'd'
      if (end) {
        if (excess > 0) {
          --excess;
          drop = true;
        } else if (!open.empty()) {
          open.pop_back();
        }
      } else if (def != 0 && !open.empty() && open.back() != 0 && open.back() != def) {
        open.back() = def;  // libxml2 closes an open <dd> with <dt> and the reverse; <dt><dt> nests
      } else if (open.size() >= kMaxDepth) {
        ++excess;
        drop = true;
      } else {
        open.push_back(def);
      }
    }
    if (drop) {
      if (!rewriting) {
        rewriting = true;
        out.reserve(html.size());
      }
      out.append(html.substr(copied, i - copied));
      copied = close + 1;
    }
    i = next;
  }
  if (!rewriting) return {};
  out.append(html.substr(copied));
  return out;
}

}  // namespace trawl
