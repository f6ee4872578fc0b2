// ParseHtmlGumbo: gumbo builds the tree, an iterative pre-order walk feeds it
// to the shared DocumentBuilder (document_builder.h holds the page rules).
//
// Memory: gumbo allocates from a per-parse arena that is dropped as a whole;
// gumbo_destroy_output (recursive in gumbo 0.10) is never called, so deeply
// nested tags cannot overflow the stack there, and the walk is iterative.
#include "parsers/document_gumbo.h"

#include <gumbo.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "extract/document_builder.h"
#include "extract/document_input.h"
#include "parsers/depth_flattener.h"

namespace trawl {
namespace {

class Arena {
 public:
  ~Arena() {
    for (void* c : chunks_) std::free(c);
  }
  void* Allocate(size_t n) {
    n = (n + 15) & ~size_t{15};
    if (n > left_) {
      size_t size = std::max<size_t>(n, kChunk);
      char* c = static_cast<char*>(std::malloc(size));
      if (c == nullptr) std::abort();  // gumbo cannot handle a failed allocation
      chunks_.push_back(c);
      cur_ = c;
      left_ = size;
    }
    void* p = cur_;
    cur_ += n;
    left_ -= n;
    return p;
  }

 private:
  static constexpr size_t kChunk = 256 * 1024;
  std::vector<void*> chunks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
};

void* ArenaAlloc(void* userdata, size_t size) {
  return static_cast<Arena*>(userdata)->Allocate(size);
}
void ArenaFree(void*, void*) {}

bool IsElement(const GumboNode* n) {
  return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

void OpenElement(DocumentBuilder& builder, const GumboElement& el,
                 std::vector<HtmlAttribute>& attrs) {
  attrs.clear();
  for (unsigned i = 0; i < el.attributes.length; ++i) {
    const GumboAttribute* a = static_cast<const GumboAttribute*>(el.attributes.data[i]);
    attrs.push_back({a->name, a->value});
  }
  // Unknown tags have no normalized name; the rules ignore them anyway.
  builder.OpenElement(
      el.tag == GUMBO_TAG_UNKNOWN ? std::string_view() : gumbo_normalized_tagname(el.tag), attrs);
}

// Pre-order walk with an explicit stack: (node, index of the next child).
void Walk(const GumboNode* document, DocumentBuilder& builder) {
  std::vector<std::pair<const GumboNode*, unsigned>> stack = {{document, 0}};
  std::vector<HtmlAttribute> attrs;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    const GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    if (next < children.length) {
      const GumboNode* child = static_cast<const GumboNode*>(children.data[next++]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA ||
          child->type == GUMBO_NODE_WHITESPACE) {
        builder.Text(child->v.text.text);
      } else if (IsElement(child)) {
        OpenElement(builder, child->v.element, attrs);
        stack.emplace_back(child, 0);
      }
      continue;
    }
    if (IsElement(node)) builder.CloseElement();
    stack.pop_back();
  }
}

}  // namespace

Document ParseHtmlGumbo(std::string_view html, std::string_view url) {
  Document doc;
  doc.url = std::string(url);
  doc.base_url = doc.url;
  Arena arena;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = ArenaAlloc;
  options.deallocator = ArenaFree;
  options.userdata = &arena;
  options.max_errors = 0;  // parse errors are not used; recording them costs time
  std::string flattened = FlattenDeepNesting(html);
  if (!flattened.empty()) html = flattened;
  GumboOutput* out = gumbo_parse_with_options(&options, html.data(), html.size());
  if (out == nullptr) return doc;
  DocumentBuilder builder(doc);
  Walk(out->document, builder);
  builder.Finish();
  return doc;  // the arena, and with it the whole gumbo tree, goes here
}

}  // namespace trawl
