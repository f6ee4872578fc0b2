// ASCII text helpers: only ASCII changes, UTF-8 passes through untouched;
// the two whitespace sets differ in \v and nothing else.
#include "core/text.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace trawl {
namespace {

TEST(IsHtmlSpace, IsInfraAsciiWhitespaceWithoutVerticalTab) {
  // WHATWG Infra "ASCII whitespace": U+0009, U+000A, U+000C, U+000D, U+0020.
  for (int c = 0; c < 256; ++c) {
    bool expected = c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
    EXPECT_EQ(IsHtmlSpace(static_cast<char>(c)), expected) << c;
  }
}

TEST(IsAsciiSpace, IsCIsspaceInTheCLocale) {
  for (int c = 0; c < 256; ++c) {
    bool expected = c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
    EXPECT_EQ(IsAsciiSpace(static_cast<char>(c)), expected) << c;
  }
}

TEST(AsciiLower, LowersAsciiLettersOnly) {
  struct Case {
    std::string_view in, out;
  };
  for (const Case& c : {Case{"Info@ACME.Test", "info@acme.test"},
                        Case{"ÜBER Uns", "Über uns"},  // UTF-8 bytes are left alone
                        Case{"@[`{", "@[`{"},          // the bytes around A-Z and a-z
                        Case{"", ""}}) {
    EXPECT_EQ(AsciiLower(c.in), c.out) << c.in;
  }
  for (int c = 0; c < 256; ++c) {
    char expected = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c);
    EXPECT_EQ(AsciiLower(static_cast<char>(c)), expected) << c;
  }
}

TEST(EqualsIgnoreAsciiCase, FoldsOnlyAsciiLetters) {
  struct Case {
    std::string_view a, b;
    bool equal;
  };
  for (const Case& c : {Case{"Content-Type", "content-type", true}, Case{"", "", true},
                        Case{"utf-8", "UTF-8", true}, Case{"utf-8", "utf8", false},
                        Case{"Ü", "ü", false},  // not ASCII
                        Case{"[", "{", false}, Case{"abc", "abd", false}}) {
    EXPECT_EQ(EqualsIgnoreAsciiCase(c.a, c.b), c.equal) << c.a << " / " << c.b;
  }
}

TEST(Trim, EachSetDropsOnlyItsOwnBytes) {
  struct Case {
    std::string_view in, html, ascii;
  };
  const std::string nbsp = "\xC2\xA0", nbsp_acme = nbsp + "acme";  // NBSP is not ASCII
  for (const Case& c : {Case{" \t\r\n\f acme \n", "acme", "acme"}, Case{"   ", "", ""},
                        Case{"", "", ""}, Case{"a b", "a b", "a b"},
                        Case{"\vacme\v", "\vacme\v", "acme"},  // \v: text to HTML, space to C
                        Case{nbsp_acme, nbsp_acme, nbsp_acme}}) {
    EXPECT_EQ(TrimHtmlSpace(c.in), c.html) << c.in;
    EXPECT_EQ(TrimAsciiSpace(c.in), c.ascii) << c.in;
  }
}

TEST(TrimBytes, DropsBytesOfTheSetAtBothEnds) {
  struct Case {
    std::string_view in, bytes, out;
  };
  for (const Case& c :
       {Case{" \tUser-agent: * \t", " \t", "User-agent: *"},  // RFC 9309: SP and HTAB only
        Case{"\r\n x \r\n", " \t", "\r\n x \r\n"}, Case{",; Main St |", " ,;|", "Main St"},
        Case{"---", "-", ""}, Case{"", " ", ""}, Case{"abc", "", "abc"}}) {
    EXPECT_EQ(TrimBytes(c.in, c.bytes), c.out) << c.in;
  }
}

TEST(HexDigitValue, ReadsBothCases) {
  for (int c = 0; c < 256; ++c) {
    int expected = -1;
    if (c >= '0' && c <= '9') expected = c - '0';
    if (c >= 'a' && c <= 'f') expected = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') expected = c - 'A' + 10;
    EXPECT_EQ(HexDigitValue(static_cast<char>(c)), expected) << c;
  }
}

TEST(PercentDecode, DecodesValidEscapesAndKeepsTheRest) {
  struct Case {
    std::string_view in, out;
  };
  for (const Case& c :
       {Case{"info%40acme.test", "info@acme.test"},
        Case{"%2b49%20%2B49", "+49 +49"},                              // either case
        Case{"K%C3%B6ln", "K\xC3\xB6ln"},                              // bytes, UTF-8 or not
        Case{"100%", "100%"}, Case{"%4", "%4"}, Case{"%zz1", "%zz1"},  // not escapes
        Case{"%%41", "%A"}, Case{"", ""}}) {
    EXPECT_EQ(PercentDecode(c.in), c.out) << c.in;
  }
  EXPECT_EQ(PercentDecode("a%00b"), std::string("a\0b", 3));  // not validated: the caller's job
}

TEST(PercentDecodeStrict, RefusesWhatTheLenientOneKeeps) {
  EXPECT_EQ(PercentDecodeStrict("p%40ss%3Aw"), "p@ss:w");
  EXPECT_EQ(PercentDecodeStrict("plain"), "plain");
  EXPECT_EQ(PercentDecodeStrict(""), "");
  for (std::string_view broken : {"100%", "%4", "%zz1", "%%41", "a%4g"}) {
    EXPECT_EQ(PercentDecodeStrict(broken), std::nullopt) << broken;
  }
}

TEST(PercentEncode, EscapesAllButUnreserved) {
  EXPECT_EQ(PercentEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(PercentEncode("user@x:y"), "user%40x%3Ay");
  EXPECT_EQ(PercentDecode(PercentEncode("K\xC3\xB6ln & co")), "K\xC3\xB6ln & co");
}

TEST(AppendUtf8, EncodesEachLength) {
  struct Case {
    uint32_t cp;
    std::string_view utf8;
  };
  for (const Case& c : {Case{0x41, "A"}, Case{0xE9, "\xC3\xA9"}, Case{0x20AC, "\xE2\x82\xAC"},
                        Case{0x1F600, "\xF0\x9F\x98\x80"}}) {
    std::string out = "x";
    AppendUtf8(out, c.cp);
    EXPECT_EQ(out, "x" + std::string(c.utf8)) << c.cp;
  }
}

}  // namespace
}  // namespace trawl
