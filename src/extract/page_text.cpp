// PageText: see page_text.h.
#include "extract/page_text.h"

#include <algorithm>

namespace trawl {

PageText PageText::Of(const Document& doc) {
  PageText page;
  size_t size = 0;
  for (const TextBlock& block : doc.blocks) size += block.text.size() + 1;
  page.text.reserve(size);
  page.starts.reserve(doc.blocks.size());
  for (const TextBlock& block : doc.blocks) {
    page.starts.push_back(page.text.size());
    page.text += block.text;
    page.text += '\n';
    page.longest_block = std::max(page.longest_block, block.text.size());
  }
  page.runs = DigitRuns(page.text);
  return page;
}

}  // namespace trawl
