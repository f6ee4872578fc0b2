// Sitemaps (sitemaps.org protocol 0.9): the page URLs of a <urlset> and the
// child sitemaps of a <sitemapindex>, read with pugixml. Pure function,
// thread-safe; the result owns its strings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

struct SitemapEntries {
  std::vector<std::string> urls;      // <urlset><url><loc>, in document order
  std::vector<std::string> sitemaps;  // <sitemapindex><sitemap><loc>
};

// Parses a sitemap document. Namespaces and prefixes are ignored (elements
// match by local name), <loc> text is trimmed, empty locs are skipped, and at
// most `max_urls` entries are kept in each list (the protocol's own cap is
// 50,000). A plain-text sitemap (one absolute http(s) URL per line, also
// allowed by the protocol) is read too. Malformed XML, HTML error pages and
// garbage yield empty lists. Never throws; cost is one parse of `xml`, so the
// caller bounds its size (the protocol caps a file at 50 MB uncompressed).
// Gzip-compressed sitemaps must be inflated by the caller.
SitemapEntries ParseSitemap(std::string_view xml, size_t max_urls = 50000);

}  // namespace trawl
