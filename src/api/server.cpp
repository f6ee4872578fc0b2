// ApiServer: cpp-httplib glue around the route table (routes.h). httplib
// stays in this file and client.cpp; handlers see ApiRequest/ApiResponse.
#include "api/server.h"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <httplib.h>
#include <sys/socket.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/context.h"
#include "api/routes.h"
#include "api/ui_assets.h"
#include "api/webhook.h"
#include "fetch/fetch_metrics.h"

#ifndef TRAWL_VERSION
#define TRAWL_VERSION "unknown"
#endif

namespace trawl {
namespace {

// Requests served at once. A live event stream (GET /api/events) holds a
// thread while its client stays, so at most kMaxEventStreams of them: the
// rest of the pool keeps answering everything else.
constexpr int kHttpThreads = 64;
constexpr size_t kMaxEventStreams = 48;
constexpr int kListenBacklog = 1024;       // connections waiting for accept
constexpr int64_t kRunnerGraceMs = 5'000;  // embedded tasks left are resumed on restart
constexpr time_t kReadTimeoutS = 30;       // a client that stalls mid-body is dropped
constexpr time_t kWriteTimeoutS = 30;

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

void WriteResponse(const api::ApiResponse& out, httplib::Response& res) {
  res.status = out.status;
  if (out.stream) {
    // Sent chunked as the handler produces it (exports): httplib calls the
    // provider until done() or a false return. An empty write would end
    // httplib's loop without the final chunk, so empty pieces are skipped.
    res.set_chunked_content_provider(
        out.content_type, [stream = out.stream](size_t, httplib::DataSink& sink) {
          std::string chunk;
          api::StreamStep step = stream(chunk);
          if (step == api::StreamStep::kFailed) return false;
          if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
          if (step == api::StreamStep::kDone) sink.done();
          return true;
        });
  } else if (out.text) {
    res.set_content(*out.text, out.content_type);
  } else {
    // Rejected inputs may hold any bytes a client sent: never throw on them.
    res.set_content(out.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  }
  for (const auto& [name, value] : out.headers) res.set_header(name, value);
}

std::string MessageForStatus(int status, int64_t max_body_bytes) {
  switch (status) {
    case 400:
      return "malformed HTTP request";
    case 404:
      return "not found";
    case 413:
      return fmt::format("the request body is larger than {} bytes (trawl serve --max-body-mb)",
                         max_body_bytes);
    case 414:
      return "the request URI is too long";
    default:
      return fmt::format("HTTP status {}", status);
  }
}

// The web page's files (ui_assets.h), for GET and HEAD: no token (they hold
// no data; the page sends it on its /api calls). True when `req` named an
// asset and it was answered (200, or 304 when the browser's copy is current).
bool ServeUiAsset(const httplib::Request& req, httplib::Response& res) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  const api::UiAsset* asset = api::FindUiAsset(req.path);
  if (asset == nullptr) return false;
  for (const auto& [name, value] : api::UiAssetHeaders()) {
    res.set_header(std::string(name), std::string(value));
  }
  res.set_header("ETag", std::string(asset->etag));
  if (req.get_header_value("If-None-Match") == asset->etag) {
    res.status = 304;
    return true;
  }
  res.set_content(asset->body.data(), asset->body.size(), std::string(asset->content_type));
  return true;
}

}  // namespace

struct ApiServer::Impl {
  explicit Impl(ServerOptions o) : options(std::move(o)) {}

  ServerOptions options;
  std::unique_ptr<Store> store;
  std::unique_ptr<api::EventHub> events;  // before the runner: it publishes here
  std::unique_ptr<EmbeddedRunner> runner;
  std::unique_ptr<api::QueuePool> queues;
  std::unique_ptr<WebhookSender> webhooks;  // uses the store: stopped before it goes
  std::unique_ptr<api::RedisEventListener> redis_events;
  api::ApiContext ctx;
  httplib::Server http;
  std::thread listener;
  int port = 0;
  // --ui-port: the same page and API on a second port (e.g. :3000), set up
  // by the same SetUpHttp and started and stopped with the first.
  std::unique_ptr<httplib::Server> ui_http;
  std::thread ui_listener;

  std::mutex stop_mu;  // held through Stop: it may be called from two threads
  std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  std::vector<int> listen_sockets;  // made by httplib, awaiting the larger backlog
  bool listening = false;           // the listener thread runs
  bool stopped = false;

  Result<void> Bind();
  void SetUpHttp(httplib::Server& server);
  // Adds CORS headers when --cors-origin allows the request's Origin; true when
  // it answered a preflight (nothing more to do).
  bool HandleCors(const httplib::Request& req, httplib::Response& res);
  void Serve(const httplib::Request& req, std::string body, httplib::Response& res);
  void ServeWithBody(const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader);
};

// CORS, only when --cors-origin names an origin: the allowed origin is
// echoed on its requests, and its preflights are answered here, before the
// token check (browsers send preflights without credentials).
bool ApiServer::Impl::HandleCors(const httplib::Request& req, httplib::Response& res) {
  const std::string& allowed = options.cors_origin;
  if (allowed.empty() || !req.has_header("Origin")) return false;
  std::string origin = req.get_header_value("Origin");
  if (allowed != "*" && origin != allowed) return false;
  res.set_header("Access-Control-Allow-Origin", allowed == "*" ? "*" : origin);
  res.set_header("Vary", "Origin");
  if (req.method != "OPTIONS" || !req.has_header("Access-Control-Request-Method")) return false;
  res.status = 204;
  res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
  res.set_header("Access-Control-Max-Age", "600");
  return true;
}

void ApiServer::Impl::Serve(const httplib::Request& req, std::string body, httplib::Response& res) {
  if (ServeUiAsset(req, res)) return;
  if (HandleCors(req, res)) return;
  api::ApiRequest request;
  request.method = req.method;
  request.path = req.path;
  request.query.insert(req.params.begin(), req.params.end());
  request.body = std::move(body);
  request.authorization = req.get_header_value("Authorization");
  WriteResponse(api::Dispatch(ctx, std::move(request)), res);
}

// Bodies are read here rather than by httplib: httplib refuses a body over
// 8 KB sent as application/x-www-form-urlencoded (what `curl -d` sends when
// no Content-Type is given) with a bare 413; we read JSON whatever the
// declared type, up to max_body_bytes.
void ApiServer::Impl::ServeWithBody(const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& reader) {
  const int64_t max_body = options.max_body_bytes;
  if (req.is_multipart_form_data()) {
    res.set_header("Connection", "close");  // the unread body must not be taken for a request
    WriteResponse(api::ErrorResponse(415, "unsupported_media_type",
                                     "send the request as JSON, not multipart/form-data"),
                  res);
    return;
  }
  std::string body;
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
    // No body announced (`curl -X POST` sends neither): an empty body, not
    // a read until the client closes.
    Serve(req, std::move(body), res);
    return;
  }
  bool too_large = false;
  bool read = reader([&](const char* data, size_t n) {
    // httplib checks Content-Length against the limit; this also bounds
    // chunked bodies, which have none.
    if (static_cast<int64_t>(body.size() + n) > max_body) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (!read || too_large) {
    int status = too_large || res.status == 413 ? 413 : 400;
    res.set_header("Connection", "close");
    WriteResponse(api::ErrorResponse(status, api::CodeForStatus(status),
                                     status == 413 ? MessageForStatus(413, max_body)
                                                   : "the request body could not be read"),
                  res);
    return;
  }
  Serve(req, std::move(body), res);
}

void ApiServer::Impl::SetUpHttp(httplib::Server& server) {
  // Debian's libcpp-httplib is built to listen with a backlog of 5 (a burst
  // of clients connecting at once gets dropped connections) and with
  // SO_REUSEPORT (a second server on a busy port would silently share it).
  // Our own options: SO_REUSEADDR only; the backlog is raised after binding.
  server.set_socket_options([this](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    std::lock_guard lock(mu);
    listen_sockets.push_back(sock);
  });
  // Answers go out at once: with Nagle's algorithm a keep-alive client
  // waited for the delayed ACK (about 40 ms) on every request.
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  server.set_payload_max_length(static_cast<size_t>(options.max_body_bytes));
  server.set_read_timeout(kReadTimeoutS, 0);
  server.set_write_timeout(kWriteTimeoutS, 0);
  // One handler for every path and method: our own table tells 404 from 405
  // (httplib's patterns cannot), and every answer is JSON but the web page's
  // files (ServeUiAsset).
  auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    Serve(req, req.body, res);
  };
  auto serve_with_body = [this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
    ServeWithBody(req, res, reader);
  };
  server.Get(".*", serve);
  server.Options(".*", serve);
  server.Post(".*", serve_with_body);
  server.Put(".*", serve_with_body);
  server.Patch(".*", serve_with_body);
  server.Delete(".*", serve_with_body);
  // httplib answers some requests itself (over-size body → 413, a malformed
  // request → 400) with an empty body; give those our JSON error too.
  int64_t max_body = options.max_body_bytes;
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        api::ApiResponse out = api::ErrorResponse(res.status, api::CodeForStatus(res.status),
                                                  MessageForStatus(res.status, max_body));
        WriteResponse(out, res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        WriteResponse(api::ErrorResponse(500, "internal", "internal error: " + what), res);
      });
}

Result<void> ApiServer::Impl::Bind() {
  if (options.port == 0) {
    port = http.bind_to_any_port(options.host);
    if (port <= 0) return Fail(ErrorCode::kIo, "cannot listen on " + options.host + " (any port)");
    return {};
  }
  if (!http.bind_to_port(options.host, options.port)) {
    return Fail(ErrorCode::kIo,
                fmt::format("cannot listen on {}:{} (in use, or not an address of this machine?)",
                            options.host, options.port));
  }
  port = options.port;
  return {};
}

ApiServer::ApiServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ApiServer::~ApiServer() { Stop(); }

Result<void> ApiServer::Start() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.started) return Fail(ErrorCode::kUsage, "the API server was already started");
    s.started = true;
  }
  // The embedded runner's fetches are counted for GET /metrics.
  if (!s.options.crawl.fetch.fetch_metrics) {
    s.options.crawl.fetch.fetch_metrics = std::make_shared<FetchMetrics>();
  }
  const ServerOptions& o = s.options;
  if (o.token.empty() && !o.insecure_no_auth && !IsLoopbackHost(o.host)) {
    return Fail(ErrorCode::kUsage,
                "refusing to listen on " + o.host +
                    " without a token: anyone who reaches it could submit jobs. Set --token "
                    "(or TRAWL_API_TOKEN), listen on 127.0.0.1, or pass --insecure-no-auth");
  }
  if (o.max_job_domains < 1) return Fail(ErrorCode::kUsage, "max_job_domains must be at least 1");
  if (o.max_body_bytes < 1024)
    return Fail(ErrorCode::kUsage, "max_body_bytes must be at least 1024");

  auto store = Store::Open(o.db_url);
  if (!store) return tl::unexpected(store.error());
  s.store = std::move(*store);
  s.events = std::make_unique<api::EventHub>(kMaxEventStreams);
  s.runner = std::make_unique<EmbeddedRunner>(
      o.db_url, o.crawl,
      [hub = s.events.get()](const std::string& json) { hub->PublishJson(json); });
  if (auto ok = s.runner->Start(); !ok) {
    s.runner.reset();
    return ok;
  }
  s.queues = std::make_unique<api::QueuePool>(o.redis, kHttpThreads);
  s.ctx.options = o;
  s.ctx.version = TRAWL_VERSION;
  s.ctx.store = s.store.get();
  s.ctx.runner = s.runner.get();
  s.ctx.queues = s.queues.get();
  s.ctx.fetch_metrics = o.crawl.fetch.fetch_metrics;
  s.ctx.events = s.events.get();
  if (o.redis) s.redis_events = std::make_unique<api::RedisEventListener>(*o.redis, s.events.get());
  s.SetUpHttp(s.http);
  if (auto bound = s.Bind(); !bound) {
    s.runner.reset();  // stops it
    return bound;
  }
  if (o.ui_port > 0) {
    s.ui_http = std::make_unique<httplib::Server>();
    s.SetUpHttp(*s.ui_http);
    if (!s.ui_http->bind_to_port(o.host, o.ui_port)) {
      s.runner.reset();
      return Fail(ErrorCode::kIo,
                  fmt::format("--ui-port: cannot listen on {}:{} (in use?)", o.host, o.ui_port));
    }
  }
  {
    std::lock_guard lock(s.mu);
    s.listening = true;
    for (int sock : s.listen_sockets) ::listen(sock, kListenBacklog);
    s.listen_sockets.clear();
  }
  s.listener = std::thread([&s] {
    s.http.listen_after_bind();
    std::lock_guard lock(s.mu);
    s.listening = false;
    s.cv.notify_all();
  });
  if (s.ui_http) s.ui_listener = std::thread([&s] { s.ui_http->listen_after_bind(); });
  // httplib's stop() does nothing until the accept loop runs; wait for it so
  // that a Stop right after Start cannot be lost.
  for (int i = 0; i < 500 && !(s.http.is_running() && (!s.ui_http || s.ui_http->is_running()));
       ++i) {
    {
      std::lock_guard lock(s.mu);
      if (!s.listening) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.webhooks = std::make_unique<WebhookSender>(s.store.get(), WebhookOptionsFor(o, TRAWL_VERSION));
  s.webhooks->Start();  // only with --webhook-secret
  // Jobs a previous run left unfinished resume now (the runner also looks
  // on its own start; a wake-up costs nothing).
  s.runner->Wake();
  return {};
}

int ApiServer::port() const { return impl_->port; }

void ApiServer::Wait() {
  Impl& s = *impl_;
  std::unique_lock lock(s.mu);
  s.cv.wait(lock, [&s] { return s.stopped || !s.listening; });
}

void ApiServer::Stop() {
  Impl& s = *impl_;
  std::lock_guard stop_lock(s.stop_mu);
  {
    std::lock_guard lock(s.mu);
    if (!s.started || s.stopped) return;
  }
  // Live event streams end first: httplib's stop waits for every request.
  if (s.events) s.events->Close();
  s.http.stop();
  if (s.listener.joinable()) s.listener.join();
  if (s.ui_http) s.ui_http->stop();
  if (s.ui_listener.joinable()) s.ui_listener.join();
  s.redis_events.reset();
  if (s.webhooks) s.webhooks->Stop();
  if (s.runner) s.runner->Stop(kRunnerGraceMs);
  std::lock_guard lock(s.mu);
  s.stopped = true;
  s.cv.notify_all();
}

}  // namespace trawl
