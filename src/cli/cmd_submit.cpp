// The client side of the API: `trawl submit DOMAIN… [--wait]` posts a job
// and prints its id; `trawl status JOB_ID` prints the job's status JSON.
// HTTP goes through src/api/client.h, so httplib stays out of the CLI.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/client.h"
#include "cli/commands.h"

namespace trawl {
namespace {

using nlohmann::json;

constexpr int kRequestTimeoutMs = 60'000;

struct ClientFlags {
  std::string server = "http://127.0.0.1:8000";
  std::string token;

  void Add(CLI::App& app) {
    app.add_option("--server", server, "the API server's URL")
        ->envname("TRAWL_SERVER")
        ->capture_default_str();
    app.add_option("--token", token, "bearer token of the server (trawl serve --token)")
        ->envname("TRAWL_API_TOKEN");
  }
};

// "code: message" from an error body, or the status and the raw body.
std::string Explain(const ApiReply& reply) {
  json body = json::parse(reply.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    return "HTTP " + std::to_string(reply.status) + " " + body["error"].value("code", "") + ": " +
           body["error"].value("message", "");
  }
  return "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 300);
}

// Reads inputs from FILE ('-' for stdin); the server splits them, so lines
// only lose their '#' comments here.
bool ReadInputs(const std::string& path, std::string& text) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return false;
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    text += line.substr(0, line.find('#'));
    text += '\n';
  }
  return true;
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
      if (state == "completed" || state == "cancelled") {
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

int RunSubmit(int argc, char** argv) {
  CLI::App app{"Submit domains to a trawl API server and print the job id."};
  app.name("trawl submit");
  std::vector<std::string> domains;
  std::vector<std::string> files;
  std::vector<std::string> option_items;
  bool embedded = false, wait = false, as_json = false;
  double wait_timeout_s = 86'400;
  ClientFlags flags;
  app.add_option("domains", domains, "domains or URLs");
  app.add_option("-f,--file", files, "read inputs from FILE ('-' for stdin)")
      ->allow_extra_args(false);
  flags.Add(app);
  app.add_flag("--embedded", embedded,
               "run the job inside the API server (POST /api/process) instead of on workers");
  app.add_flag("--wait", wait, "poll the status every second until the job is finished");
  app.add_option("--wait-timeout", wait_timeout_s, "seconds --wait waits at most")
      ->check(CLI::Range(1.0, 30.0 * 86'400))
      ->capture_default_str();
  app.add_flag("--json", as_json, "print the server's JSON (with --wait: the final status)");
  app.add_option("--option", option_items,
                 "job option key=value (max_pages, auto_approve, max_attempts)")
      ->allow_extra_args(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  json options = json::object();
  for (const std::string& item : option_items) {
    if (!AddOption(item, options)) {
      std::fprintf(stderr, "trawl submit: --option wants key=value, not '%s'\n", item.c_str());
      return 2;
    }
  }
  std::string text;
  for (const std::string& d : domains) text += d + "\n";
  for (const std::string& f : files) {
    if (!ReadInputs(f, text)) {
      std::fprintf(stderr, "trawl submit: cannot read %s\n", f.c_str());
      return 2;
    }
  }
  if (text.find_first_not_of(" \t\r\n,;") == std::string::npos) {
    std::fprintf(stderr, "trawl submit: no domains given (arguments or -f FILE)\n");
    return 2;
  }

  ApiClient client(flags.server, flags.token, kRequestTimeoutMs);
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
  return final_status.value("status", "") == "completed" ? 0 : 1;
}

int RunStatus(int argc, char** argv) {
  CLI::App app{"Print a job's status JSON from a trawl API server."};
  app.name("trawl status");
  std::string id;
  int limit = 100;
  int64_t offset = 0;
  ClientFlags flags;
  app.add_option("job_id", id, "the job id trawl submit printed")->required();
  flags.Add(app);
  app.add_option("--limit", limit, "approved profiles to include (0..1000)")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  app.add_option("--offset", offset, "approved profiles to skip")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
      std::string::npos) {
    std::fprintf(stderr, "trawl status: '%s' is not a job id\n", id.c_str());
    return 2;
  }
  ApiClient client(flags.server, flags.token, kRequestTimeoutMs);
  json status = FetchStatus(client, id,
                            "?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset),
                            "trawl status");
  if (status.is_null()) return 1;
  std::printf("%s\n", status.dump(2).c_str());
  return 0;
}

}  // namespace trawl
