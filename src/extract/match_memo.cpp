// MatchWithCaptures: see match_memo.h.
//
// Why the two steps give what one RE2::Match call gives: with capture groups
// wanted, RE2::Match itself first finds the match [s, e) with its DFAs (the
// leftmost match, or the one at startpos when anchored there; its end by the
// pattern's preferences), then runs a capture engine anchored at both ends
// of [s, e) to find the preferred way the pattern matches exactly that text.
// Asking for no groups stops after the first part; an ANCHOR_BOTH call on
// [s, e) is the second part. The second part reads nothing outside [s, e)
// but one byte on each side (for \b; and whether [s, e) touches the ends of
// the text, for ^ and $), so the match text with those bytes is the memo key.
#include "extract/match_memo.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace trawl {
namespace {

// Memo entries at most: a few hundred sites' footers.
constexpr size_t kMaxEntries = 4096;

// Offset from the match start and length of each group; offset -1: the
// group did not take part.
using Groups = std::vector<std::pair<int, int>>;

// Writes the memo key into `key` (reusing its memory: most lookups hit).
void Key(const RE2& re, const re2::StringPiece& text, size_t begin, size_t end, int n,
         std::string& key) {
  key.clear();
  // The pattern's address tells the patterns apart.
  const auto id = reinterpret_cast<std::uintptr_t>(&re);
  key.append(reinterpret_cast<const char*>(&id), sizeof(id));
  key.append(reinterpret_cast<const char*>(&n), sizeof(n));
  key.push_back(begin > 0 ? '1' : '0');
  key.push_back(begin > 0 ? text[begin - 1] : '\0');
  key.push_back(end < text.size() ? '1' : '0');
  key.push_back(end < text.size() ? text[end] : '\0');
  key.append(text.data() + begin, end - begin);
}

}  // namespace

bool MatchWithCaptures(const RE2& re, const re2::StringPiece& text, size_t startpos, size_t endpos,
                       re2::StringPiece* sub, int n, RE2::Anchor anchor) {
  // Whether there is a match at all, first: asked for no position, RE2 runs
  // its leftmost-longest DFA, which stops at the first match state and is
  // markedly faster than the leftmost-first one a position needs. Most
  // callers' texts hold no match.
  if (!re.Match(text, startpos, endpos, anchor, nullptr, 0)) return false;
  if (n <= 1) return re.Match(text, startpos, endpos, anchor, sub, n);
  re2::StringPiece whole;
  if (!re.Match(text, startpos, endpos, anchor, &whole, 1)) return false;
  size_t begin = static_cast<size_t>(whole.data() - text.data());
  size_t end = begin + whole.size();
  thread_local std::unordered_map<std::string, Groups> memo;
  thread_local std::string key;
  Key(re, text, begin, end, n, key);
  auto it = memo.find(key);
  if (it == memo.end()) {
    // Cannot fail: [begin, end) is a match.
    if (!re.Match(text, begin, end, RE2::ANCHOR_BOTH, sub, n)) return false;
    Groups groups(static_cast<size_t>(n), {-1, 0});
    for (int i = 0; i < n; ++i) {
      if (sub[i].data() != nullptr) {
        groups[static_cast<size_t>(i)] = {static_cast<int>(sub[i].data() - whole.data()),
                                          static_cast<int>(sub[i].size())};
      }
    }
    if (memo.size() >= kMaxEntries) memo.clear();
    memo.emplace(key, std::move(groups));
    return true;
  }
  for (int i = 0; i < n; ++i) {
    auto [offset, size] = it->second[static_cast<size_t>(i)];
    sub[i] = offset < 0 ? re2::StringPiece()
                        : re2::StringPiece(whole.data() + offset, static_cast<size_t>(size));
  }
  return true;
}

}  // namespace trawl
