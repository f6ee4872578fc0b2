// ASCII text helpers: only ASCII changes, UTF-8 passes through untouched.
#include "core/text.h"

#include <gtest/gtest.h>

namespace trawl {
namespace {

TEST(AsciiLower, LowersAsciiLettersOnly) {
  EXPECT_EQ(AsciiLower("Info@ACME.Test"), "info@acme.test");
  EXPECT_EQ(AsciiLower("ÜBER Uns"), "Über uns");  // UTF-8 bytes are left alone
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(TrimAsciiSpace, DropsSurroundingWhitespace) {
  EXPECT_EQ(TrimAsciiSpace(" \t\r\n acme \n"), "acme");
  EXPECT_EQ(TrimAsciiSpace("   "), "");
  EXPECT_EQ(TrimAsciiSpace("a b"), "a b");
}

}  // namespace
}  // namespace trawl
