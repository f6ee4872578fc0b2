// Completion webhooks (docs/api.md, "Webhooks"): when a job that has
// options.webhook_url ends (completed or cancelled), one POST announces it,
// signed with HMAC-SHA256 over the body, retried with backoff, through the
// same address guard as crawling (fetch/address_guard.h). Delivery state is
// in the store (Store::ClaimDueWebhooks), so a restart loses nothing and
// servers sharing a database do not deliver one completion twice; delivery
// is at least once (a POST whose outcome could not be recorded is repeated).
//
// Thread-safety: the free functions are pure and thread-safe (PostWebhook
// blocks for up to the timeout). WebhookSender runs one thread of its own;
// Start and Stop from one thread, Wake from any. It does not own the Store,
// which must outlive Stop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "api/server.h"
#include "store/store.h"

namespace trawl {

inline constexpr const char* kWebhookEvent = "job.finished";

struct WebhookOptions {
  std::string secret;                // the HMAC key; the sender does not start without one
  int max_attempts = 6;              // POSTs per completion; then the webhook is failed
  bool allow_private = false;        // lift the address guard (trawl serve --allow-private)
  std::string user_agent = "trawl";  // "trawl/<version>"
  int64_t timeout_ms = 10'000;       // one POST, connect to last byte
  int64_t poll_ms = 1'000;           // how often the store is asked for due webhooks
};

// The sender's options for a server: its secret and attempts, and the
// crawl's address guard (--allow-private). --proxy and --connect-to route
// the crawl to the sites and are not applied to webhooks. Cannot fail.
WebhookOptions WebhookOptionsFor(const ServerOptions& server, const std::string& version);

// "sha256=" and the lower-case hex HMAC-SHA256 of `body` under `secret`: the
// X-Trawl-Signature header. Cannot fail.
std::string WebhookSignature(std::string_view secret, std::string_view body);

// How long to wait after the `failed_attempts`-th failed POST (1, 2, ...):
// 1 s, 4 s, 16 s, 64 s, 256 s, then 5 min each. Cannot fail.
int64_t WebhookBackoffMs(int failed_attempts);

// The body announcing that `job` ended: {"event": "job.finished", job_id,
// status, mode, total, completed, failed, created_at, finished_at,
// results_url} (times ISO 8601 UTC or null). Cannot fail.
std::string WebhookPayload(const JobRecord& job);

// What one POST came to.
struct WebhookResult {
  int http_status = 0;     // 0: no response
  bool delivered = false;  // 2xx
  bool retryable = false;  // 5xx, 408, 429, timeouts, connection and DNS errors
  bool cancelled = false;  // `stop` ended it: not an attempt, nothing to record
  std::string error;       // "" when delivered, else for people: "HTTP 500", ...
};

// POSTs `body` to `url` once with the headers of docs/api.md (Content-Type,
// User-Agent, X-Trawl-Event, X-Trawl-Delivery, X-Trawl-Timestamp,
// X-Trawl-Signature). Redirects are not followed; environment proxies are
// not used (the guard must see the receiver's own address). Gives up when
// `stop` (optional) turns true. Never throws; failures are in the result.
WebhookResult PostWebhook(const std::string& url, std::string_view body,
                          const WebhookOptions& options, const std::atomic<bool>* stop = nullptr);

class WebhookSender {
 public:
  WebhookSender(Store* store, WebhookOptions options);
  ~WebhookSender();  // Stop()
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Starts the thread: every poll_ms (or on Wake) it claims due webhooks
  // and POSTs them one after the other, logging each outcome on one line of
  // stderr. Does nothing when there is no secret, or when already started.
  void Start();
  // Looks for due webhooks now rather than at the next poll.
  void Wake();
  // Stops the thread; a POST in flight is abandoned unrecorded (its claim
  // runs out and the webhook is sent again, by whichever server is up).
  void Stop();

  // One round on the calling thread (for tests; not while the thread runs):
  // claims and delivers what is due. Returns the attempts recorded. Store
  // errors are logged, once per outage, not returned.
  int RunOnce();

 private:
  void Loop();
  // Sends one claimed webhook and records the outcome; false if it was
  // abandoned (stop) or could not be recorded.
  bool Deliver(const JobRecord& job);

  Store* store_;
  WebhookOptions options_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool store_failing_ = false;  // logged once per outage, not every poll
};

}  // namespace trawl
