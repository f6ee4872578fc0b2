// Sitemap parsing on pugixml. See sitemap.h for the contract.
#include "crawl/sitemap.h"

#include <pugixml.hpp>

#include "core/text.h"

namespace trawl {
namespace {

// XML's white space (the S production): no \f, unlike HTML's.
std::string_view Trim(std::string_view s) { return TrimBytes(s, " \t\r\n"); }

// "sm:urlset" and "urlset" are the same element to us: sitemaps in the wild
// use prefixes, default namespaces, and no namespace at all.
std::string_view LocalName(const char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

bool StartsWithHttp(std::string_view s) {
  auto lower_prefix = [&](std::string_view p) {
    if (s.size() < p.size()) return false;
    return EqualsIgnoreAsciiCase(s.substr(0, p.size()), p);
  };
  return lower_prefix("http://") || lower_prefix("https://");
}

// The <loc> of each `item` child of `root`, at most `max` of them.
void CollectLocs(pugi::xml_node root, std::string_view item, size_t max,
                 std::vector<std::string>& out) {
  for (pugi::xml_node node : root.children()) {
    if (out.size() >= max) return;
    if (node.type() != pugi::node_element || LocalName(node.name()) != item) continue;
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element || LocalName(child.name()) != "loc") continue;
      std::string_view loc = Trim(child.text().get());
      if (!loc.empty()) out.emplace_back(loc);
      break;
    }
  }
}

// sitemaps.org "Text file": one URL per line, nothing else.
SitemapEntries ParsePlainText(std::string_view text, size_t max_urls) {
  SitemapEntries out;
  while (!text.empty() && out.urls.size() < max_urls) {
    size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (StartsWithHttp(line) && line.find_first_of(" \t") == std::string_view::npos) {
      out.urls.emplace_back(line);
    }
  }
  return out;
}

SitemapEntries ParseXml(std::string_view xml, size_t max_urls) {
  SitemapEntries out;
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  pugi::xml_node root = doc.document_element();
  if (!root) return out;
  std::string_view kind = LocalName(root.name());
  if (kind == "urlset") {
    CollectLocs(root, "url", max_urls, out.urls);
  } else if (kind == "sitemapindex") {
    CollectLocs(root, "sitemap", max_urls, out.sitemaps);
  }
  // A file cut short (the fetcher caps its size) still yields the entries
  // before the cut; the last one may hold a truncated URL, so it goes.
  if (!parsed) {
    if (!out.urls.empty()) out.urls.pop_back();
    if (!out.sitemaps.empty()) out.sitemaps.pop_back();
  }
  return out;
}

}  // namespace

SitemapEntries ParseSitemap(std::string_view xml, size_t max_urls) {
  if (max_urls == 0) return {};
  std::string_view body = xml;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  body = Trim(body);
  if (body.empty()) return {};
  try {
    if (body.front() != '<') return ParsePlainText(body, max_urls);
    return ParseXml(xml, max_urls);
  } catch (...) {  // pugixml reports errors as values but may throw bad_alloc
    return {};
  }
}

}  // namespace trawl
