// A job's options: the table of known options, parsing and printing
// (job_options.h). nlohmann-json stays in this file.
#include "store/job_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/states.h"
#include "core/url.h"
#include "store/store.h"

namespace trawl {
namespace {

using Json = nlohmann::json;

// The integer options: name, field, bounds (inclusive). Defaults live in the
// struct (job_options.h).
struct IntOption {
  const char* name;
  int JobOptions::*field;
  int min;
  int max;
};
constexpr IntOption kIntOptions[] = {
    {"max_pages", &JobOptions::max_pages, 1, 100},
    {"max_attempts", &JobOptions::max_attempts, 1, 10},
};
constexpr const char* kAutoApprove = "auto_approve";
constexpr const char* kWebhookUrl = "webhook_url";
// Long enough for any real URL, short enough to keep job rows small.
constexpr size_t kMaxWebhookUrlBytes = 2048;
// An unknown key is echoed back in the error; a hostile one is cut short.
constexpr size_t kMaxEchoedKeyBytes = 64;

// Whether `value` is an integer in [min, max]; JSON numbers like 5.0 or
// 1e2 are not integers here.
bool IntegerIn(const Json& value, int min, int max, int* out) {
  if (value.is_number_unsigned()) {
    uint64_t number = value.get<uint64_t>();
    if (number > static_cast<uint64_t>(max) || static_cast<int64_t>(number) < min) return false;
    *out = static_cast<int>(number);
    return true;
  }
  if (!value.is_number_integer()) return false;
  int64_t number = value.get<int64_t>();
  if (number < min || number > max) return false;
  *out = static_cast<int>(number);
  return true;
}

// Applies one key of the options object; kUsage naming the key on a bad one.
Result<void> ApplyOption(const std::string& key, const Json& value, JobOptions* options) {
  for (const IntOption& option : kIntOptions) {
    if (key != option.name) continue;
    if (!IntegerIn(value, option.min, option.max, &(options->*option.field))) {
      return Fail(ErrorCode::kUsage, fmt::format("option '{}' must be an integer from {} to {}",
                                                 option.name, option.min, option.max));
    }
    return {};
  }
  if (key == kAutoApprove) {
    if (value.is_null()) {
      options->auto_approve.reset();
    } else if (value.is_boolean()) {
      options->auto_approve = value.get<bool>();
    } else {
      return Fail(ErrorCode::kUsage, "option 'auto_approve' must be true, false or null");
    }
    return {};
  }
  if (key == kWebhookUrl) {
    if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxWebhookUrlBytes) {
      return Fail(ErrorCode::kUsage, fmt::format("option 'webhook_url' must be a string of at "
                                                 "most {} bytes",
                                                 kMaxWebhookUrlBytes));
    }
    const std::string& url = value.get_ref<const std::string&>();
    // "" is no webhook; anything else is POSTed to, so it must be a URL the
    // sender can use (the address guard is applied when it connects).
    if (!url.empty()) {
      auto parsed = ParseUrl(url);
      bool has_space = std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
      });
      if (!parsed || parsed->host.empty() || has_space) {
        return Fail(ErrorCode::kUsage,
                    "option 'webhook_url' must be an http:// or https:// URL with a host");
      }
    }
    options->webhook_url = url;
    return {};
  }
  std::string shown =
      key.size() > kMaxEchoedKeyBytes ? key.substr(0, kMaxEchoedKeyBytes) + "..." : key;
  return Fail(ErrorCode::kUsage, fmt::format("unknown option '{}'", shown));
}

}  // namespace

Result<JobOptions> ParseJobOptions(const std::string& json) {
  JobOptions options;
  if (json.find_first_not_of(" \t\r\n") == std::string::npos) return options;
  try {
    Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Fail(ErrorCode::kUsage, "options are not valid JSON");
    if (!doc.is_object()) return Fail(ErrorCode::kUsage, "options must be a JSON object");
    for (const auto& [key, value] : doc.items()) {
      if (auto applied = ApplyOption(key, value, &options); !applied) {
        return tl::unexpected(applied.error());
      }
    }
  } catch (const Json::exception& e) {  // not expected with allow_exceptions=false
    return Fail(ErrorCode::kUsage, fmt::format("options: {}", e.what()));
  }
  return options;
}

std::string JobOptionsToJson(const JobOptions& options) {
  Json doc = Json::object();
  for (const IntOption& option : kIntOptions) doc[option.name] = options.*option.field;
  doc[kAutoApprove] = options.auto_approve ? Json(*options.auto_approve) : Json(nullptr);
  doc[kWebhookUrl] = options.webhook_url;
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string InitialApproval(const JobOptions& options, const std::string& mode) {
  // DESIGN.md §6: parallel jobs auto-approve, embedded ones queue for review.
  bool approve = options.auto_approve.value_or(mode == kModeParallel);
  return ToString(approve ? ApprovalState::kApproved : ApprovalState::kPending);
}

}  // namespace trawl
