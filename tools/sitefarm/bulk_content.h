// Word lists and the filler-paragraph pool behind the generated bulk sites
// (bulk_sites.h). Everything is deterministic; the pool is built once per
// farm and read-only afterwards, so it is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sitefarm/gzip_pieces.h"

namespace trawl::sitefarm {

// splitmix64: a cheap, well-mixed hash for deterministic choices.
uint64_t Mix(uint64_t x);

struct Industry {
  const char* name_word;  // goes into company names: "Plumbing & Heating"
  const char* trade;      // in running text: "plumbing"
  std::array<const char*, 6> services;
};

// A UK dialling area with its town and postcode area. The numbers are Ofcom's
// ranges reserved for drama, which libphonenumber still accepts as valid.
struct Area {
  const char* town;
  const char* postcode_area;   // "LS"
  const char* display_prefix;  // "0113 496 0", followed by three digits
  const char* e164_prefix;     // "+441134960"
};

const std::vector<Industry>& Industries();
const std::vector<Area>& Areas();
const std::vector<const char*>& NameWords();    // first word of company names
const std::vector<const char*>& StreetNames();  // "Mill Lane"
const std::vector<const char*>& PersonNames();  // staff on the team page

// The prebuilt pieces of bulk pages: filler paragraphs (400-900 bytes of
// HTML each) and section headings per industry, plus the page's fixed style
// and script blocks (gzip_pieces.h). Building it costs a
// few tens of milliseconds.
class FillerPool {
 public:
  static constexpr size_t kPerIndustry = 48;
  FillerPool(std::string style, std::string script);
  // Paragraph k (any value; wrapped) of an industry, as "<p>...</p>\n".
  const TextPiece& Paragraph(size_t industry, uint64_t k) const;
  // Heading k (wrapped) of an industry: "<h2>a service</h2>\n".
  const TextPiece& Heading(size_t industry, uint64_t k) const;
  const TextPiece& style() const { return style_; }
  const TextPiece& script() const { return script_; }

 private:
  std::vector<std::vector<TextPiece>> paragraphs_;
  std::vector<std::vector<TextPiece>> headings_;
  TextPiece style_;
  TextPiece script_;
};

}  // namespace trawl::sitefarm
