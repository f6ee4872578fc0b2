// URL normalization and link resolution (RFC 3986 §5 reference resolution,
// via libcurl's parser), as the crawler uses them on hrefs from the wild.
#include "core/url.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

TEST(NormalizeUrl, LowercasesHostDropsDefaultPortAndFragment) {
  const struct {
    const char* in;
    const char* want;
  } cases[] = {
      {"HTTP://Example.TEST/a/b?x=1#frag", "http://example.test/a/b?x=1"},
      {"https://example.test:443/", "https://example.test/"},
      {"http://example.test:80/x", "http://example.test/x"},
      {"http://example.test:8080/x", "http://example.test:8080/x"},
      {"http://example.test", "http://example.test/"},
      {"http://example.test./a", "http://example.test/a"},
      {"http://example.test/a/./b/../c", "http://example.test/a/c"},
      {"  http://example.test/with space  ", "http://example.test/with%20space"},
  };
  for (const auto& c : cases) {
    auto got = NormalizeUrl(c.in);
    ASSERT_TRUE(got.has_value()) << c.in;
    EXPECT_EQ(*got, c.want) << c.in;
  }
}

TEST(NormalizeUrl, RefusesOtherSchemesAndGarbage) {
  for (const char* in : {"ftp://example.test/", "mailto:a@b.test", "javascript:alert(1)", "",
                         "http://", "not a url"}) {
    EXPECT_FALSE(NormalizeUrl(in).has_value()) << in;
  }
}

// RFC 3986 §5.4.1 normal examples, base "http://a/b/c/d;p?q".
TEST(ResolveUrl, FollowsRfc3986NormalExamples) {
  const char* base = "http://a.test/b/c/d;p?q";
  const struct {
    const char* ref;
    const char* want;
  } cases[] = {
      {"g", "http://a.test/b/c/g"},     {"./g", "http://a.test/b/c/g"},
      {"g/", "http://a.test/b/c/g/"},   {"/g", "http://a.test/g"},
      {"//g.test", "http://g.test/"},   {"?y", "http://a.test/b/c/d;p?y"},
      {"g?y", "http://a.test/b/c/g?y"}, {"#s", "http://a.test/b/c/d;p?q"},
      {"..", "http://a.test/b/"},       {"../g", "http://a.test/b/g"},
      {"../..", "http://a.test/"},      {"../../g", "http://a.test/g"},
  };
  for (const auto& c : cases) {
    auto got = ResolveUrl(base, c.ref);
    ASSERT_TRUE(got.has_value()) << c.ref;
    EXPECT_EQ(*got, c.want) << c.ref;
  }
}

TEST(ResolveUrl, HandlesHrefsAsTheyAppearInPages) {
  const char* base = "https://shop.test/en/index.html";
  EXPECT_EQ(*ResolveUrl(base, "\n  contact.html \t"), "https://shop.test/en/contact.html");
  EXPECT_EQ(*ResolveUrl(base, "HTTPS://Shop.Test/Kontakt"), "https://shop.test/Kontakt");
  EXPECT_EQ(*ResolveUrl(base, "datenschutzerklärung.html"),
            "https://shop.test/en/datenschutzerkl%c3%a4rung.html");
  EXPECT_EQ(*ResolveUrl(base, "index.html%3Fp=211.html"),
            "https://shop.test/en/index.html%3Fp=211.html");
  for (const char* ref : {"mailto:info@shop.test", "tel:+441234", "javascript:void(0)",
                          "data:text/html,hi", "", "   "}) {
    EXPECT_FALSE(ResolveUrl(base, ref).has_value()) << ref;
  }
}

TEST(ParseUrl, SplitsIntoParts) {
  auto p = ParseUrl("http://Example.test:8080/a/b?x=1");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->scheme, "http");
  EXPECT_EQ(p->host, "example.test");
  EXPECT_EQ(p->port, 8080);
  EXPECT_EQ(p->path, "/a/b");
  EXPECT_EQ(p->query, "x=1");
}

TEST(HostWithinDomain, MatchesTheDomainAndItsSubdomainsOnly) {
  EXPECT_TRUE(HostWithinDomain("acme.test", "acme.test"));
  EXPECT_TRUE(HostWithinDomain("www.acme.test", "acme.test"));
  EXPECT_FALSE(HostWithinDomain("notacme.test", "acme.test"));
  EXPECT_FALSE(HostWithinDomain("acme.test.evil.test", "acme.test"));
}

}  // namespace
}  // namespace trawl
