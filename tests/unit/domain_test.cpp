// Domain normalization: what users paste, and what trawl makes of it.
#include "core/domain.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

struct Case {
  const char* input;
  const char* want;  // nullptr: must fail with kInvalidDomain
};

TEST(NormalizeDomain, AcceptsWhatUsersPaste) {
  const Case cases[] = {
      {"firesand.co.uk", "firesand.co.uk"},
      {"  Firesand.CO.UK.  ", "firesand.co.uk"},
      {"www.firesand.co.uk", "firesand.co.uk"},
      {"https://www.acme.com/about?x=1#top", "acme.com"},
      {"http://user:pw@acme.com:8080/", "acme.com"},
      {"//acme.com/x", "acme.com"},
      {"acme.test", "acme.test"},        // RFC 6761 reserved name
      {"shop.example", "shop.example"},  // RFC 6761 reserved name
      {"www.com", "www.com"},            // "www." is only stripped from 3+ labels
      {"bücher.de", "xn--bcher-kva.de"},
      {"XN--BCHER-KVA.DE", "xn--bcher-kva.de"},
      {"sub.domain.example.org", "sub.domain.example.org"},
  };
  for (const auto& c : cases) {
    auto d = NormalizeDomain(c.input);
    ASSERT_TRUE(d.has_value()) << c.input << ": " << d.error().message;
    EXPECT_EQ(d->ascii, c.want) << c.input;
  }
}

TEST(NormalizeDomain, RejectsGarbageWithAReason) {
  const char* bad[] = {"",
                       "   ",
                       "localhost",
                       "co.uk",
                       "com",
                       "192.168.1.1",
                       "[::1]",
                       "acme..com",
                       "-acme.com",
                       "acme-.com",
                       "ac me.com",
                       "acme<script>.com",
                       "a@b",
                       "acme.123",
                       "http://",
                       "💩",
                       std::string(300, 'a').append(".com").c_str()};
  for (const char* in : bad) {
    auto d = NormalizeDomain(in);
    EXPECT_FALSE(d.has_value()) << "'" << in << "' was accepted as " << (d ? d->ascii : "");
    if (!d) {
      EXPECT_EQ(d.error().code, ErrorCode::kInvalidDomain) << in;
      EXPECT_FALSE(d.error().message.empty()) << in;
    }
  }
}

TEST(NormalizeDomain, KeepsUnicodeFormForDisplay) {
  auto d = NormalizeDomain("bücher.de");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->unicode, "bücher.de");
}

TEST(RegistrableDomain, UsesThePublicSuffixList) {
  EXPECT_EQ(RegistrableDomain("www.firesand.co.uk"), "firesand.co.uk");
  EXPECT_EQ(RegistrableDomain("a.b.acme.com"), "acme.com");
}

}  // namespace
}  // namespace trawl
