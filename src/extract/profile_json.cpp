// Profile <-> JSON and Profile -> CSV.
#include "extract/profile_json.h"

#include <array>
#include <nlohmann/json.hpp>

namespace trawl {
namespace {

using nlohmann::json;

json OrNull(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json ValueOrNull(const std::optional<Sourced>& v) { return v ? json(v->value) : json(nullptr); }
json SourceOrNull(const std::optional<Sourced>& v) { return v ? json(v->source) : json(nullptr); }

// Typed reads that report a wrong type instead of throwing.
struct Reader {
  const json& j;
  std::string error;

  std::string Str(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) {
      error = std::string(key) + " is not a string";
      return {};
    }
    return it->get<std::string>();
  }
  std::optional<std::string> OptStr(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      error = std::string(key) + " is not a string";
      return std::nullopt;
    }
    return it->get<std::string>();
  }
  int64_t Int(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return 0;
    if (!it->is_number_integer()) {
      error = std::string(key) + " is not an integer";
      return 0;
    }
    return it->get<int64_t>();
  }
  std::optional<Sourced> Field(const char* key) {
    auto v = OptStr(j, key);
    if (!v) return std::nullopt;
    Sourced s{*v, {}};
    if (auto src = j.find("sources"); src != j.end() && src->is_object()) {
      s.source = OptStr(*src, key).value_or("");
    }
    return s;
  }
  const json* Array(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    if (!it->is_array()) {
      error = std::string(key) + " is not an array";
      return nullptr;
    }
    return &*it;
  }
};

void ReadLists(Reader& r, Profile& p) {
  if (const json* a = r.Array("emails")) {
    for (const json& e : *a) {
      if (e.is_string())
        p.emails.push_back({e.get<std::string>(), {}});
      else if (e.is_object())
        p.emails.push_back({r.OptStr(e, "value").value_or(""), r.OptStr(e, "source").value_or("")});
    }
  }
  if (const json* a = r.Array("phones")) {
    for (const json& e : *a) {
      if (!e.is_object()) continue;
      p.phones.push_back({r.OptStr(e, "value").value_or(""), r.OptStr(e, "display").value_or(""),
                          r.OptStr(e, "kind").value_or("phone"),
                          r.OptStr(e, "source").value_or("")});
    }
  }
  if (const json* a = r.Array("addresses")) {
    for (const json& e : *a) {
      if (!e.is_object()) continue;
      Address ad;
      ad.street = r.OptStr(e, "street");
      ad.locality = r.OptStr(e, "locality");
      ad.region = r.OptStr(e, "region");
      ad.postcode = r.OptStr(e, "postcode");
      ad.country = r.OptStr(e, "country");
      ad.text = r.OptStr(e, "text").value_or("");
      ad.source = r.OptStr(e, "source").value_or("");
      p.addresses.push_back(std::move(ad));
    }
  }
  if (const json* a = r.Array("pages")) {
    for (const json& e : *a) {
      if (!e.is_object()) continue;
      p.pages.push_back({r.OptStr(e, "url").value_or(""), static_cast<int>(r.Int(e, "status")),
                         r.Int(e, "bytes"), r.Int(e, "ms")});
    }
  }
}

std::string CsvField(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

template <typename T, typename F>
std::string Join(const std::vector<T>& items, F get) {
  std::string out;
  for (const T& i : items) {
    if (!out.empty()) out += "; ";
    out += get(i);
  }
  return out;
}

}  // namespace

json ProfileToJson(const Profile& p) {
  json j;
  j["domain"] = p.domain;
  j["input_index"] = p.input_index;
  j["status"] = p.ok() ? "ok" : "failed";
  j["error"] = p.error ? json{{"code", std::string(ErrorCodeName(p.error->code))},
                              {"message", p.error->message}}
                       : json(nullptr);
  j["final_url"] = p.final_url.empty() ? json(nullptr) : json(p.final_url);
  j["company_name"] = ValueOrNull(p.company_name);
  j["description"] = ValueOrNull(p.description);
  j["emails"] = json::array();
  for (const auto& e : p.emails) j["emails"].push_back({{"value", e.value}, {"source", e.source}});
  j["phones"] = json::array();
  for (const auto& ph : p.phones) {
    j["phones"].push_back(
        {{"value", ph.value}, {"display", ph.display}, {"kind", ph.kind}, {"source", ph.source}});
  }
  j["addresses"] = json::array();
  for (const auto& a : p.addresses) {
    j["addresses"].push_back({{"street", OrNull(a.street)},
                              {"locality", OrNull(a.locality)},
                              {"region", OrNull(a.region)},
                              {"postcode", OrNull(a.postcode)},
                              {"country", OrNull(a.country)},
                              {"text", a.text},
                              {"source", a.source}});
  }
  json social = json::object();
  for (const char* net : kSocialNetworks) {
    auto it = p.social.find(net);
    social[net] = it == p.social.end() ? json(nullptr) : json(it->second.value);
  }
  j["social"] = std::move(social);
  j["company_number"] = ValueOrNull(p.company_number);
  j["vat_number"] = ValueOrNull(p.vat_number);
  j["country"] = OrNull(p.country);
  j["pages"] = json::array();
  for (const auto& pg : p.pages) {
    j["pages"].push_back(
        {{"url", pg.url}, {"status", pg.status}, {"bytes", pg.bytes}, {"ms", pg.ms}});
  }
  j["elapsed_ms"] = p.elapsed_ms;
  j["sources"] = {{"company_name", SourceOrNull(p.company_name)},
                  {"description", SourceOrNull(p.description)},
                  {"company_number", SourceOrNull(p.company_number)},
                  {"vat_number", SourceOrNull(p.vat_number)}};
  return j;
}

Result<Profile> ProfileFromJson(const json& j) {
  if (!j.is_object()) return Fail(ErrorCode::kUsage, "profile is not a JSON object");
  Reader r{j, {}};
  Profile p;
  p.domain = r.Str("domain");
  if (p.domain.empty() && r.error.empty()) return Fail(ErrorCode::kUsage, "profile has no domain");
  p.input_index = static_cast<int>(j.contains("input_index") ? r.Int(j, "input_index") : -1);
  if (auto e = j.find("error"); e != j.end() && e->is_object()) {
    p.error = Error{ErrorCodeFromName(r.OptStr(*e, "code").value_or("internal")),
                    r.OptStr(*e, "message").value_or("")};
  } else if (r.Str("status") == "failed") {
    p.error = Error{ErrorCode::kInternal, ""};
  }
  p.final_url = r.Str("final_url");
  p.company_name = r.Field("company_name");
  p.description = r.Field("description");
  p.company_number = r.Field("company_number");
  p.vat_number = r.Field("vat_number");
  p.country = r.OptStr(j, "country");
  ReadLists(r, p);
  if (auto s = j.find("social"); s != j.end() && s->is_object()) {
    for (auto it = s->begin(); it != s->end(); ++it) {
      if (it->is_string()) p.social[it.key()] = {it->get<std::string>(), {}};
    }
  }
  p.elapsed_ms = r.Int(j, "elapsed_ms");
  if (!r.error.empty()) return Fail(ErrorCode::kUsage, "bad profile: " + r.error);
  return p;
}

std::string ProfileCsvHeader() {
  std::string h =
      "input_index,domain,status,error_code,error_message,final_url,company_name,description,"
      "emails,"
      "phones,addresses";
  for (const char* net : kSocialNetworks) h += std::string(",") + net;
  h += ",company_number,vat_number,country,pages,elapsed_ms\r\n";
  return h;
}

std::string ProfileToCsvRow(const Profile& p) {
  std::vector<std::string> f;
  f.push_back(std::to_string(p.input_index));
  f.push_back(p.domain);
  f.push_back(p.ok() ? "ok" : "failed");
  f.push_back(p.error ? std::string(ErrorCodeName(p.error->code)) : "");
  f.push_back(p.error ? p.error->message : "");
  f.push_back(p.final_url);
  f.push_back(p.company_name ? p.company_name->value : "");
  f.push_back(p.description ? p.description->value : "");
  f.push_back(Join(p.emails, [](const Sourced& s) { return s.value; }));
  f.push_back(Join(p.phones, [](const Phone& s) { return s.value; }));
  f.push_back(Join(p.addresses, [](const Address& a) { return a.text; }));
  for (const char* net : kSocialNetworks) {
    auto it = p.social.find(net);
    f.push_back(it == p.social.end() ? "" : it->second.value);
  }
  f.push_back(p.company_number ? p.company_number->value : "");
  f.push_back(p.vat_number ? p.vat_number->value : "");
  f.push_back(p.country.value_or(""));
  f.push_back(std::to_string(p.pages.size()));
  f.push_back(std::to_string(p.elapsed_ms));
  std::string row;
  for (size_t i = 0; i < f.size(); ++i) {
    if (i > 0) row.push_back(',');
    row += CsvField(f[i]);
  }
  row += "\r\n";
  return row;
}

}  // namespace trawl
