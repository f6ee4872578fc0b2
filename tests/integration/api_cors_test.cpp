// CORS on `trawl serve`: off unless --cors-origin names an origin; then that
// origin (only) gets Access-Control-Allow-Origin, and its preflight is
// answered without the token. Requests go over real HTTP with libcurl, which
// lets the test send the Origin and preflight headers a browser would.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "api_call_util.h"
#include "serve_util.h"

namespace trawl::testing {
namespace {

struct HttpReply {
  long status = 0;
  std::string headers;  // raw, lower-cased
};

size_t KeepHeader(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}
size_t DropBody(char*, size_t size, size_t n, void*) { return size * n; }

HttpReply Request(const std::string& method, const std::string& url,
                  const std::vector<std::string>& headers) {
  HttpReply reply;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, KeepHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, DropBody);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  std::transform(reply.headers.begin(), reply.headers.end(), reply.headers.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return reply;
}

bool Has(const HttpReply& r, const std::string& header_line) {
  return r.headers.find(header_line) != std::string::npos;
}

TEST(ApiCors, OffByDefault) {
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir));
  ASSERT_SERVING(server);
  HttpReply r = Request("GET", server.url() + "/api/health", {"Origin: http://ui.example"});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(Has(r, "access-control-allow-origin")) << r.headers;
  HttpReply pre = Request("OPTIONS", server.url() + "/api/process",
                          {"Origin: http://ui.example", "Access-Control-Request-Method: POST"});
  EXPECT_NE(pre.status, 204);
  EXPECT_FALSE(Has(pre, "access-control-allow-origin")) << pre.headers;
}

TEST(ApiCors, OnlyTheNamedOriginIsAllowedAndItsPreflightNeedsNoToken) {
  TempDir dir;
  std::vector<std::string> args = EmbeddedServeArgs(dir);
  args.insert(args.end(), {"--cors-origin", "http://ui.example", "--token", "s3cret"});
  ServeProcess server(args);
  ASSERT_SERVING(server);
  std::string health = server.url() + "/api/health";

  HttpReply ok =
      Request("GET", health, {"Origin: http://ui.example", "Authorization: Bearer s3cret"});
  EXPECT_EQ(ok.status, 200);
  EXPECT_TRUE(Has(ok, "access-control-allow-origin: http://ui.example\r\n")) << ok.headers;

  HttpReply other =
      Request("GET", health, {"Origin: http://evil.example", "Authorization: Bearer s3cret"});
  EXPECT_EQ(other.status, 200);
  EXPECT_FALSE(Has(other, "access-control-allow-origin")) << other.headers;

  HttpReply pre = Request("OPTIONS", server.url() + "/api/process",
                          {"Origin: http://ui.example", "Access-Control-Request-Method: POST",
                           "Access-Control-Request-Headers: authorization, content-type"});
  EXPECT_EQ(pre.status, 204);
  EXPECT_TRUE(Has(pre, "access-control-allow-methods: get, post, options")) << pre.headers;
  EXPECT_TRUE(Has(pre, "access-control-allow-headers: authorization, content-type")) << pre.headers;

  // The token still guards the real request, whatever the origin.
  HttpReply no_token = Request("GET", health, {"Origin: http://ui.example"});
  EXPECT_EQ(no_token.status, 401);
}

}  // namespace
}  // namespace trawl::testing
