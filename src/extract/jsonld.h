// JSON-LD blocks of a page flattened into typed nodes, so that the field
// extractors read schema.org data without each parsing JSON or touching
// nlohmann (kept out of headers for compile time). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/document.h"

namespace trawl {

// One JSON-LD object that has an @type. Scalar properties are kept as
// strings; a nested object's scalars are also kept under "key.sub"
// ("address.addressCountry"), and arrays repeat the key ("sameAs").
struct LdNode {
  std::vector<std::string> types;  // "Organization", "LocalBusiness"; schema.org prefix removed
  std::vector<std::pair<std::string, std::string>> props;

  bool Is(std::string_view type) const;
  // True for Organization, LocalBusiness and their common subtypes.
  bool IsOrganization() const;
  // First value of `key`, or "".
  std::string Get(std::string_view key) const;
  std::vector<std::string> GetAll(std::string_view key) const;
};

// Every typed node of every ld+json script of `doc`, in document order.
// Tolerates raw newlines in strings and trailing commas; a block that still
// does not parse is skipped. Nesting is read to a bounded depth.
std::vector<LdNode> ParseJsonLd(const Document& doc);

}  // namespace trawl
