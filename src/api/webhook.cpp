// Completion webhooks (webhook.h): signing, the payload, one POST on
// libcurl's easy interface, and the sender thread over the store's claims.
#include "api/webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "api/job_view.h"
#include "core/clock.h"
#include "core/states.h"
#include "core/url.h"
#include "fetch/address_guard.h"

namespace trawl {
namespace {

constexpr int64_t kFirstBackoffMs = 1'000;
constexpr int64_t kMaxBackoffMs = 300'000;
constexpr int kBackoffFactor = 4;
// Claims last well past one POST (timeout_ms) and its record, so no other
// server takes a webhook that is still being sent; a sender that died is
// replaced once the claim runs out.
constexpr int64_t kLeaseFactor = 3;
constexpr int64_t kMinLeaseMs = 30'000;
// Webhooks delivered per round at most, so Stop is never far away.
constexpr int kMaxPerRound = 50;
constexpr int64_t kMaxConnectTimeoutMs = 5'000;

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

// The receiver's host, for log lines: the URL's path and query may hold a
// secret of the receiver's, and they are of no help in a log.
std::string HostOf(const std::string& url) {
  auto parts = ParseUrl(url);
  return parts ? parts->host : std::string("(malformed URL)");
}

void LogLine(const std::string& line) {
  std::fprintf(stderr, "trawl serve: %s\n", line.c_str());
  std::fflush(stderr);
}

// --- one POST ------------------------------------------------------------------

struct PostState {
  const std::atomic<bool>* stop = nullptr;
  std::string blocked;  // "127.0.0.1 (loopback)" when the guard refused
};

size_t DiscardBody(char*, size_t size, size_t n, void*) { return size * n; }

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* state = static_cast<PostState*>(user);
  return state->stop != nullptr && state->stop->load() ? 1 : 0;
}

// The crawler's guard (fetcher.cpp), on every socket curl opens: a name
// that resolves to a private address is refused at connect time.
curl_socket_t OnOpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* state = static_cast<PostState*>(user);
  state->blocked = BlockedAddress(&address->addr);
  if (!state->blocked.empty()) return CURL_SOCKET_BAD;
  return socket(address->family, address->socktype, address->protocol);
}

void CurlGlobalInit() {
  // Once per process, before any thread uses curl (the fetcher does the same).
  static const CURLcode kInit = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)kInit;
}

// The outcome of a transfer curl finished with `rc` and `status`.
WebhookResult Classify(CURLcode rc, long status, const PostState& state, const char* errbuf) {
  WebhookResult result;
  result.http_status = static_cast<int>(status);
  if (rc == CURLE_ABORTED_BY_CALLBACK && state.stop != nullptr && state.stop->load()) {
    result.cancelled = true;
    result.error = "stopped";
    return result;
  }
  if (rc == CURLE_OK) {
    if (status >= 200 && status < 300) {
      result.delivered = true;
    } else if (status == 408 || status == 429 || status >= 500) {
      result.retryable = true;
      result.error = fmt::format("HTTP {}", status);
    } else if (status >= 300 && status < 400) {
      result.error = fmt::format("HTTP {} (redirects are not followed)", status);
    } else {
      result.error = fmt::format("HTTP {} (not retried)", status);
    }
    return result;
  }
  std::string detail = *errbuf != '\0' ? errbuf : curl_easy_strerror(rc);
  if (!state.blocked.empty()) {
    result.error = fmt::format(
        "blocked_address: refused to connect to {}; trawl serve --allow-private lifts this",
        state.blocked);
    return result;
  }
  switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      result.error = "bad URL: " + detail;
      return result;
    case CURLE_OPERATION_TIMEDOUT:
      result.error = "timeout: " + detail;
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
      result.error = "dns_failure: " + detail;
      break;
    case CURLE_COULDNT_CONNECT:
      result.error = "connect_failed: " + detail;
      break;
    default:
      result.error = detail;
      break;
  }
  // Connection, DNS, TLS and protocol trouble may pass; the attempts bound it.
  result.retryable = true;
  return result;
}

}  // namespace

// ============================================================================
// Signing, schedule, payload
// ============================================================================

WebhookOptions WebhookOptionsFor(const ServerOptions& server, const std::string& version) {
  WebhookOptions options;
  options.secret = server.webhook_secret;
  options.max_attempts = server.webhook_attempts;
  options.allow_private = server.crawl.fetch.allow_private;
  options.user_agent = "trawl/" + version;
  return options;
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // An empty key is a valid HMAC key, but OpenSSL wants a non-null pointer.
  static const unsigned char kNoKey = 0;
  const void* key = secret.empty() ? &kNoKey : static_cast<const void*>(secret.data());
  HMAC(EVP_sha256(), key, static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &mac_len);
  return "sha256=" + Hex(mac, mac_len);
}

int64_t WebhookBackoffMs(int failed_attempts) {
  int64_t delay = kFirstBackoffMs;
  for (int i = 1; i < failed_attempts && delay < kMaxBackoffMs; ++i) delay *= kBackoffFactor;
  return std::min(delay, kMaxBackoffMs);
}

std::string WebhookPayload(const JobRecord& job) {
  // The job view's fields (job_view.h): a finished job's facts are all in the
  // database, whichever mode ran it (the workers record the completion).
  nlohmann::json view = api::JobViewToJson(api::BuildJobView(job, nullptr), NowMs());
  nlohmann::json body = {{"event", kWebhookEvent}};
  for (const char* key :
       {"job_id", "status", "mode", "total", "completed", "failed", "created_at", "finished_at"}) {
    body[key] = std::move(view[key]);
  }
  body["results_url"] = "/api/jobs/" + job.id + "/results";
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ============================================================================
// One POST
// ============================================================================

WebhookResult PostWebhook(const std::string& url, std::string_view body,
                          const WebhookOptions& options, const std::atomic<bool>* stop) {
  CurlGlobalInit();
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    WebhookResult result;
    result.retryable = true;
    result.error = "internal: curl_easy_init failed";
    return result;
  }
  PostState state;
  state.stop = stop;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  for (const std::string& header :
       {std::string("Content-Type: application/json"),
        fmt::format("X-Trawl-Event: {}", kWebhookEvent),
        fmt::format("X-Trawl-Delivery: {}", RandomHexId(16)),
        fmt::format("X-Trawl-Timestamp: {}", static_cast<int64_t>(std::time(nullptr))),
        fmt::format("X-Trawl-Signature: {}", WebhookSignature(options.secret, body)),
        std::string("Expect:")}) {  // no 100-continue round trip
    headers = curl_slist_append(headers, header.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROXY, "");  // not even from http_proxy & co.
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(options.timeout_ms, kMaxConnectTimeoutMs)));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &state);
  if (!options.allow_private) {
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &state);
  }
  CURLcode rc = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  return Classify(rc, status, state, errbuf);
}

// ============================================================================
// The sender
// ============================================================================

WebhookSender::WebhookSender(Store* store, WebhookOptions options)
    : store_(store), options_(std::move(options)) {
  options_.max_attempts = std::max(1, options_.max_attempts);
  CurlGlobalInit();
}

WebhookSender::~WebhookSender() { Stop(); }

void WebhookSender::Start() {
  if (options_.secret.empty() || thread_.joinable()) return;
  stop_.store(false);
  thread_ = std::thread([this] { Loop(); });
}

void WebhookSender::Wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  cv_.notify_all();
}

void WebhookSender::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_.store(true);
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void WebhookSender::Loop() {
  while (!stop_.load()) {
    RunOnce();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                 [this] { return stop_.load() || woken_; });
    woken_ = false;
  }
}

int WebhookSender::RunOnce() {
  int recorded = 0;
  const int64_t lease_ms = std::max(kMinLeaseMs, kLeaseFactor * options_.timeout_ms);
  for (int i = 0; i < kMaxPerRound && !stop_.load(); ++i) {
    // One at a time: a claim is taken just before its POST, so its lease
    // never runs out while it waits behind the others.
    auto claimed = store_->ClaimDueWebhooks(NowMs(), lease_ms, 1);
    if (!claimed) {
      if (!store_failing_) LogLine("webhooks: database: " + claimed.error().message);
      store_failing_ = true;
      break;
    }
    if (store_failing_) LogLine("webhooks: database reachable again");
    store_failing_ = false;
    if (claimed->empty()) break;
    if (Deliver(claimed->front())) ++recorded;
  }
  return recorded;
}

bool WebhookSender::Deliver(const JobRecord& job) {
  const std::string host = HostOf(job.webhook_url);
  WebhookResult result = PostWebhook(job.webhook_url, WebhookPayload(job), options_, &stop_);
  if (result.cancelled) return false;
  const int attempt = job.webhook_attempts + 1;
  WebhookState outcome = WebhookState::kFailed;
  int64_t next_at_ms = 0;
  int64_t now_ms = NowMs();
  if (result.delivered) {
    outcome = WebhookState::kDelivered;
  } else if (result.retryable && attempt < options_.max_attempts) {
    outcome = WebhookState::kPending;
    next_at_ms = now_ms + WebhookBackoffMs(attempt);
  }
  auto recorded = store_->RecordWebhookAttempt(job.id, job.finished_at_ms.value_or(0),
                                               ToString(outcome), result.error, next_at_ms, now_ms);
  std::string what = fmt::format("webhook of job {} to {}, attempt {}/{}: ", job.id, host, attempt,
                                 options_.max_attempts);
  if (outcome == WebhookState::kDelivered) {
    what += fmt::format("delivered (HTTP {})", result.http_status);
  } else if (outcome == WebhookState::kPending) {
    what +=
        fmt::format("{}; next attempt in {} s", result.error, (next_at_ms - now_ms + 999) / 1000);
  } else {
    what += fmt::format("failed for good: {}", result.error);
  }
  if (!recorded) {
    what += fmt::format(" (not recorded: {}; it will be sent again)", recorded.error().message);
  } else if (!*recorded) {
    what += " (the job was reopened meanwhile; its next completion is announced)";
  }
  LogLine(what);
  return recorded && *recorded;
}

}  // namespace trawl
