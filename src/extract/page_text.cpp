// PageText: see page_text.h.
#include "extract/page_text.h"

#include <algorithm>

namespace trawl {

PageText PageText::Of(const Document& doc) {
  PageText page;
  page.Assign(doc);
  return page;
}

void PageText::Assign(const Document& doc) {
  size_t size = 0;
  for (const TextBlock& block : doc.blocks) size += block.text.size() + 1;
  text.clear();
  text.reserve(size);
  starts.clear();
  starts.reserve(doc.blocks.size());
  longest_block = 0;
  for (const TextBlock& block : doc.blocks) {
    starts.push_back(text.size());
    text += block.text;
    text += '\n';
    longest_block = std::max(longest_block, block.text.size());
  }
  DigitRuns(text, runs);
}

}  // namespace trawl
