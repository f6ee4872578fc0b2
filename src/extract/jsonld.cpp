// JSON-LD flattening on nlohmann::json (non-throwing parse).
#include "extract/jsonld.h"

#include <nlohmann/json.hpp>

namespace trawl {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 12;

std::string StripSchema(std::string t) {
  for (std::string_view p : {"https://schema.org/", "http://schema.org/", "schema:"}) {
    if (t.starts_with(p)) return t.substr(p.size());
  }
  return t;
}

// Real pages carry raw control characters inside strings and trailing
// commas; those two are repaired, nothing else.
std::string Repair(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  bool in_string = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (in_string) {
      if (c == '\\' && i + 1 < in.size()) {
        out.push_back(c);
        out.push_back(in[++i]);
        continue;
      }
      if (c == '"') in_string = false;
      out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '}' || c == ']') {
      size_t j = out.find_last_not_of(" \t\r\n");
      if (j != std::string::npos && out[j] == ',') out.erase(j, 1);
    }
    out.push_back(c);
  }
  return out;
}

std::string Scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();
  return {};
}

void Walk(const json& v, int depth, std::vector<LdNode>& out);

void AddProps(const json& obj, const std::string& prefix, int depth, LdNode& node,
              std::vector<LdNode>& out) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    if (key == "@context" || key == "@type") continue;
    std::string name = prefix.empty() ? key : std::string(prefix).append(".").append(key);
    const json& v = it.value();
    auto take = [&](const json& x) {
      if (x.is_object()) {
        if (prefix.empty()) AddProps(x, name, depth + 1, node, out);
        Walk(x, depth + 1, out);
      } else if (std::string s = Scalar(x); !s.empty()) {
        node.props.emplace_back(name, std::move(s));
      }
    };
    if (v.is_array()) {
      for (const json& x : v) take(x);
    } else {
      take(v);
    }
  }
}

void Walk(const json& v, int depth, std::vector<LdNode>& out) {
  if (depth > kMaxDepth) return;
  if (v.is_array()) {
    for (const json& x : v) Walk(x, depth + 1, out);
    return;
  }
  if (!v.is_object()) return;
  if (auto g = v.find("@graph"); g != v.end()) Walk(*g, depth + 1, out);
  auto t = v.find("@type");
  if (t == v.end()) return;
  LdNode node;
  if (t->is_string()) node.types.push_back(StripSchema(t->get<std::string>()));
  if (t->is_array()) {
    for (const json& x : *t) {
      if (x.is_string()) node.types.push_back(StripSchema(x.get<std::string>()));
    }
  }
  size_t at = out.size();
  out.emplace_back();
  AddProps(v, "", depth, node, out);
  out[at] = std::move(node);
}

}  // namespace

bool LdNode::Is(std::string_view type) const {
  for (const auto& t : types) {
    if (t == type) return true;
  }
  return false;
}

bool LdNode::IsOrganization() const {
  static constexpr std::string_view kNotOrg[] = {"WebSite",
                                                 "WebPage",
                                                 "BreadcrumbList",
                                                 "ListItem",
                                                 "Person",
                                                 "ImageObject",
                                                 "Product",
                                                 "Offer",
                                                 "Article",
                                                 "BlogPosting",
                                                 "NewsArticle",
                                                 "FAQPage",
                                                 "Question",
                                                 "Answer",
                                                 "SearchAction",
                                                 "Review",
                                                 "Rating",
                                                 "AggregateRating",
                                                 "PostalAddress",
                                                 "GeoCoordinates",
                                                 "ContactPoint",
                                                 "OpeningHoursSpecification",
                                                 "ItemList",
                                                 "SiteNavigationElement",
                                                 "ReadAction",
                                                 "EntryPoint",
                                                 "Service",
                                                 "Event",
                                                 "VideoObject",
                                                 "CollectionPage",
                                                 "AboutPage",
                                                 "ContactPage",
                                                 "Place",
                                                 "Country",
                                                 "City",
                                                 "State",
                                                 "AdministrativeArea",
                                                 "Menu",
                                                 "MenuItem",
                                                 "HowTo",
                                                 "Recipe",
                                                 "PropertyValue",
                                                 "MonetaryAmount",
                                                 "QuantitativeValue",
                                                 "OfferCatalog",
                                                 "Brand",
                                                 "Thing"};
  if (types.empty()) return false;
  for (const auto& t : types) {
    bool excluded = false;
    for (std::string_view n : kNotOrg) excluded = excluded || t == n;
    if (!excluded) return true;
  }
  return false;
}

std::string LdNode::Get(std::string_view key) const {
  for (const auto& [k, v] : props) {
    if (k == key) return v;
  }
  return {};
}

std::vector<std::string> LdNode::GetAll(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : props) {
    if (k == key) out.push_back(v);
  }
  return out;
}

std::vector<LdNode> ParseJsonLd(const Document& doc) {
  std::vector<LdNode> out;
  for (const std::string& raw : doc.json_ld) {
    json j = json::parse(raw, nullptr, false);
    if (j.is_discarded()) j = json::parse(Repair(raw), nullptr, false);
    if (j.is_discarded()) continue;
    Walk(j, 0, out);
  }
  return out;
}

}  // namespace trawl
