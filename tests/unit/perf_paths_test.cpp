// Fast paths added for CPU cost must give exactly what the general path gives:
// DocumentBuilder's root-path shortcut against ResolveUrl (libcurl), and the
// social-link pre-filter against the full CanonicalSocialUrl.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/url.h"
#include "extract/document.h"
#include "extract/document_builder.h"
#include "extract/social.h"

namespace trawl {
namespace {

TEST(IsPlainRootPath, AcceptsOnlyPlainRootRelativePaths) {
  for (const char* yes : {"/", "/contact", "/about-us/team.html", "/a/b/", "/~user", "/a_b",
                          "/.well-known/x", "/a/..b", "/a/b.", "/A/B"}) {
    EXPECT_TRUE(IsPlainRootPath(yes)) << yes;
  }
  for (const char* no : {"", "contact", "//host/x", "/a/../b", "/a/./b", "/.", "/..", "/a/.",
                         "/a/..", "/a b", "/a?b=1", "/a#x", "/a%20b", "/caf\xC3\xA9", "/a\\b",
                         "/a:b", " /a", "/a\t/b", "http://x.test/"}) {
    EXPECT_FALSE(IsPlainRootPath(no)) << no;
  }
}

// Every href's link.url must equal ResolveUrl(base, href), whichever way
// the builder resolved it.
TEST(IsPlainRootPath, LinksResolveAsResolveUrlDoes) {
  const std::vector<std::string> bases = {"http://bulk-1.test/",
                                          "https://Example.COM:443/a/b?q=1#f",
                                          "http://example.com:8080/x/",
                                          "http://user:pw@host.test/",
                                          "https://www.example.co.uk/dir/page.html",
                                          "http://[::1]:8081/p"};
  const std::vector<std::string> hrefs = {"/",       "/contact",       "/about-us/team.html",
                                          "/a/b/",   "/~user",         "/a/..b",
                                          "/a/b.",   "/.well-known/x", "/A/B",
                                          "/a/../b", "/a/./b",         "/a b",
                                          "/a?b=1",  "/a#x",           "//other.test/x",
                                          "contact", "../up",          "/caf\xC3\xA9"};
  for (const std::string& base : bases) {
    std::string html = "<html><body>";
    for (const std::string& h : hrefs) html += "<a href=\"" + h + "\">x</a>";
    html += "</body></html>";
    Document doc = ParseHtml(html, base);
    ASSERT_EQ(doc.links.size(), hrefs.size()) << base;
    for (size_t i = 0; i < hrefs.size(); ++i) {
      auto want = ResolveUrl(base, hrefs[i]);
      EXPECT_EQ(doc.links[i].url, want ? *want : std::string()) << base << " + " << hrefs[i];
    }
  }
}

TEST(CanonicalSocialUrl, PrefilterKeepsEveryNetworkHostForm) {
  // Upper case, subdomains, ports, userinfo and escapes must still reach the full check.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HTTPS://WWW.LINKEDIN.COM/company/acme", "https://www.linkedin.com/company/acme"},
      {"https://uk.linkedin.com/company/acme", "https://www.linkedin.com/company/acme"},
      {"https://X.com/acme", "https://twitter.com/acme"},
      {"https://mobile.twitter.com/acme", "https://twitter.com/acme"},
      {"https://m.facebook.com/acme", "https://www.facebook.com/acme"},
      {"https://fb.com/acme", "https://www.facebook.com/acme"},
      {"https://www.instagram.com:443/acme", "https://www.instagram.com/acme"},
      {"https://www.youtube.com/@acme", "https://www.youtube.com/@acme"},
      {"https://GitHub.com/acme", "https://github.com/acme"},
      {"https://www.tiktok.com/@acme", "https://www.tiktok.com/@acme"},
  };
  for (const auto& [in, want] : cases) {
    auto got = CanonicalSocialUrl(in);
    ASSERT_TRUE(got.has_value()) << in;
    EXPECT_EQ(got->url, want) << in;
  }
  for (const char* no : {"http://bulk-1.test/contact", "https://example.com/x.com",
                         "https://linkedin.org/company/a", "https://notlinkedin.co/company/a"}) {
    // Whatever the pre-filter decides, the answer is the full check's.
    EXPECT_FALSE(CanonicalSocialUrl(no).has_value()) << no;
  }
}

}  // namespace
}  // namespace trawl
