// Link ranking for contact data. The scale and its reasons are in page_ranker.h.
#include "crawl/page_ranker.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/text.h"

namespace trawl {
namespace {

constexpr double kNever = -100.0;
constexpr double kAnyPage = 12.0;
constexpr double kAgreeBonus = 3.0;
constexpr double kPerSegment = 2.0;
constexpr double kMaxDepthPenalty = 10.0;
constexpr double kQueryPenalty = 3.0;
constexpr double kSectionIndexPenalty = 15.0;
constexpr double kInsideSectionPenalty = 60.0;
constexpr double kReadMorePenalty = 20.0;
// Navigation labels are short; a long anchor is a teaser or a sentence, whose
// words say less about the target.
constexpr size_t kNavTextBytes = 80;
constexpr size_t kMaxTextBytes = 200;
constexpr size_t kMaxPathBytes = 1024;

// Needles are matched against folded text (see Fold): " word " needles match
// whole words or word sequences, bare needles match anywhere (stems).
struct Keyword {
  std::string_view needle;
  double score;
};

// clang-format off
constexpr Keyword kKeywords[] = {
    // Contact pages.
    {"contact", 100}, {"kontakt", 100}, {"contatt", 100}, {" get in touch ", 100},
    {" reach us ", 100}, {"enquir", 95}, {"inquir", 95}, {" anfrage ", 80},
    {" say hello ", 95}, {" say hi ", 95}, {" write to us ", 95}, {" talk to us ", 90},
    {" lets talk ", 90}, {" let s talk ", 90}, {" contacto ", 100}, {" escribenos ", 90},
    // Quote requests: forms that usually sit next to the address and phone.
    {" devis ", 60}, {" quote ", 60}, {" presupuesto ", 60}, {" preventivo ", 60},
    {" offerte ", 60},
    // Legal notice: where the law puts name, address and registration numbers.
    {"impressum", 85}, {"imprint", 85}, {" legal notice ", 85}, {" mentions legales ", 85},
    {" aviso legal ", 85}, {" note legali ", 85}, {"colofon", 85}, {" colophon ", 85},
    {" informazioni legali ", 85}, {" legal ", 76}, {" disclaimer ", 55},
    // About pages.
    {"about", 70}, {" uber uns ", 70}, {" ueber uns ", 70}, {" uberuns ", 70},
    {" ueberuns ", 70}, {" qui sommes nous ", 70}, {" a propos ", 70}, {"apropos", 70},
    {" quienes somos ", 70}, {" sobre nosotros ", 70}, {" chi siamo ", 70}, {" over ons ", 70},
    {" wie zijn wij ", 70}, {" who we are ", 65}, {" our story ", 60}, {" unternehmen ", 55},
    {" company ", 55}, {" firma ", 50}, {" entreprise ", 55}, {" empresa ", 55},
    {" azienda ", 55}, {" bedrijf ", 55},
    // People.
    {" team ", 50}, {" our team ", 50}, {" people ", 50}, {" staff ", 50},
    {" mitarbeiter ", 50}, {" equipe ", 50}, {" equipo ", 50}, {" squadra ", 45},
    // Where to find them.
    {" locations ", 45}, {" find us ", 45}, {" anfahrt ", 45}, {" directions ", 45},
    {" standort ", 45}, {" standorte ", 45}, {" visit us ", 45}, {" how to find us ", 45},
    {"filiale", 45}, {" niederlassung", 45}, {" branches ", 45}, {" our branches ", 45},
    {" our stores ", 40}, {" store locator ", 45}, {" nos agences ", 45}, {" sucursales ", 45},
    {" sedi ", 40}, {" vestigingen ", 45},
    {" acces ", 40}, {" como llegar ", 45}, {" dove siamo ", 45}, {" route ", 40},
    {" location ", 30},  // French "location" is rental: keep it modest
    // Privacy and terms: often name the company with address and numbers.
    {"privacy", 25}, {"datenschutz", 25}, {"confidentialite", 25}, {"privacidad", 25},
    {" gdpr ", 25}, {" rgpd ", 25}, {" dsgvo ", 25}, {" donnees personnelles ", 25},
    {" terms ", 20}, {" agb ", 20}, {" cgv ", 20}, {" cgu ", 20}, {" conditions ", 20},
    {" terminos ", 20}, {" condizioni ", 20}, {"voorwaarden", 20}, {"bedingungen", 20},
};
// clang-format on

// Path segments (compared without extension, '-' '_' '+' as spaces) that
// mark pages never worth a fetch slot. Whole segments, not words: a print
// shop's "/print-services" is a fine page, "/print/" is not.
constexpr std::string_view kNeverSegments[] = {
    "wp admin",   "wp login",  "wp json",   "wp content", "wp includes", "xmlrpc",     "cgi bin",
    "cdn cgi",    "login",     "logout",    "log in",     "signin",      "sign in",    "signup",
    "sign up",    "register",  "account",   "my account", "mein konto",  "mon compte", "cart",
    "basket",     "warenkorb", "panier",    "carrito",    "checkout",    "kasse",      "feed",
    "rss",        "print",     "share",     "sharer",     "calendar",    "kalender",   "ical",
    "search",     "suche",     "recherche", "buscar",     "tag",         "tags",       "category",
    "categories", "kategorie", "categorie", "author",     "archive",     "archives",   "attachment",
    "comments",   "trackback", "embed",     "amp",
};

// Query keys that turn a page into an action, a listing or a duplicate.
constexpr std::string_view kNeverQueryKeys[] = {
    "replytocom", "share",  "print",   "add-to-cart", "add_to_cart", "action",        "s",
    "q",          "search", "orderby", "order",       "sort",        "filter",        "page",
    "paged",      "ical",   "format",  "output",      "download",    "attachment_id", "redirect_to",
    "share-url",  "tab",
};

// Sections whose inner pages are posts and products, not company pages.
constexpr std::string_view kSections[] = {
    "blog",       "news",     "aktuelles",       "neuigkeiten", "actualites", "actualite",
    "actualidad", "noticias", "notizie",         "nieuws",      "press",      "presse",
    "events",     "event",    "veranstaltungen", "article",     "articles",   "post",
    "posts",      "shop",     "store",           "boutique",    "tienda",     "negozio",
    "winkel",     "product",  "products",        "produkt",     "produkte",   "produits",
    "productos",  "prodotti", "producten",       "catalog",     "catalogue",  "katalog",
    "magazine",   "insights", "stories",
};

constexpr std::string_view kReadMore[] = {
    " read more ",   " weiterlesen ", " mehr lesen ",       " lire la suite ", " leer mas ",
    " leggi tutto ", " lees meer ",   " continue reading ", " mehr erfahren ",
};

constexpr std::string_view kNonHtmlExtensions[] = {
    "pdf",  "jpg", "jpeg", "png",  "gif", "webp", "svg",  "ico",   "bmp", "tif", "tiff", "avif",
    "heic", "zip", "gz",   "tgz",  "rar", "7z",   "tar",  "bz2",   "xz",  "doc", "docx", "xls",
    "xlsx", "ppt", "pptx", "odt",  "ods", "odp",  "rtf",  "csv",   "txt", "xml", "json", "rss",
    "atom", "js",  "css",  "map",  "mp3", "mp4",  "m4a",  "m4v",   "wav", "ogg", "oga",  "ogv",
    "avi",  "mov", "wmv",  "webm", "mkv", "flv",  "woff", "woff2", "ttf", "eot", "otf",  "exe",
    "dmg",  "apk", "msi",  "iso",  "bin", "epub", "ics",  "vcf",   "swf", "psd", "ai",   "eps",
};

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSeparator(char c) { return c == '-' || c == '_' || c == '+' || c == ' '; }

// Latin-1 Supplement letters (U+00C0..U+00FF, UTF-8 C3 80..BF) without
// diacritics; "" for the two symbols × and ÷ (a word break).
// clang-format off
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",
};
// clang-format on

// Appends a word break unless one is already there.
void Break(std::string& out) {
  if (out.back() != ' ') out.push_back(' ');
}

// Folds `in` for keyword search: " word word ", ASCII lower case, Latin
// diacritics dropped, ß → ss, percent escapes decoded, everything else that
// is not a letter or digit a single space. Other non-ASCII bytes are kept.
std::string Fold(std::string_view in) {
  std::string out(" ");
  out.reserve(in.size() + 2);
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size() && HexDigitValue(in[i + 1]) >= 0 &&
        HexDigitValue(in[i + 2]) >= 0) {
      c = static_cast<char>(HexDigitValue(in[i + 1]) * 16 + HexDigitValue(in[i + 2]));
      i += 2;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      c = AsciiLower(c);
      if (IsAlnum(c)) {
        out.push_back(c);
      } else {
        Break(out);
      }
      continue;
    }
    // One more byte of a two-byte sequence, possibly percent-encoded too.
    size_t next = i + 1;
    int b = next < in.size() ? static_cast<unsigned char>(in[next]) : -1;
    if (b == '%' && next + 2 < in.size() && HexDigitValue(in[next + 1]) >= 0 &&
        HexDigitValue(in[next + 2]) >= 0) {
      b = HexDigitValue(in[next + 1]) * 16 + HexDigitValue(in[next + 2]);
      next += 2;
    }
    if (u == 0xC3 && b >= 0x80 && b <= 0xBF) {
      const char* folded = kLatin1Fold[b - 0x80];
      if (*folded == '\0') Break(out);
      out += folded;
      i = next;
    } else if (u == 0xC2 && b >= 0x80 && b <= 0xBF) {  // NBSP, ©, «, … : word breaks
      Break(out);
      i = next;
    } else if (u == 0xC5 && (b == 0x92 || b == 0x93)) {  // Œ œ
      out += "oe";
      i = next;
    } else {
      out.push_back(c);
    }
  }
  Break(out);
  return out;
}

struct UrlPieces {
  std::string_view path;  // starts with "/" or is empty
  std::string_view query;
};

UrlPieces SplitUrl(std::string_view url) {
  url = url.substr(0, url.find('#'));
  size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos && scheme_end < url.find('/')) {
    size_t path_start = url.find_first_of("/?", scheme_end + 3);
    url = path_start == std::string_view::npos ? std::string_view() : url.substr(path_start);
  } else if (url.starts_with("//")) {
    size_t path_start = url.find_first_of("/?", 2);
    url = path_start == std::string_view::npos ? std::string_view() : url.substr(path_start);
  }
  size_t q = url.find('?');
  if (q == std::string_view::npos) return {url, {}};
  return {url.substr(0, q), url.substr(q + 1)};
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// "2023" in a path is an archive or a dated post.
bool IsYear(std::string_view s) {
  return s.size() == 4 && AllDigits(s) && (s.starts_with("19") || s.starts_with("20"));
}

// A "2023-05-12" in a slug marks a dated post.
bool HasDate(std::string_view s) {
  for (size_t i = 0; i + 10 <= s.size(); ++i) {
    std::string_view d = s.substr(i, 10);
    if (IsYear(d.substr(0, 4)) && d[4] == '-' && AllDigits(d.substr(5, 2)) && d[7] == '-' &&
        AllDigits(d.substr(8, 2))) {
      return true;
    }
  }
  return false;
}

// "en", "de-at", "pt_br": a language prefix, not a level of the site.
bool IsLanguage(std::string_view s) {
  auto alpha2 = [](std::string_view t) { return t.size() == 2 && IsAlpha(t[0]) && IsAlpha(t[1]); };
  return alpha2(s) || (s.size() == 5 && (s[2] == '-' || s[2] == '_') && alpha2(s.substr(0, 2)) &&
                       alpha2(s.substr(3)));
}

// "Login.php" is "login": extensions do not change what a page is.
std::string_view StripExtension(std::string_view seg) {
  size_t dot = seg.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? seg : seg.substr(0, dot);
}

// `seg` (extension already stripped) equals `word`, case-insensitively, with
// '-' '_' '+' in the segment matching ' ' in the word: "My_Account" is
// "my account".
bool SegmentIs(std::string_view seg, std::string_view word) {
  if (seg.size() != word.size()) return false;
  for (size_t i = 0; i < seg.size(); ++i) {
    if (word[i] == ' ' ? !IsSeparator(seg[i]) : AsciiLower(seg[i]) != word[i]) return false;
  }
  return true;
}

// A fixed set of short words, bucketed by length so that a lookup compares
// against a few candidates instead of the whole list. Built once; read-only.
class WordSet {
 public:
  template <size_t N>
  explicit WordSet(const std::string_view (&words)[N]) {
    for (std::string_view w : words) {
      if (w.size() < kMaxLength) buckets_[w.size()].push_back(w);
    }
  }

  // True when `s` is one of the words, as SegmentIs compares them.
  bool Contains(std::string_view s) const {
    if (s.size() >= kMaxLength) return false;
    for (std::string_view w : buckets_[s.size()]) {
      if (SegmentIs(s, w)) return true;
    }
    return false;
  }

 private:
  static constexpr size_t kMaxLength = 32;
  std::vector<std::string_view> buckets_[kMaxLength];
};

const WordSet& NeverSegments() {
  static const WordSet set(kNeverSegments);
  return set;
}

const WordSet& Sections() {
  static const WordSet set(kSections);
  return set;
}

const WordSet& NeverQueryKeys() {
  static const WordSet set(kNeverQueryKeys);
  return set;
}

const WordSet& NonHtmlExtensions() {
  static const WordSet set(kNonHtmlExtensions);
  return set;
}

struct PathShape {
  bool never = false;  // dated, archive, pagination or an action segment
  double penalty = 0;  // depth and section penalties
};

PathShape ShapeOf(std::string_view path) {
  PathShape shape;
  int depth = 0;
  bool first = true;
  std::string_view prev;
  double section = 0;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (seg.empty()) continue;
    seg = StripExtension(seg);
    if (IsYear(seg) || HasDate(seg) || NeverSegments().Contains(seg)) shape.never = true;
    bool paging = SegmentIs(prev, "page") || SegmentIs(prev, "seite") ||
                  SegmentIs(prev, "pagina") || SegmentIs(prev, "p");
    if (paging && AllDigits(seg)) shape.never = true;
    if (section > 0) section = kInsideSectionPenalty;  // something below a section index
    if (Sections().Contains(seg)) section = std::max(section, kSectionIndexPenalty);
    if (!(first && IsLanguage(seg))) ++depth;
    first = false;
    prev = seg;
  }
  shape.penalty = section + std::min(kMaxDepthPenalty, kPerSegment * std::max(0, depth - 1));
  return shape;
}

bool QueryIsAction(std::string_view query) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::string_view key = pair.substr(0, pair.find('='));
    if (NeverQueryKeys().Contains(key)) return true;
  }
  return false;
}

bool ContainsAny(const std::string& folded, const std::string_view* words, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (folded.find(words[i]) != std::string::npos) return true;
  }
  return false;
}

// kKeywords indexed by the first letter of the needle, split into word
// needles (tried only where a word starts) and stems (tried everywhere), so
// that one pass over the folded text tries a handful of needles per letter
// instead of running every needle over the whole text.
struct KeywordIndex {
  std::vector<unsigned char> words[26];
  std::vector<unsigned char> stems[26];
};

const KeywordIndex& Index() {
  static const KeywordIndex index = [] {
    static_assert(std::size(kKeywords) < 256);
    KeywordIndex built;
    for (size_t k = 0; k < std::size(kKeywords); ++k) {
      std::string_view needle = kKeywords[k].needle;
      bool word = needle.front() == ' ';
      int letter = (word ? needle[1] : needle[0]) - 'a';
      if (letter < 0 || letter >= 26) continue;  // needles are lower-case letters
      (word ? built.words : built.stems)[letter].push_back(static_cast<unsigned char>(k));
    }
    return built;
  }();
  return index;
}

double BestKeyword(const std::string& folded) {
  const KeywordIndex& index = Index();
  double best = 0;
  std::string_view f = folded;
  for (size_t i = 1; i < f.size(); ++i) {
    if (f[i] < 'a' || f[i] > 'z') continue;
    int letter = f[i] - 'a';
    for (unsigned char k : index.stems[letter]) {
      if (kKeywords[k].score > best && f.substr(i).starts_with(kKeywords[k].needle)) {
        best = kKeywords[k].score;
      }
    }
    if (f[i - 1] != ' ') continue;
    for (unsigned char k : index.words[letter]) {
      if (kKeywords[k].score > best && f.substr(i - 1).starts_with(kKeywords[k].needle)) {
        best = kKeywords[k].score;
      }
    }
  }
  return best;
}

std::string_view LastSegment(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool LooksLikeHtmlUrl(std::string_view url) {
  size_t colon = url.find(':');
  if (colon != std::string_view::npos && colon < url.find_first_of("/?#")) {
    std::string_view scheme = url.substr(0, colon);
    if (!EqualsIgnoreAsciiCase(scheme, "http") && !EqualsIgnoreAsciiCase(scheme, "https"))
      return false;
  }
  std::string_view last = LastSegment(SplitUrl(url).path);
  size_t dot = last.rfind('.');
  if (dot == std::string_view::npos) return true;
  std::string_view ext = last.substr(dot + 1);
  return !NonHtmlExtensions().Contains(ext);
}

double ContactScore(std::string_view url, std::string_view link_text) {
  if (!LooksLikeHtmlUrl(url)) return kNever;
  UrlPieces pieces = SplitUrl(url);
  std::string_view path = pieces.path.substr(0, kMaxPathBytes);
  PathShape shape = ShapeOf(path);
  if (shape.never) return kNever;
  if (!pieces.query.empty() && QueryIsAction(pieces.query)) return kNever;
  std::string folded_path = Fold(path);

  std::string folded_text = Fold(link_text.substr(0, kMaxTextBytes));
  double url_score = BestKeyword(folded_path);
  double text_score = BestKeyword(folded_text);
  if (link_text.size() > kNavTextBytes) text_score /= 2;
  double score = std::max({url_score, text_score, kAnyPage});
  if (url_score > 0 && text_score > 0) score += kAgreeBonus;
  score -= shape.penalty;
  if (!pieces.query.empty()) score -= kQueryPenalty;
  if (ContainsAny(folded_text, kReadMore, std::size(kReadMore))) score -= kReadMorePenalty;
  return score;
}

}  // namespace trawl
