// ParseHtml: the UTF-8 repair (document_input.h), then trawl's own HTML
// parser (html_parser.h) feeding the DocumentBuilder. The parser caps nesting
// itself, so the depth flattener that gumbo and libxml2 need is not run.
#include "extract/document.h"

#include <string>

#include "extract/document_builder.h"
#include "extract/document_input.h"
#include "extract/html_parser.h"

namespace trawl {

std::string Document::Meta(std::string_view name) const {
  for (const auto& [k, v] : meta) {
    if (k == name) return v;
  }
  return {};
}

Document ParseHtml(std::string_view html, std::string_view url) {
  Document doc;
  doc.url = std::string(url);
  doc.base_url = doc.url;
  std::string repaired = SanitizeUtf8ForParser(html);
  if (!repaired.empty()) html = repaired;
  DocumentBuilder builder(doc);
  ParseHtmlInto(html, builder);
  return doc;
}

}  // namespace trawl
