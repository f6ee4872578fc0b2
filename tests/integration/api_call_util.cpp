#include "api_call_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace trawl::testing {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

Call Send(ApiClient& client, const std::string& method, const std::string& path,
          const std::string& body) {
  Call call;
  auto reply = client.Send(method, path, body);
  if (!reply) {
    ADD_FAILURE() << method << " " << path << ": " << reply.error().message;
    return call;
  }
  call.status = reply->status;
  call.raw = reply->body;
  call.allow = reply->Header("Allow");
  call.body = json::parse(reply->body, nullptr, false);
  if (call.body.is_discarded()) call.body = nullptr;
  return call;
}
Call Get(ApiClient& c, const std::string& path) { return Send(c, "GET", path); }
Call Post(ApiClient& c, const std::string& path, const std::string& body) {
  return Send(c, "POST", path, body);
}

std::string ErrorCode(const Call& call) {
  if (!call.body.is_object() || !call.body.contains("error"))
    return "(no error object: " + call.raw + ")";
  return call.body["error"].value("code", "");
}
std::string ErrorMessage(const Call& call) {
  if (!call.body.is_object() || !call.body.contains("error")) return "";
  return call.body["error"].value("message", "");
}

json WaitForJob(ApiClient& client, const std::string& id, int timeout_s) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  json last;
  while (Clock::now() < deadline) {
    Call s = Get(client, "/api/status/" + id + "?limit=0");
    if (s.status == 200) {
      last = s.body;
      std::string state = last.value("status", "");
      if (state == "completed" || state == "cancelled") return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "job " << id << " did not finish in " << timeout_s << " s: " << last.dump();
  return last;
}

// Farm flags for a server whose embedded jobs crawl the farm.
std::vector<std::string> FarmFlags(const FarmProcess& farm) {
  return {"--allow-private", "--connect-to", farm.connect_to(), "--timeout", "10"};
}

std::vector<std::string> EmbeddedServeArgs(const TempDir& dir, std::vector<std::string> extra) {
  std::vector<std::string> args = {"serve",   "--port", "0", "--db", dir.File("trawl.db"),
                                   "--redis", ""};
  if (extra.empty()) {
    extra = {"--allow-private", "--connect-to",
             "::127.0.0.1:" + std::to_string(FreeLoopbackPort())};
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace trawl::testing
