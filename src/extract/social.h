// Social profile links (LinkedIn, X/Twitter, Facebook, Instagram, YouTube,
// GitHub, TikTok): canonical form, share/intent/plugin links excluded, site
// builders' and web designers' own accounts excluded. Pure; thread-safe.
//
// Canonical form (project-wide; the scorer and truth files use it): https, no
// fragment, no trailing slash, no query, and these hosts:
//   https://www.linkedin.com/company/<slug>   (also /in/, /school/, /showcase/)
//   https://twitter.com/<handle>              (x.com links become twitter.com)
//   https://www.facebook.com/<page>           (also /p/<x>, /pages/<x>/<id>, /groups/<x>,
//   /people/<x>/<id>) https://www.facebook.com/profile.php?id=<n>  -- the one kept query: without
//   it the link names no one https://www.instagram.com/<handle>
//   https://www.youtube.com/<@handle|channel/ID|c/name|user/name|name>
//   https://github.com/<user>
//   https://www.tiktok.com/@<handle>
// Paths keep their case as written; comparisons are case-insensitive.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/designer_credit.h"
#include "extract/document.h"
#include "extract/jsonld.h"
#include "extract/profile.h"

namespace trawl {

struct SocialLink {
  std::string network;  // a key of kSocialNetworks
  std::string url;      // canonical
  std::string handle;   // lower case, the part that names the account
};

// The canonical profile URL of an absolute link, or nullopt when the link is
// not a profile of a known network (share buttons, posts, videos, plugins,
// policy pages, the platforms' own accounts).
std::optional<SocialLink> CanonicalSocialUrl(std::string_view url);

struct SocialCandidate {
  SocialLink link;
  std::string source;      // page URL
  bool prominent = false;  // in footer/header/nav, or JSON-LD sameAs
};

// Profile links of one page. Links inside a designer credit, or pointing at a
// designer's account (handle like a designer's domain), are dropped.
std::vector<SocialCandidate> ExtractSocial(const Document& doc, const std::vector<LdNode>& ld,
                                           const DesignerCredits& credits);

// One profile per network from all pages' candidates: the handle that
// resembles the domain or company name wins, then a prominent one, then the
// most frequent, then the first seen. `designer_domains` (registrable) drops
// accounts named like a designer's site found on any page.
std::map<std::string, Sourced> ChooseSocial(const std::vector<SocialCandidate>& candidates,
                                            std::string_view own_domain,
                                            std::string_view company_name,
                                            const std::vector<std::string>& designer_domains);

}  // namespace trawl
