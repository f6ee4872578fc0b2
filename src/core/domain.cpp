// Domain normalization on libidn2 (IDNA2008) and libpsl (public suffixes).
#include "core/domain.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace trawl {
namespace {

// Cuts a URL down to its host: "https://user@Host:8080/x?y" -> "Host".
std::string_view HostPart(std::string_view s) {
  size_t scheme = s.find("://");
  if (scheme != std::string_view::npos && scheme < 10)
    s.remove_prefix(scheme + 3);
  else if (s.starts_with("//"))
    s.remove_prefix(2);
  size_t end = s.find_first_of("/?#");
  if (end != std::string_view::npos) s = s.substr(0, end);
  size_t at = s.rfind('@');
  if (at != std::string_view::npos) s.remove_prefix(at + 1);
  if (!s.starts_with('[')) {
    size_t colon = s.find(':');
    if (colon != std::string_view::npos) s = s.substr(0, colon);
  }
  return s;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  if (host.starts_with('[')) return true;
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Result<std::string> ToAscii(const std::string& host) {
  bool ascii = std::all_of(host.begin(), host.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return AsciiLower(host);
  char* out = nullptr;
  int rc = idn2_to_ascii_8z(host.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK) {
    return Fail(ErrorCode::kInvalidDomain,
                std::string("not a valid international name: ") + idn2_strerror(rc));
  }
  std::string result(out);
  idn2_free(out);
  return result;
}

std::string ToUnicode(const std::string& ascii) {
  if (ascii.find("xn--") == std::string::npos) return ascii;
  char* out = nullptr;
  if (idn2_to_unicode_8z8z(ascii.c_str(), &out, 0) != IDN2_OK) return ascii;
  std::string result(out);
  idn2_free(out);
  return result;
}

// Checks LDH rules label by label (RFC 1035 §2.3.1, RFC 5891 for A-labels).
Result<void> CheckLabels(const std::string& name) {
  if (name.size() > 253) return Fail(ErrorCode::kInvalidDomain, "name longer than 253 characters");
  size_t start = 0;
  int labels = 0;
  std::string last;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string label =
        name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty()) return Fail(ErrorCode::kInvalidDomain, "empty label");
    if (label.size() > 63)
      return Fail(ErrorCode::kInvalidDomain, "label longer than 63 characters");
    for (char c : label) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) {
        return Fail(ErrorCode::kInvalidDomain,
                    std::string("character not allowed in a domain: '") + c + "'");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return Fail(ErrorCode::kInvalidDomain, "label starts or ends with a hyphen");
    }
    ++labels;
    last = label;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return Fail(ErrorCode::kInvalidDomain, "a domain needs at least two labels");
  if (std::all_of(last.begin(), last.end(), ::isdigit)) {
    return Fail(ErrorCode::kInvalidDomain, "top-level label is numeric");
  }
  return {};
}

}  // namespace

Result<Domain> NormalizeDomain(std::string_view input) {
  std::string_view trimmed = TrimAsciiSpace(input);
  if (trimmed.empty()) return Fail(ErrorCode::kInvalidDomain, "empty input");
  if (trimmed.size() > 2048) return Fail(ErrorCode::kInvalidDomain, "input too long");
  std::string host(HostPart(trimmed));
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return Fail(ErrorCode::kInvalidDomain, "no host name in input");
  if (IsIpLiteral(host)) return Fail(ErrorCode::kInvalidDomain, "IP addresses are not domains");
  auto ascii = ToAscii(host);
  if (!ascii) return tl::unexpected(ascii.error());
  std::string name = *ascii;
  if (name.starts_with("www.") && std::count(name.begin(), name.end(), '.') >= 2) {
    name.erase(0, 4);
  }
  if (auto ok = CheckLabels(name); !ok) return tl::unexpected(ok.error());
  const psl_ctx_t* psl = psl_builtin();
  if (psl != nullptr &&
      psl_is_public_suffix2(psl, name.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE)) {
    return Fail(ErrorCode::kInvalidDomain, "'" + name + "' is a public suffix, not a domain");
  }
  return Domain{name, ToUnicode(name)};
}

std::string RegistrableDomain(std::string_view host) {
  std::string h(host);
  const psl_ctx_t* psl = psl_builtin();
  if (psl == nullptr) return h;
  const char* reg = psl_registrable_domain(psl, h.c_str());
  return reg ? std::string(reg) : h;
}

}  // namespace trawl
