// Charset sniffing and conversion to UTF-8. See charset.h for the order of
// evidence and the departures from WHATWG.
#include "fetch/charset.h"

#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/text.h"

namespace trawl {
namespace {

constexpr std::string_view kUtf8 = "UTF-8";
constexpr std::string_view kWindows1252 = "WINDOWS-1252";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
// uchardet's guesses settle long before this; bounding it bounds the cost.
constexpr size_t kDetectBytes = size_t{64} * 1024;

// What iconv_open returns on failure: (iconv_t)-1, as POSIX defines it.
const iconv_t kIconvFailed = reinterpret_cast<iconv_t>(-1);  // NOLINT(performance-no-int-to-ptr)

// ---------------------------------------------------------------------------
// UTF-8 well-formedness (Unicode Table 3-7).

// Length of the well-formed sequence at p, or 0 with *bad set to the length
// of the maximal ill-formed subpart (at least 1).
size_t SequenceLength(const unsigned char* p, const unsigned char* end, size_t* bad) {
  unsigned c = p[0];
  if (c < 0x80) return 1;
  size_t need = 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c == 0xE0) {
    need = 2, lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    need = 2;
  } else if (c == 0xED) {
    need = 2, hi = 0x9F;  // no surrogates
  } else if (c == 0xF0) {
    need = 3, lo = 0x90;  // no overlongs
  } else if (c >= 0xF1 && c <= 0xF3) {
    need = 3;
  } else if (c == 0xF4) {
    need = 3, hi = 0x8F;  // nothing past U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t i = 1; i <= need; ++i) {
    unsigned min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
    if (p + i >= end || p[i] < min || p[i] > max) {
      *bad = i;
      return 0;
    }
  }
  return need + 1;
}

// Number of leading ASCII bytes, eight at a time where possible.
size_t AsciiPrefix(const unsigned char* p, const unsigned char* end) {
  const unsigned char* start = p;
  while (end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (word & 0x8080808080808080ULL) break;
    p += 8;
  }
  while (p < end && *p < 0x80) ++p;
  return static_cast<size_t>(p - start);
}

bool HasNonAscii(std::string_view s) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  return AsciiPrefix(p, p + s.size()) != s.size();
}

// ---------------------------------------------------------------------------
// Labels (WHATWG Encoding Standard, "labels"), mapped to glibc iconv names.

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

struct Label {
  std::string_view label;
  std::string_view iconv_name;
};

// clang-format off
constexpr Label kLabels[] = {
    {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
    {"unicode11utf8", "UTF-8"}, {"unicode20utf8", "UTF-8"}, {"x-unicode20utf8", "UTF-8"},
    {"ansi_x3.4-1968", "WINDOWS-1252"}, {"ascii", "WINDOWS-1252"}, {"cp1252", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"}, {"csisolatin1", "WINDOWS-1252"}, {"ibm819", "WINDOWS-1252"},
    {"iso-8859-1", "WINDOWS-1252"}, {"iso-ir-100", "WINDOWS-1252"},
    {"iso8859-1", "WINDOWS-1252"}, {"iso88591", "WINDOWS-1252"}, {"iso_8859-1", "WINDOWS-1252"},
    {"iso_8859-1:1987", "WINDOWS-1252"}, {"l1", "WINDOWS-1252"}, {"latin1", "WINDOWS-1252"},
    {"us-ascii", "WINDOWS-1252"}, {"windows-1252", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"}, {"x-user-defined", "WINDOWS-1252"},
    {"iso-8859-9", "WINDOWS-1254"}, {"iso8859-9", "WINDOWS-1254"}, {"latin5", "WINDOWS-1254"},
    {"l5", "WINDOWS-1254"}, {"windows-1254", "WINDOWS-1254"}, {"cp1254", "WINDOWS-1254"},
    {"iso-8859-11", "WINDOWS-874"}, {"tis-620", "WINDOWS-874"}, {"windows-874", "WINDOWS-874"},
    {"csshiftjis", "CP932"}, {"ms932", "CP932"}, {"ms_kanji", "CP932"},
    {"shift-jis", "CP932"}, {"shift_jis", "CP932"}, {"sjis", "CP932"},
    {"windows-31j", "CP932"}, {"x-sjis", "CP932"},
    {"cseuckr", "CP949"}, {"euc-kr", "CP949"}, {"iso-ir-149", "CP949"}, {"korean", "CP949"},
    {"ks_c_5601-1987", "CP949"}, {"ks_c_5601-1989", "CP949"}, {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"}, {"windows-949", "CP949"}, {"uhc", "CP949"},
    {"chinese", "GB18030"}, {"csgb2312", "GB18030"}, {"gb2312", "GB18030"},
    {"gb_2312", "GB18030"}, {"gb_2312-80", "GB18030"}, {"gbk", "GB18030"},
    {"x-gbk", "GB18030"}, {"gb18030", "GB18030"},
    {"big5", "BIG5-HKSCS"}, {"big5-hkscs", "BIG5-HKSCS"}, {"cn-big5", "BIG5-HKSCS"},
    {"csbig5", "BIG5-HKSCS"}, {"x-x-big5", "BIG5-HKSCS"},
    {"euc-jp", "EUC-JP"}, {"x-euc-jp", "EUC-JP"}, {"iso-2022-jp", "ISO-2022-JP"},
    {"utf-16", "UTF-16LE"}, {"utf-16le", "UTF-16LE"}, {"ucs-2", "UTF-16LE"},
    {"unicode", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
};
// clang-format on

bool IconvKnows(const std::string& name) {
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == kIconvFailed) return false;
  iconv_close(cd);
  return true;
}

// The iconv name for a label, or empty when neither WHATWG nor iconv knows it
// (WHATWG: an unknown label is no declaration). Labels outside the table pass
// through upper-cased: iconv knows ISO-8859-2, KOI8-R, WINDOWS-1250, ...
std::string CanonicalCharset(std::string_view label) {
  label = TrimHtmlSpace(label);
  for (const Label& l : kLabels) {
    if (EqualsIgnoreAsciiCase(l.label, label)) return std::string(l.iconv_name);
  }
  if (label.empty() || label.size() > 40) return {};
  std::string out(label);
  for (char& c : out) c = Upper(c);
  return IconvKnows(out) ? out : std::string();
}

bool IsUtf16(std::string_view name) { return name.starts_with("UTF-16"); }

// ---------------------------------------------------------------------------
// Evidence: BOM, <meta> prescan, detector.

struct Bom {
  std::string_view charset;  // empty: no byte order mark
  size_t length = 0;
};

Bom FindBom(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) return {"UTF-8", 3};
  if (body.starts_with("\xFF\xFE")) return {"UTF-16LE", 2};
  if (body.starts_with("\xFE\xFF")) return {"UTF-16BE", 2};
  return {};
}

// Reads one attribute of a tag at `pos` (just after the tag name or the last
// attribute). Returns false at '>' or the end of input.
bool NextAttribute(std::string_view s, size_t& pos, std::string_view& name,
                   std::string_view& value) {
  while (pos < s.size() && (IsHtmlSpace(s[pos]) || s[pos] == '/')) ++pos;
  if (pos >= s.size() || s[pos] == '>') return false;
  size_t start = pos;
  while (pos < s.size() && !IsHtmlSpace(s[pos]) && s[pos] != '=' && s[pos] != '>') ++pos;
  name = s.substr(start, pos - start);
  value = {};
  if (name.empty()) {  // a stray '=': step over it
    ++pos;
    return true;
  }
  while (pos < s.size() && IsHtmlSpace(s[pos])) ++pos;
  if (pos >= s.size() || s[pos] != '=') return true;
  ++pos;
  while (pos < s.size() && IsHtmlSpace(s[pos])) ++pos;
  if (pos < s.size() && (s[pos] == '"' || s[pos] == '\'')) {
    char quote = s[pos++];
    size_t end = s.find(quote, pos);
    if (end == std::string_view::npos) end = s.size();
    value = s.substr(pos, end - pos);
    pos = end + 1;
  } else {
    start = pos;
    while (pos < s.size() && !IsHtmlSpace(s[pos]) && s[pos] != '>') ++pos;
    value = s.substr(start, pos - start);
    if (value.ends_with('/')) value.remove_suffix(1);  // <meta charset=utf-8/>
  }
  return true;
}

// The charset a <meta> tag starting at `pos` (after "<meta") declares.
std::string_view MetaTagCharset(std::string_view s, size_t& pos) {
  std::string_view name, value, charset, http_equiv, content;
  for (int guard = 0; guard < 64 && NextAttribute(s, pos, name, value); ++guard) {
    if (EqualsIgnoreAsciiCase(name, "charset")) charset = value;
    if (EqualsIgnoreAsciiCase(name, "http-equiv")) http_equiv = value;
    if (EqualsIgnoreAsciiCase(name, "content")) content = value;
  }
  if (!TrimHtmlSpace(charset).empty()) return TrimHtmlSpace(charset);
  if (EqualsIgnoreAsciiCase(TrimHtmlSpace(http_equiv), "content-type"))
    return CharsetFromContentType(content);
  return {};
}

bool StartsWithNoCase(std::string_view s, size_t pos, std::string_view prefix) {
  return s.size() - pos >= prefix.size() &&
         EqualsIgnoreAsciiCase(s.substr(pos, prefix.size()), prefix);
}

// WHATWG "prescan a byte stream", simplified: comments are skipped, every
// <meta> is read until one names a known charset, other markup is stepped
// over. Returns the iconv name, or empty.
std::string MetaCharset(std::string_view body) {
  std::string_view s = body.substr(0, kCharsetPrescanBytes);
  size_t pos = 0;
  while ((pos = s.find('<', pos)) != std::string_view::npos) {
    if (s.compare(pos, 4, "<!--") == 0) {
      size_t end = s.find("-->", pos + 4);
      if (end == std::string_view::npos) return {};
      pos = end + 3;
    } else if (StartsWithNoCase(s, pos, "<meta") && pos + 5 < s.size() &&
               (IsHtmlSpace(s[pos + 5]) || s[pos + 5] == '/')) {
      pos += 5;
      std::string charset = CanonicalCharset(MetaTagCharset(s, pos));
      if (!charset.empty()) return charset;
    } else {
      ++pos;
    }
  }
  return {};
}

struct UchardetDeleter {
  void operator()(uchardet* u) const { uchardet_delete(u); }
};

std::string DetectedCharset(std::string_view body) {
  std::unique_ptr<uchardet, UchardetDeleter> detector(uchardet_new());
  if (!detector) return std::string(kWindows1252);
  std::string_view sample = body.substr(0, kDetectBytes);
  if (uchardet_handle_data(detector.get(), sample.data(), sample.size()) != 0) {
    return std::string(kWindows1252);
  }
  uchardet_data_end(detector.get());
  const char* guess = uchardet_get_charset(detector.get());
  std::string name = guess == nullptr ? std::string() : CanonicalCharset(guess);
  return name.empty() ? std::string(kWindows1252) : name;
}

// The charset the page declares (header, then <meta>), or empty.
std::string DeclaredCharset(std::string_view body, std::string_view content_type) {
  std::string name = CanonicalCharset(CharsetFromContentType(content_type));
  if (!name.empty()) return name;
  name = MetaCharset(body);
  // WHATWG: a <meta> that could be read as ASCII cannot be UTF-16.
  return IsUtf16(name) ? std::string(kUtf8) : name;
}

// ---------------------------------------------------------------------------
// Conversion.

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

// Appends U+FFFD at out[used], growing `out` as needed.
void PutReplacement(std::string& out, size_t& used) {
  if (out.size() - used < kReplacement.size()) out.resize(out.size() * 2 + kReplacement.size());
  out.replace(used, kReplacement.size(), kReplacement);
  used += kReplacement.size();
}

// Converts with iconv, writing U+FFFD for each undecodable unit. Fails only
// when iconv does not know `from`. Every loop turn consumes input or doubles
// the output buffer, so it ends.
Result<std::string> Convert(std::string_view in, const std::string& from) {
  iconv_t raw = iconv_open("UTF-8", from.c_str());
  if (raw == kIconvFailed) {
    return Fail(ErrorCode::kBadEncoding, "unknown charset " + from);
  }
  std::unique_ptr<void, IconvCloser> cd(raw);
  const size_t unit = IsUtf16(from) ? 2 : 1;
  std::string out(in.size() * 2 + 16, '\0');
  size_t used = 0;
  char* inp = const_cast<char*>(in.data());  // iconv's signature; it only reads
  size_t in_left = in.size();
  while (in_left > 0) {
    char* outp = out.data() + used;
    size_t out_left = out.size() - used;
    size_t rc = iconv(raw, &inp, &in_left, &outp, &out_left);
    int err = errno;
    used = out.size() - out_left;
    if (rc != static_cast<size_t>(-1)) continue;
    if (err == E2BIG) {
      out.resize(out.size() * 2);
    } else if (err == EILSEQ || err == EINVAL) {  // EINVAL: truncated at the end
      PutReplacement(out, used);
      size_t skip = err == EILSEQ ? std::min(unit, in_left) : in_left;
      inp += skip;
      in_left -= skip;
    } else {
      break;
    }
  }
  for (int tries = 0; tries < 4; ++tries) {  // flush a stateful decoder (ISO-2022-JP)
    char* outp = out.data() + used;
    size_t out_left = out.size() - used;
    size_t rc = iconv(raw, nullptr, nullptr, &outp, &out_left);
    used = out.size() - out_left;
    if (rc != static_cast<size_t>(-1) || errno != E2BIG) break;
    out.resize(out.size() * 2);
  }
  out.resize(used);
  return out;
}

// ToUtf8 once the charset is known.
Result<std::string> DecodeAs(std::string_view body, const std::string& charset) {
  std::string_view payload = body.substr(FindBom(body).length);
  if (charset == kUtf8) {
    if (IsValidUtf8(payload)) return std::string(payload);
    return RepairUtf8(payload);
  }
  auto converted = Convert(payload, charset);
  if (converted) return converted;
  converted = Convert(payload, std::string(kWindows1252));
  if (converted) return converted;
  return RepairUtf8(payload);  // iconv without windows-1252: keep what is valid
}

}  // namespace

std::string_view CharsetFromContentType(std::string_view content_type) {
  size_t pos = 0;
  while (pos < content_type.size()) {
    size_t at = std::string_view::npos;
    for (size_t i = pos; i + 7 <= content_type.size(); ++i) {
      if (EqualsIgnoreAsciiCase(content_type.substr(i, 7), "charset")) {
        at = i;
        break;
      }
    }
    if (at == std::string_view::npos) return {};
    pos = at + 7;
    while (pos < content_type.size() && IsHtmlSpace(content_type[pos])) ++pos;
    if (pos >= content_type.size() || content_type[pos] != '=') continue;
    ++pos;
    while (pos < content_type.size() && IsHtmlSpace(content_type[pos])) ++pos;
    char quote = pos < content_type.size() ? content_type[pos] : '\0';
    if (quote == '"' || quote == '\'') {
      ++pos;
    } else {
      quote = '\0';
    }
    size_t start = pos;
    while (pos < content_type.size() && content_type[pos] != ';' && content_type[pos] != quote &&
           !IsHtmlSpace(content_type[pos])) {
      ++pos;
    }
    return content_type.substr(start, pos - start);
  }
  return {};
}

bool IsValidUtf8(std::string_view s) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  auto* end = p + s.size();
  while (p < end) {
    p += AsciiPrefix(p, end);
    if (p == end) break;
    size_t bad = 0;
    size_t n = SequenceLength(p, end, &bad);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

std::string RepairUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  auto* begin = reinterpret_cast<const unsigned char*>(s.data());
  auto* p = begin;
  auto* end = p + s.size();
  while (p < end) {
    size_t ascii = AsciiPrefix(p, end);
    out.append(reinterpret_cast<const char*>(p), ascii);
    p += ascii;
    if (p == end) break;
    size_t bad = 0;
    size_t n = SequenceLength(p, end, &bad);
    if (n > 0) {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    } else {
      out.append(kReplacement);
      p += bad;
    }
  }
  return out;
}

std::string SniffCharset(std::string_view body, std::string_view content_type_header) {
  Bom bom = FindBom(body);
  if (!bom.charset.empty()) return std::string(bom.charset);
  std::string declared = DeclaredCharset(body, content_type_header);
  if (declared == kUtf8) return declared;
  if (!declared.empty() && !IsUtf16(declared)) {
    // See the departure in charset.h: valid non-ASCII UTF-8 is UTF-8.
    if (HasNonAscii(body) && IsValidUtf8(body)) return std::string(kUtf8);
    return declared;
  }
  if (!declared.empty()) return declared;
  if (IsValidUtf8(body)) return std::string(kUtf8);
  return DetectedCharset(body);
}

std::optional<std::string> ToUtf8IfNeeded(std::string_view body,
                                          std::string_view content_type_header) {
  std::string charset = SniffCharset(body, content_type_header);
  if (charset == kUtf8 && FindBom(body).length == 0 && IsValidUtf8(body)) return std::nullopt;
  auto converted = DecodeAs(body, charset);
  if (!converted) return std::nullopt;
  return std::move(*converted);
}

Result<std::string> ToUtf8(std::string_view body, std::string_view content_type_header) {
  return DecodeAs(body, SniffCharset(body, content_type_header));
}

}  // namespace trawl
