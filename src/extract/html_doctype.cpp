// DOCTYPE handling of trawl's HTML parser: whether a page is in quirks mode
// (html_parser_internal.h).
#include <string>
#include <string_view>

#include "core/text.h"
#include "extract/html_parser_internal.h"

namespace trawl::html_detail {
namespace {

// Public identifiers that put a page in quirks mode (HTML §13.2.6.4.1), lower case.
constexpr std::string_view kQuirkyPublicPrefixes[] = {
    "+//silmaril//dtd html pro v0r11 19970101//",
    "-//as//dtd html 3.0 aswedit + extensions//",
    "-//advasoft ltd//dtd html 3.0 aswedit + extensions//",
    "-//ietf//dtd html 2.0 level 1//",
    "-//ietf//dtd html 2.0 level 2//",
    "-//ietf//dtd html 2.0 strict level 1//",
    "-//ietf//dtd html 2.0 strict level 2//",
    "-//ietf//dtd html 2.0 strict//",
    "-//ietf//dtd html 2.0//",
    "-//ietf//dtd html 2.1e//",
    "-//ietf//dtd html 3.0//",
    "-//ietf//dtd html 3.2 final//",
    "-//ietf//dtd html 3.2//",
    "-//ietf//dtd html 3//",
    "-//ietf//dtd html level 0//",
    "-//ietf//dtd html level 1//",
    "-//ietf//dtd html level 2//",
    "-//ietf//dtd html level 3//",
    "-//ietf//dtd html strict level 0//",
    "-//ietf//dtd html strict level 1//",
    "-//ietf//dtd html strict level 2//",
    "-//ietf//dtd html strict level 3//",
    "-//ietf//dtd html strict//",
    "-//ietf//dtd html//",
    "-//metrius//dtd metrius presentational//",
    "-//microsoft//dtd internet explorer 2.0 html strict//",
    "-//microsoft//dtd internet explorer 2.0 html//",
    "-//microsoft//dtd internet explorer 2.0 tables//",
    "-//microsoft//dtd internet explorer 3.0 html strict//",
    "-//microsoft//dtd internet explorer 3.0 html//",
    "-//microsoft//dtd internet explorer 3.0 tables//",
    "-//netscape comm. corp.//dtd html//",
    "-//netscape comm. corp.//dtd strict html//",
    "-//o'reilly and associates//dtd html 2.0//",
    "-//o'reilly and associates//dtd html extended 1.0//",
    "-//o'reilly and associates//dtd html extended relaxed 1.0//",
    "-//sq//dtd html 2.0 hotmetal + extensions//",
    "-//softquad software//dtd hotmetal pro 6.0::19990601::extensions to html 4.0//",
    "-//softquad//dtd hotmetal pro 4.0::19971010::extensions to html 4.0//",
    "-//spyglass//dtd html 2.0 extended//",
    "-//sun microsystems corp.//dtd hotjava html//",
    "-//sun microsystems corp.//dtd hotjava strict html//",
    "-//w3c//dtd html 3 1995-03-24//",
    "-//w3c//dtd html 3.2 draft//",
    "-//w3c//dtd html 3.2 final//",
    "-//w3c//dtd html 3.2//",
    "-//w3c//dtd html 3.2s draft//",
    "-//w3c//dtd html 4.0 frameset//",
    "-//w3c//dtd html 4.0 transitional//",
    "-//w3c//dtd html experimental 19960712//",
    "-//w3c//dtd html experimental 970421//",
    "-//w3c//dtd w3 html//",
    "-//w3o//dtd w3 html 3.0//",
    "-//webtechs//dtd mozilla html 2.0//",
    "-//webtechs//dtd mozilla html//",
};

// The quoted identifier after `keyword` in a lower-cased DOCTYPE body, if any.
bool QuotedAfter(std::string_view body, std::string_view keyword, size_t from, std::string_view& id,
                 size_t& end) {
  size_t at = body.find(keyword, from);
  if (at == std::string_view::npos) return false;
  size_t q = body.find_first_of("\"'", at + keyword.size());
  if (q == std::string_view::npos) return false;
  size_t close = body.find(body[q], q + 1);
  if (close == std::string_view::npos) close = body.size();
  id = body.substr(q + 1, close - q - 1);
  end = close + 1;
  return true;
}

}  // namespace

bool QuirksDoctype(std::string_view raw) {
  std::string body(raw);
  for (char& c : body) c = AsciiLower(c);
  size_t b = 0;
  while (b < body.size() && IsHtmlSpace(body[b])) ++b;
  size_t e = b;
  while (e < body.size() && !IsHtmlSpace(body[e])) ++e;
  if (std::string_view(body).substr(b, e - b) != "html") return true;
  std::string_view pub, sys;
  size_t end = e;
  bool has_public = QuotedAfter(body, "public", e, pub, end);
  bool has_system = false;
  if (has_public) {
    size_t q = std::string_view(body).find_first_of("\"'", end);
    if (q != std::string_view::npos) {
      size_t close = body.find(body[q], q + 1);
      sys = std::string_view(body).substr(
          q + 1, (close == std::string::npos ? body.size() : close) - q - 1);
      has_system = true;
    }
  } else {
    has_system = QuotedAfter(body, "system", e, sys, end);
  }
  if (has_system && sys == "http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd")
    return true;
  if (!has_public) return false;
  if (pub == "-//w3o//dtd w3 html strict 3.0//en//" ||
      pub == "-/w3c/dtd html 4.0 transitional/en" || pub == "html") {
    return true;
  }
  for (std::string_view p : kQuirkyPublicPrefixes) {
    if (pub.starts_with(p)) return true;
  }
  return !has_system && (pub.starts_with("-//w3c//dtd html 4.01 frameset//") ||
                         pub.starts_with("-//w3c//dtd html 4.01 transitional//"));
}

}  // namespace trawl::html_detail
