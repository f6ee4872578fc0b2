// ApiClient on httplib::Client.
#include "api/client.h"

#include <httplib.h>
#include <strings.h>

namespace trawl {
namespace {

Result<std::unique_ptr<httplib::Client>> MakeClient(const std::string& server, int timeout_ms) {
  if (!server.starts_with("http://") && !server.starts_with("https://")) {
    return Fail(ErrorCode::kUsage,
                "server URL must start with http:// or https://: '" + server + "'");
  }
  std::string base = server;
  while (base.size() > 8 && base.back() == '/') base.pop_back();
  auto client = std::make_unique<httplib::Client>(base);
  if (!client->is_valid())
    return Fail(ErrorCode::kUsage, "not a usable server URL: '" + server + "'");
  time_t secs = timeout_ms / 1000;
  time_t usecs = time_t{timeout_ms % 1000} * 1000;
  client->set_connection_timeout(secs, usecs);
  client->set_read_timeout(secs, usecs);
  client->set_write_timeout(secs, usecs);
  return client;
}

Result<ApiReply> ToReply(const httplib::Result& result, const std::string& server) {
  if (!result) {
    return Fail(ErrorCode::kUnavailable,
                "no answer from " + server + ": " + httplib::to_string(result.error()));
  }
  ApiReply reply;
  reply.status = result->status;
  reply.body = result->body;
  for (const auto& [name, value] : result->headers) reply.headers.emplace_back(name, value);
  return reply;
}

}  // namespace

std::string ApiReply::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (strcasecmp(n.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

ApiClient::ApiClient(std::string server, std::string token, int timeout_ms)
    : server_(std::move(server)), token_(std::move(token)), timeout_ms_(timeout_ms) {}

ApiClient::~ApiClient() = default;

Result<ApiReply> ApiClient::Get(const std::string& path_and_query) {
  return Send("GET", path_and_query);
}

Result<ApiReply> ApiClient::Post(const std::string& path, const std::string& body,
                                 const std::string& content_type) {
  auto client = MakeClient(server_, timeout_ms_);
  if (!client) return tl::unexpected(client.error());
  httplib::Headers headers;
  if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
  return ToReply((*client)->Post(path, headers, body, content_type), server_);
}

Result<ApiReply> ApiClient::Send(const std::string& method, const std::string& path,
                                 const std::string& body) {
  if (method == "POST") return Post(path, body);
  auto client = MakeClient(server_, timeout_ms_);
  if (!client) return tl::unexpected(client.error());
  httplib::Request req;
  req.method = method;
  req.path = path;
  if (!token_.empty()) req.set_header("Authorization", "Bearer " + token_);
  if (!body.empty()) {
    req.body = body;
    req.set_header("Content-Type", "application/json");
  }
  return ToReply((*client)->send(req), server_);
}

}  // namespace trawl
