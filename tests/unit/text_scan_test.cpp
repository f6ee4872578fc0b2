// The byte scans and regex helpers the extractors use to skip text
// (text_scan.h, page_text.h, match_memo.h) must find exactly what a plain
// byte-by-byte loop or a plain RE2::Match finds, at chunk boundaries too.
#include "extract/text_scan.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "extract/company_ids.h"
#include "extract/match_memo.h"
#include "extract/page_text.h"

namespace trawl {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Texts whose interesting bytes sit before, on and after the 32-byte chunk
// edges of the vectorized loops.
std::vector<std::string> EdgeTexts() {
  std::vector<std::string> out = {"", "7", "a", "ab1", std::string(100, 'x')};
  for (size_t size : {31, 32, 33, 34, 35, 63, 64, 65, 66, 100}) {
    for (size_t at : {size_t{0}, size_t{1}, size / 2, size - 3, size - 2, size - 1}) {
      if (at >= size) continue;
      std::string s(size, 'q');
      s[at] = '5';
      out.push_back(s);
      s[at] = ' ';
      if (at + 1 < size) s[at + 1] = 'D';
      if (at + 2 < size) s[at + 2] = 'o';
      out.push_back(s);
    }
  }
  return out;
}

TEST(FindAsciiDigit, FindsWhatALoopFinds) {
  for (const std::string& s : EdgeTexts()) {
    for (size_t from = 0; from <= s.size(); ++from) {
      size_t want = std::string::npos;
      for (size_t i = from; i < s.size(); ++i) {
        if (IsDigit(s[i])) {
          want = i;
          break;
        }
      }
      EXPECT_EQ(FindAsciiDigit(s, from), want) << s << " from " << from;
    }
  }
}

TEST(FindByteTriple, SeesTheTwoBytesAfterAndZeroPastTheEnd) {
  auto space_do = [](unsigned char c, unsigned char n, unsigned char a) {
    return (c == ' ') & ((n | 0x20) == 'd') & ((a | 0x20) == 'o');
  };
  for (const std::string& s : EdgeTexts()) {
    size_t want = std::string::npos;
    for (size_t i = 0; i + 2 < s.size(); ++i) {
      if (s[i] == ' ' && (s[i + 1] | 0x20) == 'd' && (s[i + 2] | 0x20) == 'o') {
        want = i;
        break;
      }
    }
    EXPECT_EQ(FindByteTriple(s, 0, space_do), want) << s;
  }
  // Past the end reads as 0.
  EXPECT_EQ(FindByteTriple("ab", 0,
                           [](unsigned char c, unsigned char n, unsigned char a) {
                             return (c == 'b') & (n == 0) & (a == 0);
                           }),
            1u);
}

TEST(HasAsciiDigits, CountsAcrossChunks) {
  std::string s(70, 'x');
  for (size_t i : {0, 31, 32, 33, 64, 69}) s[i] = '9';
  EXPECT_TRUE(HasAsciiDigits(s, 6));
  EXPECT_FALSE(HasAsciiDigits(s, 7));
  EXPECT_TRUE(HasAsciiDigits("", 0));
  EXPECT_FALSE(HasAsciiDigits("", 1));
  EXPECT_TRUE(HasAsciiDigits("a1b2c3d4e5f6g7", 7));
}

TEST(DigitRuns, FindsMaximalRuns) {
  std::string s = "12 abc 3456-7" + std::string(40, ' ') + "0000";
  std::vector<DigitRun> runs = DigitRuns(s);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].begin, 0u);
  EXPECT_EQ(runs[0].size, 2u);
  EXPECT_EQ(runs[1].begin, 7u);
  EXPECT_EQ(runs[1].size, 4u);
  EXPECT_EQ(runs[2].begin, 12u);
  EXPECT_EQ(runs[2].size, 1u);
  EXPECT_EQ(runs[3].begin, 53u);
  EXPECT_EQ(runs[3].size, 4u);
}

TEST(HasDigitRunIn, CountsOnlyTheDigitsInsideTheRange) {
  //                 0123456789012345
  std::string s = "ab 1234 cd 56789";
  std::vector<DigitRun> runs = DigitRuns(s);
  struct Case {
    size_t begin, end, min;
    bool want;
  };
  for (const Case& c : std::vector<Case>{{0, 16, 5, true},
                                         {0, 15, 5, false},  // 5678 only
                                         {0, 7, 4, true},
                                         {4, 7, 4, false},  // 234
                                         {4, 7, 3, true},
                                         {7, 11, 1, false},
                                         {0, 0, 1, false},
                                         {3, 4, 1, true}}) {
    EXPECT_EQ(HasDigitRunIn(runs, c.begin, c.end, c.min), c.want)
        << c.begin << ".." << c.end << " min " << c.min;
  }
}

TEST(PageText, JoinsBlocksWithNewlines) {
  Document doc;
  doc.blocks = {TextBlock{"Tel 0117", "p", false}, TextBlock{"", "div", false},
                TextBlock{"x 42", "li", true}};
  PageText page = PageText::Of(doc);
  EXPECT_EQ(page.text, "Tel 0117\n\nx 42\n");
  EXPECT_EQ(page.starts, (std::vector<size_t>{0, 9, 10}));
  EXPECT_EQ(page.longest_block, 8u);
  ASSERT_EQ(page.runs.size(), 2u);
  EXPECT_EQ(page.runs[1].begin, 12u);
}

// The memoized two-step match gives what one RE2::Match gives, the first time
// and from the memo, whatever the text around the match (\b reads it).
TEST(MatchWithCaptures, AgreesWithRe2Match) {
  static const RE2 re("(?i)\\b(?:(no\\.?)|(number))\\s*(\\d{3,8})\\b");
  const std::vector<std::string> texts = {"Company No. 01234567, number 765",
                                          "xno. 12345 no 1234",
                                          "No.123456789 and number 9876",
                                          "number 12345678",
                                          "pre-no 555 post",
                                          "NUMBER\t42424242x",
                                          "no 123_ no 456"};
  for (int round = 0; round < 2; ++round) {
    for (const std::string& t : texts) {
      re2::StringPiece input(t);
      for (size_t pos = 0; pos <= t.size(); ++pos) {
        for (size_t end : {t.size(), t.size() > 3 ? t.size() - 3 : t.size()}) {
          if (end < pos) continue;
          re2::StringPiece want[4], got[4];
          bool w = re.Match(input, pos, end, RE2::UNANCHORED, want, 4);
          bool g = MatchWithCaptures(re, input, pos, end, got, 4);
          ASSERT_EQ(g, w) << t << " " << pos << ".." << end;
          if (!w) continue;
          for (int i = 0; i < 4; ++i) {
            EXPECT_EQ(got[i].data() == nullptr, want[i].data() == nullptr) << t << " group " << i;
            EXPECT_EQ(got[i].data(), want[i].data()) << t << " group " << i;
            EXPECT_EQ(got[i].size(), want[i].size()) << t << " group " << i;
          }
        }
      }
    }
  }
}

// The company-number patterns run only near digits, in windows around
// trigger words; windows chained by trigger words far from the number must
// come out as a full scan would make them.
TEST(ExtractCompanyIds, WindowsChainedFarFromTheNumber) {
  std::string prose;
  for (int i = 0; i < 40; ++i)
    prose += "Our company works for every client, as registered members. ";
  struct Case {
    std::string text, hint, numbers, vats;
  };
  const std::vector<Case> cases = {
      {prose + "Company No. 01234567", "GB", "01234567", ""},
      {"Company No. 01234567 " + prose, "GB", "01234567", ""},
      {prose +
           "Registered in England and Wales under company number 01234567. VAT reg. no. GB 123 "
           "4567 82. " +
           prose,
       "GB", "01234567", "GB123456782"},
      {prose + "VAT No: 123 4567 82 " + prose + " USt-IdNr.: DE123456788", "GB", "",
       "GB123456782;DE123456788"},
      {prose + "Amtsgericht Berlin HRB 12345 B, Vereinsregister VR 4567", "DE",
       "HRB 12345 B;VR 4567", ""},
      {std::string(3000, 'x') + " 12345678 " + prose, "GB", "", ""},
  };
  for (const Case& c : cases) {
    Document doc;
    doc.url = "https://acme.test/";
    doc.blocks = {TextBlock{c.text, "p", false}};
    CompanyIds ids = ExtractCompanyIds(doc, c.hint);
    std::string numbers, vats;
    for (const Sourced& s : ids.numbers) numbers += (numbers.empty() ? "" : ";") + s.value;
    for (const Sourced& s : ids.vats) vats += (vats.empty() ? "" : ";") + s.value;
    EXPECT_EQ(numbers, c.numbers) << c.text.substr(c.text.size() > 120 ? c.text.size() - 120 : 0);
    EXPECT_EQ(vats, c.vats) << c.text.substr(c.text.size() > 120 ? c.text.size() - 120 : 0);
  }
}

}  // namespace
}  // namespace trawl
