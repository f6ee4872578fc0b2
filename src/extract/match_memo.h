// RE2 matches with capture groups, remembered by the text they matched.
//
// RE2 finds where a match is with its DFAs, fast; the capture groups then
// take its BitState or NFA engine over the match, which allocates on every
// call and, for a large pattern (the company-number and VAT patterns:
// hundreds of program instructions, bounded repeats), costs tens of
// microseconds. A site repeats its footer ("company number 01234567. VAT
// reg. no. GB 123 4567 82") on every page, so the same match text comes back
// again and again. Thread-safety: the memo is per
// thread (no locking), bounded by clearing when full.
#pragma once

#include <re2/re2.h>

#include <cstddef>

namespace trawl {

// The same as re.Match(text, startpos, endpos, anchor, sub, n), for anchor
// UNANCHORED or ANCHOR_START: false when there is no match, else sub[0..n)
// set. `re` must live as long as the thread (a function-local static): the
// memo is keyed by its address.
bool MatchWithCaptures(const RE2& re, const re2::StringPiece& text, size_t startpos, size_t endpos,
                       re2::StringPiece* sub, int n, RE2::Anchor anchor = RE2::UNANCHORED);

}  // namespace trawl
