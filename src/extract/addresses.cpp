// Postal addresses from, in order of trust: schema.org PostalAddress in
// JSON-LD, the same in microdata, and visible text anchored on a postcode
// (postcodes.h) with the street and town read from the neighbouring lines.
#include "extract/addresses.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "core/text.h"
#include "extract/address_text.h"

namespace trawl {
namespace {

using Json = nlohmann::json;

// Bounds the JSON-LD walk: real pages nest a few levels; hostile ones deeper.
constexpr int kMaxJsonDepth = 16;
constexpr int kMaxJsonNodes = 20000;

// Whitespace and the separators sites put between address parts.
std::string Trim(std::string_view s) { return std::string(TrimBytes(s, " \t\r\n,;:|")); }

// Collapses whitespace; line breaks inside one value become ", ".
std::string Clean(std::string_view s) {
  std::string out;
  bool space = false, newline = false;
  for (char c : s) {
    if (c == '\n' || c == '\r') {
      newline = true;
    } else if (c == ' ' || c == '\t') {
      space = true;
    } else {
      if (!out.empty() && newline && out.back() != ',')
        out += ", ";
      else if (!out.empty() && (space || newline))
        out += ' ';
      space = newline = false;
      out += c;
    }
  }
  return Trim(out);
}

std::optional<std::string> NonEmpty(std::string s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

std::string CountryCode(std::string_view name) {
  static const std::pair<const char*, const char*> kNames[] = {{"united kingdom", "GB"},
                                                               {"uk", "GB"},
                                                               {"great britain", "GB"},
                                                               {"england", "GB"},
                                                               {"scotland", "GB"},
                                                               {"wales", "GB"},
                                                               {"northern ireland", "GB"},
                                                               {"united states", "US"},
                                                               {"usa", "US"},
                                                               {"united states of america", "US"},
                                                               {"deutschland", "DE"},
                                                               {"germany", "DE"},
                                                               {"france", "FR"},
                                                               {"australia", "AU"},
                                                               {"ireland", "IE"},
                                                               {"éire", "IE"},
                                                               {"netherlands", "NL"},
                                                               {"the netherlands", "NL"},
                                                               {"nederland", "NL"},
                                                               {"spain", "ES"},
                                                               {"españa", "ES"},
                                                               {"italy", "IT"},
                                                               {"italia", "IT"},
                                                               {"austria", "AT"},
                                                               {"österreich", "AT"},
                                                               {"belgium", "BE"},
                                                               {"belgique", "BE"},
                                                               {"belgië", "BE"},
                                                               {"switzerland", "CH"},
                                                               {"schweiz", "CH"},
                                                               {"suisse", "CH"}};
  std::string lower = AsciiLower(Trim(name));
  for (const auto& [n, code] : kNames) {
    if (lower == n) return code;
  }
  if (lower.size() == 2 && std::isalpha(static_cast<unsigned char>(lower[0])) &&
      std::isalpha(static_cast<unsigned char>(lower[1]))) {
    return {static_cast<char>(std::toupper(lower[0])), static_cast<char>(std::toupper(lower[1]))};
  }
  return "";
}

std::string FormatAddressText(const Address& a) {
  auto v = [](const std::optional<std::string>& o) { return o ? *o : std::string(); };
  std::string country = v(a.country);
  std::vector<std::string> parts;
  auto add = [&](std::string s) {
    s = Trim(s);
    if (!s.empty()) parts.push_back(std::move(s));
  };
  add(v(a.street));
  if (country == "DE" || country == "FR" || country == "ES" || country == "IT" || country == "NL" ||
      country == "AT" || country == "BE" || country == "CH") {
    std::string line = v(a.postcode) + " " + v(a.locality);
    if (country == "IT" && a.region) line += " (" + *a.region + ")";
    add(line);
    if (country != "IT") add(v(a.region));
  } else if (country == "US" || country == "AU") {
    add(v(a.locality));
    add(v(a.region) + " " + v(a.postcode));
  } else {
    add(v(a.locality));
    add(v(a.region));
    add(v(a.postcode));
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

namespace {

// ---- structured data -------------------------------------------------------

std::string JsonText(const Json& j) {
  if (j.is_string()) return Clean(j.get<std::string>());
  if (j.is_number_integer()) return std::to_string(j.get<long long>());
  if (j.is_object()) {
    for (const char* key : {"name", "@id"}) {
      if (j.contains(key) && j[key].is_string()) return Clean(j[key].get<std::string>());
    }
  }
  return "";
}

bool HasType(const Json& j, std::string_view type) {
  if (!j.contains("@type")) return false;
  const Json& t = j["@type"];
  auto matches = [&](const Json& x) {
    if (!x.is_string()) return false;
    std::string s = x.get<std::string>();
    return s == type ||
           (s.size() > type.size() &&
            s.compare(s.size() - type.size() - 1, std::string::npos, "/" + std::string(type)) == 0);
  };
  if (t.is_array()) return std::any_of(t.begin(), t.end(), matches);
  return matches(t);
}

Address FromPostalAddress(const Json& j) {
  auto field = [&](const char* key) { return j.contains(key) ? JsonText(j[key]) : std::string(); };
  Address a;
  a.street = NonEmpty(field("streetAddress"));
  a.locality = NonEmpty(field("addressLocality"));
  a.region = NonEmpty(field("addressRegion"));
  a.postcode = NonEmpty(field("postalCode"));
  std::string country = CountryCode(field("addressCountry"));
  a.country = NonEmpty(country);
  a.text = FormatAddressText(a);
  return a;
}

void WalkJson(const Json& j, int depth, int& budget, std::vector<Address>& out) {
  if (depth > kMaxJsonDepth || --budget < 0) return;
  if (j.is_array()) {
    for (const Json& x : j) WalkJson(x, depth + 1, budget, out);
    return;
  }
  if (!j.is_object()) return;
  bool untyped_address =
      !j.contains("@type") && (j.contains("streetAddress") || j.contains("postalCode"));
  if (HasType(j, "PostalAddress") || untyped_address) {
    Address a = FromPostalAddress(j);
    if (!a.text.empty()) out.push_back(std::move(a));
    return;
  }
  for (const auto& [key, value] : j.items()) {
    if (key == "address" && value.is_string()) {
      Address a;
      a.text = Clean(value.get<std::string>());
      if (!a.text.empty()) out.push_back(std::move(a));
    } else if (value.is_object() || value.is_array()) {
      WalkJson(value, depth + 1, budget, out);
    }
  }
}

void FromJsonLd(const Document& doc, std::vector<Address>& out) {
  for (const std::string& raw : doc.json_ld) {
    Json j = Json::parse(raw, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) continue;
    int budget = kMaxJsonNodes;
    WalkJson(j, 0, budget, out);
  }
}

// Consecutive PostalAddress props form one address; a repeated prop name
// starts the next.
void FromMicrodata(const Document& doc, std::vector<Address>& out) {
  Json current = Json::object();
  auto flush = [&] {
    if (current.empty()) return;
    Address a = FromPostalAddress(current);
    if (!a.text.empty()) out.push_back(std::move(a));
    current = Json::object();
  };
  for (const MicrodataProp& p : doc.microdata) {
    bool postal = p.itemtype.size() >= 13 &&
                  p.itemtype.compare(p.itemtype.size() - 13, 13, "PostalAddress") == 0;
    if (!postal) continue;
    if (current.contains(p.prop)) flush();
    current[p.prop] = p.value;
  }
  flush();
}

std::string Key(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c >= 0x80) out.push_back(AsciiLower(static_cast<char>(c)));
  }
  return out;
}

// Street key with the usual abbreviations folded ("Rd" = "Road").
std::string StreetKey(std::string_view street) {
  struct Fold {
    RE2 re;
    const char* to;
  };
  static const Fold kFolds[] = {
      {RE2("(?i)\\broad\\b"), "rd"},    {RE2("(?i)\\bstreet\\b"), "st"},
      {RE2("(?i)\\bavenue\\b"), "ave"}, {RE2("(?i)\\bdrive\\b"), "dr"},
      {RE2("(?i)\\blane\\b"), "ln"},    {RE2("(?i)stra(?:ß|ss)e\\b"), "str"}};
  std::string s(street);
  for (const Fold& f : kFolds) RE2::GlobalReplace(&s, f.re, f.to);
  return Key(s);
}

bool SameAddress(const Address& a, const Address& b) {
  if (!a.postcode || !b.postcode) return Key(a.text) == Key(b.text);
  if (Key(*a.postcode) != Key(*b.postcode)) return false;
  if (!a.street || !b.street) return true;
  std::string sa = StreetKey(*a.street), sb = StreetKey(*b.street);
  return sa.find(sb) != std::string::npos || sb.find(sa) != std::string::npos;
}

}  // namespace

std::vector<Address> ExtractAddresses(const Document& doc, std::string_view country_hint) {
  return ExtractAddresses(doc, PageText::Of(doc), country_hint);
}

std::vector<Address> ExtractAddresses(const Document& doc, const PageText& text,
                                      std::string_view country_hint) {
  std::vector<Address> found;
  FromJsonLd(doc, found);
  FromMicrodata(doc, found);
  AddTextAddresses(doc, text, country_hint, found);
  std::vector<Address> out;
  for (Address& a : found) {
    auto dup =
        std::find_if(out.begin(), out.end(), [&](const Address& b) { return SameAddress(a, b); });
    if (dup == out.end()) {
      a.source = doc.url;
      out.push_back(std::move(a));
      continue;
    }
    // The first (most trusted) source wins; a later one only fills gaps.
    bool filled = false;
    for (auto field : {&Address::street, &Address::locality, &Address::region, &Address::postcode,
                       &Address::country}) {
      if (!((*dup).*field) && a.*field) {
        (*dup).*field = a.*field;
        filled = true;
      }
    }
    if (filled) dup->text = FormatAddressText(*dup);
  }
  return out;
}

}  // namespace trawl
