// Turns what a user typed ("Firesand.co.uk.", "https://www.acme.com/about",
// "bücher.de") into the domain trawl crawls. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace trawl {

struct Domain {
  std::string ascii;    // lower-case A-labels, no trailing dot, no "www."
  std::string unicode;  // U-label form for display; equals ascii when not an IDN
};

// Normalizes one input. Accepts a bare host name or a URL (the scheme, port,
// path, query and user info are dropped); strips one leading "www.", trailing
// dots and surrounding whitespace; converts IDNs with IDNA2008 (libidn2).
// Fails with kInvalidDomain, saying why, for IP addresses, single labels,
// public suffixes ("co.uk"), bad characters, over-long labels or names.
// RFC 6761 test names (*.test, *.example) are valid.
Result<Domain> NormalizeDomain(std::string_view input);

// The registrable domain ("eTLD+1") of a lower-case ASCII host, by the public
// suffix list (libpsl); the host itself when it has none. Cannot fail.
std::string RegistrableDomain(std::string_view host);

}  // namespace trawl
