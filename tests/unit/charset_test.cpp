// Charset sniffing and decoding to UTF-8: what real servers send.
#include "fetch/charset.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>

namespace trawl {
namespace {

// Test input in a legacy charset, built from readable UTF-8 text.
std::string Encode(std::string_view utf8, const char* charset) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1)) << charset;
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* outp = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &outp, &out_left), static_cast<size_t>(-1)) << charset;
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

std::string Decode(std::string_view body, std::string_view content_type = "") {
  auto text = ToUtf8(body, content_type);
  EXPECT_TRUE(text.has_value()) << (text ? "" : text.error().message);
  return text ? *text : std::string("<failed>");
}

constexpr const char* kJapanese =
    "東京都渋谷区の株式会社サンプルへようこそ。私たちはウェブサイトの制作とシステム開発を"
    "行っています。お問い合わせは下記の電話番号までお願いいたします。営業時間は平日の午前"
    "九時から午後六時までです。";
constexpr const char* kKorean =
    "서울특별시 강남구에 위치한 우리 회사는 웹사이트 제작과 시스템 개발을 하고 있습니다. "
    "문의 사항은 아래 전화번호로 연락해 주시기 바랍니다. 영업 시간은 평일 오전 아홉 시부터 "
    "오후 여섯 시까지입니다.";

// ---------------------------------------------------------------------------
// Declared charsets.

TEST(ToUtf8, Latin1DeclaredInTheHeaderIsDecoded) {
  EXPECT_EQ(Decode("<p>Caf\xE9 M\xFCller</p>", "text/html; charset=ISO-8859-1"),
            "<p>Café Müller</p>");
  EXPECT_EQ(Decode("caf\xE9", "text/html;charset=\"latin1\""), "café");
}

TEST(ToUtf8, Latin1DeclaredOnlyInMetaIsDecoded) {
  const std::string kCases[] = {
      "<html><head><meta charset=\"iso-8859-1\"><title>Caf\xE9</title>",
      "<html><head><META CHARSET=iso-8859-1 /><title>Caf\xE9</title>",
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
      "charset=iso-8859-1\"><title>Caf\xE9</title>",
      "<html><head><meta content='text/html; charset=ISO-8859-1' http-equiv='content-type'>"
      "<title>Caf\xE9</title>",
  };
  for (const auto& html : kCases) {
    EXPECT_EQ(SniffCharset(html, "text/html"), "WINDOWS-1252") << html;
    EXPECT_NE(Decode(html, "text/html").find("<title>Café</title>"), std::string::npos) << html;
  }
}

TEST(ToUtf8, Windows1252CurlyQuotesBecomeUnicodeQuotes) {
  // iso-8859-1 means windows-1252 (WHATWG): 0x93/0x94 are quotes, not C1 controls.
  EXPECT_EQ(Decode("\x93Hello\x94 \x96 it\x92s \x80 5\x85", "text/html; charset=iso-8859-1"),
            "“Hello” – it’s € 5…");
  EXPECT_EQ(Decode("\x93Hi\x94", "text/html; charset=us-ascii"), "“Hi”");
}

TEST(ToUtf8, HeaderBeatsMeta) {
  std::string html = "<meta charset=\"utf-8\"><p>Caf\xE9</p>";
  EXPECT_EQ(SniffCharset(html, "text/html; charset=windows-1252"), "WINDOWS-1252");
  EXPECT_EQ(Decode(html, "text/html; charset=windows-1252"), "<meta charset=\"utf-8\"><p>Café</p>");
}

TEST(ToUtf8, MetaInsideACommentIsIgnored) {
  std::string html = "<!-- <meta charset=\"koi8-r\"> --><meta charset=\"iso-8859-1\">";
  EXPECT_EQ(SniffCharset(html, ""), "WINDOWS-1252");
}

TEST(ToUtf8, MetaPastThePrescanWindowIsIgnored) {
  std::string html =
      "<html>" + std::string(kCharsetPrescanBytes, ' ') + "<meta charset=\"koi8-r\">Caf\xE9";
  EXPECT_NE(SniffCharset(html, ""), "KOI8-R");
}

TEST(ToUtf8, DeclaredLegacyCharsetOnValidUtf8IsReadAsUtf8) {
  // Departure (charset.h): a stale "iso-8859-1" server default on a UTF-8 page.
  EXPECT_EQ(Decode("<p>Café Müller</p>", "text/html; charset=ISO-8859-1"), "<p>Café Müller</p>");
}

TEST(ToUtf8, UnknownLabelCountsAsUndeclared) {
  EXPECT_EQ(SniffCharset("hello", "text/html; charset=no-such-charset"), "UTF-8");
  EXPECT_EQ(SniffCharset("<meta charset=bogus><meta charset=latin1>", ""), "WINDOWS-1252");
  EXPECT_EQ(Decode("caf\xE9", "text/html; charset=no-such-charset"), "café");
}

TEST(ToUtf8, OtherIconvCharsetsPassThrough) {
  EXPECT_EQ(Decode(Encode("Zażółć gęślą jaźń", "ISO-8859-2"), "text/html; charset=iso-8859-2"),
            "Zażółć gęślą jaźń");
  EXPECT_EQ(Decode(Encode("Привет, мир", "KOI8-R"), "text/html; charset=koi8-r"), "Привет, мир");
}

TEST(ToUtf8, DeclaredShiftJisIsDecoded) {
  std::string sjis = Encode(kJapanese, "SHIFT_JIS");
  EXPECT_EQ(Decode(sjis, "text/html; charset=Shift_JIS"), kJapanese);
}

// ---------------------------------------------------------------------------
// Undeclared charsets.

TEST(ToUtf8, UndeclaredValidUtf8IsReturnedAsIs) {
  EXPECT_EQ(SniffCharset("Straße – ツ", ""), "UTF-8");
  EXPECT_EQ(Decode("Straße – ツ"), "Straße – ツ");
  EXPECT_EQ(Decode(""), "");
}

TEST(ToUtf8, UndeclaredShiftJisIsDetected) {
  std::string sjis = Encode(kJapanese, "SHIFT_JIS");
  ASSERT_FALSE(IsValidUtf8(sjis));
  EXPECT_EQ(SniffCharset(sjis, "text/html"), "CP932");
  EXPECT_EQ(Decode(sjis, "text/html"), kJapanese);
}

TEST(ToUtf8, UndeclaredEucKrIsDetected) {
  std::string euckr = Encode(kKorean, "EUC-KR");
  ASSERT_FALSE(IsValidUtf8(euckr));
  EXPECT_EQ(SniffCharset(euckr, ""), "CP949");
  EXPECT_EQ(Decode(euckr), kKorean);
}

// ---------------------------------------------------------------------------
// Byte order marks.

TEST(ToUtf8, Utf8BomIsDroppedAndBeatsTheHeader) {
  EXPECT_EQ(Decode("\xEF\xBB\xBF"
                   "caf\xC3\xA9",
                   "text/html; charset=iso-8859-1"),
            "café");
}

TEST(ToUtf8, Utf16WithBomIsDecoded) {
  std::string le = "\xFF\xFE" + Encode("Kontakt – Straße", "UTF-16LE");
  std::string be = "\xFE\xFF" + Encode("Kontakt – Straße", "UTF-16BE");
  EXPECT_EQ(Decode(le, "text/html; charset=iso-8859-1"), "Kontakt – Straße");
  EXPECT_EQ(Decode(be), "Kontakt – Straße");
}

TEST(ToUtf8, Utf16WithBrokenSurrogateKeepsTheRest) {
  std::string le =
      "\xFF\xFE" + Encode("ab", "UTF-16LE") + std::string("\x00\xD8", 2) + Encode("cd", "UTF-16LE");
  std::string text = Decode(le);
  EXPECT_TRUE(text.starts_with("ab")) << text;
  EXPECT_TRUE(text.ends_with("cd")) << text;
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << text;
}

// ---------------------------------------------------------------------------
// Broken UTF-8.

TEST(ToUtf8, InvalidUtf8DeclaredAsUtf8IsRepaired) {
  EXPECT_EQ(Decode("a\xFF"
                   "b",
                   "text/html; charset=utf-8"),
            "a\uFFFD"
            "b");
  EXPECT_EQ(Decode("<meta charset=utf-8>caf\xE9!"), "<meta charset=utf-8>caf\uFFFD!");
}

TEST(RepairUtf8, ReplacesEachMaximalSubpartOnce) {
  struct Case {
    std::string in;
    std::string want;
  } cases[] = {
      {"ok", "ok"},
      {"\xE2\x82", "\uFFFD"},  // truncated 3-byte sequence: one U+FFFD
      {"\xE2\x82x", "\uFFFDx"},
      {"\xC0\xAF", "\uFFFD\uFFFD"},                      // overlong: both bytes are bad
      {"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"},            // surrogate
      {"\xF4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},  // past U+10FFFF
      {"\xF0\x9F\x98", "\uFFFD"},                        // truncated emoji
      {"a\x80\x80z", "a\uFFFD\uFFFDz"},
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},  // valid emoji kept
  };
  for (const auto& c : cases) EXPECT_EQ(RepairUtf8(c.in), c.want) << c.in;
}

TEST(IsValidUtf8, AcceptsOnlyWellFormedInput) {
  struct Case {
    std::string in;
    bool valid;
  } cases[] = {
      {"", true},
      {"plain ascii that is longer than eight bytes", true},
      {"Ünïcödé ✓ 😀", true},
      {std::string("nul\0inside", 10), true},
      {"\xC3", false},
      {"\xC0\x80", false},
      {"\xE0\x80\xAF", false},
      {"\xED\xBF\xBF", false},
      {"\xF4\x90\x80\x80", false},
      {"\xFE", false},
      {"0123456789abcdef\x80", false},  // after the 8-byte fast path
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidUtf8(c.in), c.valid) << c.in;
}

// ToUtf8IfNeeded hands back nothing exactly when ToUtf8 would return the
// bytes unchanged; otherwise it returns what ToUtf8 returns.
TEST(ToUtf8IfNeeded, AgreesWithToUtf8AndSkipsOnlyUnchangedBodies) {
  struct Case {
    std::string body;
    const char* content_type;
    bool unchanged;
  } cases[] = {
      {"<p>plain ascii</p>", "text/html", true},
      {"<p>Gr\xC3\xBC\xC3\x9F"
       "e</p>",
       "text/html; charset=utf-8", true},
      {"<p>Gr\xC3\xBC\xC3\x9F"
       "e</p>",
       "", true},
      {"<p>Gr\xC3\xBC\xC3\x9F"
       "e</p>",
       "text/html; charset=iso-8859-1", true},         // the departure
      {"\xEF\xBB\xBF<p>bom</p>", "text/html", false},  // BOM dropped
      {"<p>Gr\xFC\xDF"
       "e</p>",
       "text/html; charset=iso-8859-1", false},
      {"<p>broken \xC3 utf-8</p>", "text/html; charset=utf-8", false},  // repaired
      {Encode(kJapanese, "SHIFT_JIS"), "text/html; charset=shift_jis", false},
  };
  for (const auto& c : cases) {
    auto if_needed = ToUtf8IfNeeded(c.body, c.content_type);
    EXPECT_EQ(!if_needed.has_value(), c.unchanged) << c.body;
    EXPECT_EQ(if_needed.value_or(c.body), Decode(c.body, c.content_type)) << c.body;
  }
}

TEST(CharsetFromContentType, FindsTheParameter) {
  struct Case {
    const char* header;
    const char* want;
  } cases[] = {
      {"text/html; charset=UTF-8", "UTF-8"},
      {"text/html;charset=\"windows-1252\"", "windows-1252"},
      {"text/html; CHARSET = 'latin1' ; q=1", "latin1"},
      {"text/html", ""},
      {"", ""},
      {"text/html; charset", ""},
      {"text/html; x-charset-note=1; charset=koi8-r", "koi8-r"},
  };
  for (const auto& c : cases) EXPECT_EQ(CharsetFromContentType(c.header), c.want) << c.header;
}

}  // namespace
}  // namespace trawl
