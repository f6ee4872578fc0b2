// Request bodies and query parameters → validated values, or a 400.
#include "api/request_parsing.h"

#include <fmt/core.h>

#include <charconv>
#include <unordered_set>

#include "core/domain.h"

namespace trawl::api {
namespace {

bool IsSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ',' ||
         c == ';';
}

// A whole decimal number in [lo, hi], or nullopt.
std::optional<int64_t> ParseWhole(const std::string& text, int64_t lo, int64_t hi) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < lo || value > hi)
    return std::nullopt;
  return value;
}

ApiResult<std::vector<std::string>> ReadDomainsField(const nlohmann::json& body) {
  auto it = body.find("domains");
  if (it == body.end() || it->is_null()) {
    return Refuse(400, "bad_request",
                  "field 'domains' is required: an array of strings or one string");
  }
  if (it->is_string()) return SplitDomainText(it->get_ref<const std::string&>());
  if (!it->is_array()) {
    return Refuse(400, "bad_request",
                  fmt::format("field 'domains' must be an array of strings or a string, not {}",
                              it->type_name()));
  }
  std::vector<std::string> inputs;
  inputs.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const nlohmann::json& item = (*it)[i];
    if (!item.is_string()) {
      return Refuse(
          400, "bad_request",
          fmt::format("field 'domains[{}]' must be a string, not {}", i, item.type_name()));
    }
    inputs.push_back(item.get<std::string>());
  }
  return inputs;
}

ApiResult<JobOptions> ReadOptionsField(const nlohmann::json& body, std::string& json_out) {
  auto it = body.find("options");
  std::string text = "{}";
  if (it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      return Refuse(400, "bad_request",
                    fmt::format("field 'options' must be an object, not {}", it->type_name()));
    }
    text = it->dump();
  }
  auto options = ParseJobOptions(text);
  if (!options) return Refuse(400, "bad_options", options.error().message);
  json_out = JobOptionsToJson(*options);
  return *options;
}

}  // namespace

std::vector<std::string> SplitDomainText(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || IsSeparator(text[i])) {
      if (i > start) out.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

DomainList NormalizeInputs(const std::vector<std::string>& inputs) {
  DomainList list;
  std::unordered_set<std::string> seen;
  seen.reserve(inputs.size());
  for (const std::string& input : inputs) {
    auto domain = NormalizeDomain(input);
    if (!domain) {
      list.rejected.push_back({input, domain.error().message});
    } else if (seen.insert(domain->ascii).second) {
      list.domains.push_back(std::move(domain->ascii));
    } else {
      ++list.duplicates;
    }
  }
  return list;
}

ApiResult<JobRequest> ParseJobRequest(std::string_view body, int64_t max_job_domains) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Refuse(400, "bad_json", "the request body is not valid JSON");
  if (!json.is_object()) {
    return Refuse(400, "bad_request",
                  fmt::format("the request body must be a JSON object, not {}", json.type_name()));
  }
  auto inputs = ReadDomainsField(json);
  if (!inputs) return tl::unexpected(inputs.error());
  JobRequest request;
  auto options = ReadOptionsField(json, request.options_json);
  if (!options) return tl::unexpected(options.error());
  request.options = *options;
  request.domains = NormalizeInputs(*inputs);
  if (request.domains.domains.empty()) {
    std::string why = inputs->empty()
                          ? "no domains were given"
                          : fmt::format("none of the {} inputs is a valid domain", inputs->size());
    return Refuse(400, "no_domains", why);
  }
  auto count = static_cast<int64_t>(request.domains.domains.size());
  if (count > max_job_domains) {
    return Refuse(400, "too_many_domains",
                  fmt::format("{} distinct domains; a job takes at most {} (--max-job-domains)",
                              count, max_job_domains));
  }
  return request;
}

ApiResult<Paging> ParsePaging(const std::optional<std::string>& limit,
                              const std::optional<std::string>& offset) {
  Paging paging;
  if (limit) {
    auto value = ParseWhole(*limit, 0, kMaxPageLimit);
    if (!value) {
      return Refuse(
          400, "bad_request",
          fmt::format("parameter 'limit' must be a whole number from 0 to {}", kMaxPageLimit));
    }
    paging.limit = static_cast<int>(*value);
  }
  if (offset) {
    auto value = ParseWhole(*offset, 0, int64_t{1} << 53);
    if (!value) return Refuse(400, "bad_request", "parameter 'offset' must be a whole number >= 0");
    paging.offset = *value;
  }
  return paging;
}

}  // namespace trawl::api
