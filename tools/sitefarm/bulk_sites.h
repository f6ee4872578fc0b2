// Generated company sites `bulk-<i>.test` (and `www.bulk-<i>.test`) for
// i in [0, count): ten linked pages of 25-60 KB each, robots.txt and
// sitemap.xml, with values (name, email, phone, address, company and VAT
// numbers) derived from i alone, so tests can check what a crawler extracted.
// Pages are assembled per request from a paragraph pool built once. Immutable
// after construction; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sitefarm/gzip_pieces.h"
#include "sitefarm/http_message.h"

namespace trawl::sitefarm {

// The values planted in bulk site i.
struct BulkTruth {
  std::string host;            // "bulk-7.test"
  std::string company_name;    // "Ashworth Plumbing & Heating Ltd"
  std::string email;           // "info@bulk-7.test"
  std::string phone;           // E.164, "+441134960123"
  std::string phone_display;   // as printed, "0113 496 0123"
  std::string street;          // "14 Mill Lane"
  std::string locality;        // "Leeds"
  std::string postcode;        // "LS3 5AB"
  std::string company_number;  // Companies House style, 8 digits
  std::string vat_number;      // "GB" + 9 digits passing the GB check
  std::string linkedin;        // canonical company page URL
  std::string facebook;
};

class FillerPool;

class BulkSites {
 public:
  explicit BulkSites(int count);
  ~BulkSites();

  int count() const { return count_; }
  // i for "bulk-<i>.test" or "www.bulk-<i>.test" with i < count, else -1.
  int IndexOf(std::string_view host) const;
  // The values of site i (any i >= 0, also beyond count). Cannot fail.
  static BulkTruth Truth(int i);
  // Truth(i) as a JSON object, plus "pages": the ten page paths.
  static std::string TruthJson(int i);
  // The ten page paths every bulk site serves, home first.
  static std::vector<std::string> PagePaths();

  // Answers a request to site i (from IndexOf). Pages come gzip-encoded when
  // `gzip` and the client accepts it (one level-1 stream: gzip_pieces.h). Unknown paths get 404;
  // /private/... pages exist but robots.txt disallows them, and they hold an
  // email (private@bulk-<i>.test) that a polite crawler never sees.
  Response Serve(int i, const Request& req, bool gzip) const;
  // Page `page` (an index into PagePaths()) of site i, as Serve builds it.
  PageBuilder Page(int i, size_t page) const;

 private:
  int count_;
  std::unique_ptr<FillerPool> pool_;
};

}  // namespace trawl::sitefarm
