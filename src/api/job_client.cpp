// The API's client side for `trawl submit` and `trawl status` (job_client.h).
#include "api/job_client.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "api/client.h"
#include "core/states.h"

namespace trawl {
namespace {

using nlohmann::json;

constexpr int kRequestTimeoutMs = 60'000;

// "code: message" from an error body, or the status and the raw body.
std::string Explain(const ApiReply& reply) {
  json body = json::parse(reply.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    return "HTTP " + std::to_string(reply.status) + " " + body["error"].value("code", "") + ": " +
           body["error"].value("message", "");
  }
  return "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 300);
}

// "key=value": the value as JSON when it reads as a number, boolean or
// null, else as a string.
bool AddOption(const std::string& item, json& options) {
  size_t eq = item.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  std::string value = item.substr(eq + 1);
  json parsed = json::parse(value, nullptr, false);
  options[item.substr(0, eq)] =
      parsed.is_discarded() || parsed.is_object() || parsed.is_array() || parsed.is_string()
          ? json(value)
          : parsed;
  return true;
}

// GET /api/status/<id>?limit=…; the parsed body, or null after printing why.
json FetchStatus(ApiClient& client, const std::string& id, const std::string& query,
                 const char* who) {
  auto reply = client.Get("/api/status/" + id + query);
  if (!reply) {
    std::fprintf(stderr, "%s: %s\n", who, reply.error().message.c_str());
    return nullptr;
  }
  if (reply->status != 200) {
    std::fprintf(stderr, "%s: %s\n", who, Explain(*reply).c_str());
    return nullptr;
  }
  json body = json::parse(reply->body, nullptr, false);
  if (body.is_discarded()) {
    std::fprintf(stderr, "%s: the server's answer is not JSON\n", who);
    return nullptr;
  }
  return body;
}

// Polls every second until the job is completed or cancelled, or
// `timeout_s` passes. Returns the last status, or null.
json WaitForJob(ApiClient& client, const std::string& id, double timeout_s) {
  const bool tty = isatty(STDERR_FILENO);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  std::string last_line;
  int failures = 0;
  for (;;) {
    json status = FetchStatus(client, id, "?limit=0", "trawl submit");
    if (status.is_null()) {
      if (++failures >= 30) return nullptr;  // half a minute without an answer
    } else {
      failures = 0;
      std::string line = "job " + id + ": " + status.value("status", "?") + "  " +
                         std::to_string(status.value("completed", 0) + status.value("failed", 0)) +
                         "/" + std::to_string(status.value("total", 0)) + " done (" +
                         std::to_string(status.value("completed", 0)) + " ok, " +
                         std::to_string(status.value("failed", 0)) + " failed)  " +
                         std::to_string(static_cast<int>(status.value("domains_per_minute", 0.0))) +
                         " domains/min";
      if (tty) {
        std::fprintf(stderr, "\r%s   ", line.c_str());
      } else if (line != last_line) {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
      last_line = line;
      std::string state = status.value("status", "");
      if (IsFinalJobStatus(state)) {
        if (tty) std::fputc('\n', stderr);
        return status;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (tty) std::fputc('\n', stderr);
      std::fprintf(stderr, "trawl submit: still not finished after %.0f s (job %s)\n", timeout_s,
                   id.c_str());
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

int SubmitJob(const SubmitOptions& o) {
  const std::vector<std::string>& option_items = o.option_items;
  const bool embedded = o.embedded, wait = o.wait, as_json = o.json;
  const double wait_timeout_s = o.wait_timeout_s;
  const std::string& text = o.domains_text;
  json options = json::object();
  for (const std::string& item : option_items) {
    if (!AddOption(item, options)) {
      std::fprintf(stderr, "trawl submit: --option wants key=value, not '%s'\n", item.c_str());
      return 2;
    }
  }

  ApiClient client(o.server, o.token, kRequestTimeoutMs);
  json request = {{"domains", text}, {"options", options}};
  auto reply = client.Post(embedded ? "/api/process" : "/api/process_redis", request.dump());
  if (!reply) {
    std::fprintf(stderr, "trawl submit: %s\n", reply.error().message.c_str());
    return reply.error().code == ErrorCode::kUsage ? 2 : 1;
  }
  if (reply->status != 202 && reply->status != 200) {
    std::fprintf(stderr, "trawl submit: %s\n", Explain(*reply).c_str());
    return 1;
  }
  json job = json::parse(reply->body, nullptr, false);
  if (job.is_discarded() || !job.contains("job_id")) {
    std::fprintf(stderr, "trawl submit: unexpected answer: %s\n",
                 reply->body.substr(0, 300).c_str());
    return 1;
  }
  std::string id = job.value("job_id", "");
  for (const auto& r : job.value("rejected", json::array())) {
    std::fprintf(stderr, "trawl submit: rejected '%s': %s\n", r.value("input", "").c_str(),
                 r.value("reason", "").c_str());
  }
  std::fprintf(stderr, "trawl submit: job %s: %lld domains, mode %s%s\n", id.c_str(),
               static_cast<long long>(job.value("total", 0)), job.value("mode", "").c_str(),
               job.contains("fallback_reason")
                   ? (" (" + job.value("fallback_reason", "") + ")").c_str()
                   : "");
  if (!wait) {
    std::printf("%s\n", as_json ? job.dump().c_str() : id.c_str());
    return 0;
  }
  if (!as_json) std::printf("%s\n", id.c_str());
  std::fflush(stdout);
  json final_status = WaitForJob(client, id, wait_timeout_s);
  if (final_status.is_null()) return 1;
  if (as_json) {
    json full = FetchStatus(client, id, "", "trawl submit");
    std::printf("%s\n", (full.is_null() ? final_status : full).dump().c_str());
  }
  return Is(final_status.value("status", ""), JobStatus::kCompleted) ? 0 : 1;
}

int PrintJobStatus(const std::string& server, const std::string& token, const std::string& id,
                   int limit, int64_t offset) {
  if (id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
      std::string::npos) {
    std::fprintf(stderr, "trawl status: '%s' is not a job id\n", id.c_str());
    return 2;
  }
  ApiClient client(server, token, kRequestTimeoutMs);
  json status = FetchStatus(client, id,
                            "?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset),
                            "trawl status");
  if (status.is_null()) return 1;
  std::printf("%s\n", status.dump(2).c_str());
  return 0;
}

}  // namespace trawl
