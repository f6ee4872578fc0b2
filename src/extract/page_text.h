// One page's text blocks joined into one string, with where each block
// starts and where its digits are: what the address, company-number and VAT
// patterns scan. One regex pass over the whole page costs far less than one
// per block (RE2's per-call setup dominates on short blocks), and a label at
// the end of one block may name the number at the start of the next.
// ProfileBuilder builds it once per page for all three readers. A plain
// value; immutable once made, so thread-safe to share.
#pragma once

#include <string>
#include <vector>

#include "extract/document.h"
#include "extract/text_scan.h"

namespace trawl {

struct PageText {
  std::string text;            // every block's text followed by '\n'
  std::vector<size_t> starts;  // offset of each block in `text`
  std::vector<DigitRun> runs;  // DigitRuns(text)
  size_t longest_block = 0;    // bytes of the longest block

  // The joined text of doc.blocks. Cannot fail.
  static PageText Of(const Document& doc);
  // Makes this the joined text of doc.blocks, keeping the memory it holds
  // (one page after another: most pages fit in the last one's). Cannot fail.
  void Assign(const Document& doc);
};

}  // namespace trawl
