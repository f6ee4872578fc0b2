// The fetcher on libcurl multi: per-host gating, the transfer callbacks, and
// the mapping of curl's results to trawl's error codes.
#include "fetch/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "core/text.h"
#include "core/url.h"
#include "fetch/address_guard.h"
#include "fetch/fetch_metrics.h"

namespace trawl {
namespace {

using Clock = std::chrono::steady_clock;

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

bool IsHtmlType(const std::string& ct) {
  return ct.empty() || ct.starts_with("text/html") || ct.starts_with("application/xhtml") ||
         ct.starts_with("text/plain") || ct.starts_with("application/octet-stream");
}

Error MapCurlError(CURLcode rc, const char* errbuf) {
  std::string detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {ErrorCode::kDnsFailure, detail};
    case CURLE_COULDNT_CONNECT:
      return {ErrorCode::kConnectFailed, detail};
    case CURLE_OPERATION_TIMEDOUT:
      return {ErrorCode::kTimeout, detail};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return {ErrorCode::kTlsError, detail};
    case CURLE_TOO_MANY_REDIRECTS:
      return {ErrorCode::kTooManyRedirects, detail};
    case CURLE_BAD_CONTENT_ENCODING:
      return {ErrorCode::kBadEncoding, detail};
    case CURLE_FILESIZE_EXCEEDED:
      return {ErrorCode::kTooLarge, detail};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {ErrorCode::kUsage, detail};
    default:
      return {ErrorCode::kProtocolError, detail};
  }
}

// curl reports every deadline as CURLE_OPERATION_TIMEDOUT. Which phase it hit
// matters: a TCP connect that never completed is a connection failure, a TLS
// handshake that stalled is a TLS failure (both worth trying http:// or www.
// next); only a server that connected and then did not answer is a timeout.
void ClassifyTimeout(CURL* easy, const std::string& url, bool got_bytes, Error& error) {
  curl_off_t connect_us = 0;
  curl_off_t appconnect_us = 0;
  curl_off_t pretransfer_us = 0;
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &appconnect_us);
  curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  // The request went out (a reused connection reports no connect time).
  if (got_bytes || pretransfer_us > 0) return;
  if (connect_us == 0) {
    error = Error{ErrorCode::kConnectFailed, "connect timed out: " + error.message};
  } else if (url.starts_with("https:") && appconnect_us == 0) {
    error = Error{ErrorCode::kTlsError, "TLS handshake timed out: " + error.message};
  }
}

}  // namespace

// ===== per-transfer state ==================================================

struct Transfer {
  CURL* easy = nullptr;
  FetchRequest req;
  Fetcher::Callback done;
  std::string host;
  FetchResponse resp;
  int64_t cap = 0;
  int status_seen = 0;
  bool too_large = false;
  bool no_html = false;
  std::string blocked;  // "127.0.0.1 (loopback)" when the guard refused
  char errbuf[CURL_ERROR_SIZE] = {};
  Clock::time_point start;
};

struct HostState {
  int in_flight = 0;
  std::deque<std::unique_ptr<Transfer>> queue;
  Clock::time_point next_start{};
  std::chrono::milliseconds delay{0};
};

struct Fetcher::Impl {
  FetchOptions opts;
  CURLM* multi = nullptr;
  curl_slist* connect_to = nullptr;
  curl_slist* resolve = nullptr;
  curl_slist* headers = nullptr;
  std::unordered_map<std::string, HostState> hosts;
  std::vector<std::unique_ptr<Transfer>> finished;  // completed, callbacks pending
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running;
  std::vector<CURL*> spare_easies;
  size_t outstanding = 0;

  void Enqueue(std::unique_ptr<Transfer> t);
  void StartReady(const std::string& host);
  void StartTransfer(std::unique_ptr<Transfer> t, HostState& hs);
  void Complete(CURL* easy, CURLcode rc);
  void ConfigureEasy(Transfer& t);
  std::optional<Clock::time_point> NextTimer() const;
};

namespace {

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {
    t->resp.content_type.clear();
    size_t sp = line.find(' ');
    t->status_seen = sp == std::string_view::npos ? 0 : std::atoi(line.data() + sp + 1);
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string key = AsciiLower(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  bool ok_status = t->status_seen >= 200 && t->status_seen < 300;
  if (key == "content-type") {
    t->resp.content_type = AsciiLower(value);
  } else if (key == "content-length" && ok_status && !t->req.truncate_at_cap) {
    long long declared = std::atoll(std::string(value).c_str());
    if (declared > t->cap) {
      t->too_large = true;
      return 0;  // aborts the transfer before any of the body is read
    }
    // One allocation instead of a doubling series (compressed bodies grow
    // past this once; the declared length is only a hint).
    if (declared > 0) t->resp.body.reserve(static_cast<size_t>(declared));
  }
  return len;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  bool ok_status = t->status_seen >= 200 && t->status_seen < 300;
  if (t->req.html_only && ok_status && t->resp.body.empty() && !IsHtmlType(t->resp.content_type)) {
    t->no_html = true;
    return 0;
  }
  int64_t room = t->cap - static_cast<int64_t>(t->resp.body.size());
  if (static_cast<int64_t>(len) > room) {
    if (t->req.truncate_at_cap) {
      t->resp.body.append(data, static_cast<size_t>(std::max<int64_t>(room, 0)));
      t->resp.truncated = true;
    } else {
      t->too_large = true;
    }
    return 0;
  }
  t->resp.body.append(data, len);
  return len;
}

curl_socket_t OnOpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  t->blocked = BlockedAddress(&address->addr);
  if (!t->blocked.empty()) return CURL_SOCKET_BAD;
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

// ===== the API =============================================================

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>()) {
  static CurlGlobal global;
  impl_->opts = std::move(options);
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(impl_->opts.max_connections));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(impl_->opts.max_connections));
  for (const auto& c : impl_->opts.connect_to) {
    impl_->connect_to = curl_slist_append(impl_->connect_to, c.c_str());
  }
  for (const auto& r : impl_->opts.resolve) {
    impl_->resolve = curl_slist_append(impl_->resolve, r.c_str());
  }
  impl_->headers = curl_slist_append(
      impl_->headers, "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
  impl_->headers = curl_slist_append(impl_->headers, "Accept-Language: en;q=0.9,*;q=0.5");
}

Fetcher::~Fetcher() {
  for (auto& [easy, t] : impl_->running) {
    curl_multi_remove_handle(impl_->multi, easy);
    curl_easy_cleanup(easy);
  }
  for (CURL* e : impl_->spare_easies) curl_easy_cleanup(e);
  curl_multi_cleanup(impl_->multi);
  curl_slist_free_all(impl_->connect_to);
  curl_slist_free_all(impl_->resolve);
  curl_slist_free_all(impl_->headers);
}

const FetchOptions& Fetcher::options() const { return impl_->opts; }

size_t Fetcher::Outstanding() const { return impl_->outstanding; }

void Fetcher::Fetch(FetchRequest request, Callback done) {
  auto t = std::make_unique<Transfer>();
  t->req = std::move(request);
  t->done = std::move(done);
  t->cap = t->req.max_body_bytes > 0 ? t->req.max_body_bytes : impl_->opts.max_body_bytes;
  t->resp.url = t->req.url;
  ++impl_->outstanding;
  auto parts = ParseUrl(t->req.url);
  if (!parts) {
    t->resp.error = Error{ErrorCode::kUsage, "bad URL: " + parts.error().message};
    impl_->finished.push_back(std::move(t));
    return;
  }
  t->host = parts->host;
  impl_->Enqueue(std::move(t));
}

void Fetcher::SetHostDelay(const std::string& host, std::chrono::milliseconds delay) {
  impl_->hosts[host].delay = delay;
}

size_t Fetcher::Poll(int max_wait_ms) {
  Impl& im = *impl_;
  // Start hosts whose politeness delay has passed.
  auto now = Clock::now();
  for (auto& [host, hs] : im.hosts) {
    if (!hs.queue.empty() && hs.next_start <= now) im.StartReady(host);
  }
  int wait = max_wait_ms;
  if (!im.finished.empty()) wait = 0;
  if (auto timer = im.NextTimer()) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*timer - now).count();
    wait = std::clamp<int>(static_cast<int>(ms), 0, wait);
  }
  int still = 0;
  curl_multi_perform(im.multi, &still);
  // A transfer may finish inside perform (loopback, small pages); waiting
  // before collecting it would add a whole poll interval to every request.
  auto collect = [&im] {
    int left = 0;
    bool any = false;
    while (CURLMsg* msg = curl_multi_info_read(im.multi, &left)) {
      if (msg->msg == CURLMSG_DONE) {
        im.Complete(msg->easy_handle, msg->data.result);
        any = true;
      }
    }
    return any;
  };
  if (!collect() && im.finished.empty() && wait > 0) {
    curl_multi_poll(im.multi, nullptr, 0, wait, nullptr);
    curl_multi_perform(im.multi, &still);
    collect();
  }
  // Callbacks last, so that they may queue new requests freely.
  std::vector<std::unique_ptr<Transfer>> done;
  done.swap(im.finished);
  for (auto& t : done) {
    --im.outstanding;
    t->done(std::move(t->resp));
  }
  return im.outstanding;
}

// ===== gating and transfers =================================================

void Fetcher::Impl::Enqueue(std::unique_ptr<Transfer> t) {
  std::string host = t->host;
  hosts[host].queue.push_back(std::move(t));
  StartReady(host);
}

void Fetcher::Impl::StartReady(const std::string& host) {
  HostState& hs = hosts[host];
  auto now = Clock::now();
  while (!hs.queue.empty() && hs.in_flight < std::max(1, opts.per_host) && hs.next_start <= now) {
    auto t = std::move(hs.queue.front());
    hs.queue.pop_front();
    auto gap = std::max(hs.delay, std::chrono::milliseconds(opts.per_host_delay_ms));
    hs.next_start = now + gap;
    StartTransfer(std::move(t), hs);
  }
}

std::optional<Clock::time_point> Fetcher::Impl::NextTimer() const {
  std::optional<Clock::time_point> next;
  for (const auto& [host, hs] : hosts) {
    if (hs.queue.empty() || hs.in_flight >= std::max(1, opts.per_host)) continue;
    if (!next || hs.next_start < *next) next = hs.next_start;
  }
  return next;
}

void Fetcher::Impl::ConfigureEasy(Transfer& t) {
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, t.req.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, opts.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl can undo
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, t.req.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(opts.timeout_ms));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  // libcurl caches the parsed CA bundle across connections only when no CA
  // directory is set (Debian sets one); without the cache every TLS
  // connection re-parses ~150 PEM certificates (measured: ~25% of CPU).
  curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  if (connect_to) curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to);
  if (resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
  if (!opts.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, opts.proxy.c_str());
  // Behind a proxy the socket goes to the proxy the user chose, so the guard
  // cannot see the target's address; the proxy is trusted to guard it.
  if (!opts.allow_private && opts.proxy.empty()) {
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  }
}

void Fetcher::Impl::StartTransfer(std::unique_ptr<Transfer> t, HostState& hs) {
  if (!spare_easies.empty()) {
    t->easy = spare_easies.back();
    spare_easies.pop_back();
    curl_easy_reset(t->easy);
  } else {
    t->easy = curl_easy_init();
  }
  ConfigureEasy(*t);
  t->start = Clock::now();
  ++hs.in_flight;
  CURL* easy = t->easy;
  running.emplace(easy, std::move(t));
  curl_multi_add_handle(multi, easy);
}

void Fetcher::Impl::Complete(CURL* easy, CURLcode rc) {
  auto it = running.find(easy);
  if (it == running.end()) return;
  std::unique_ptr<Transfer> t = std::move(it->second);
  running.erase(it);
  curl_multi_remove_handle(multi, easy);
  FetchResponse& r = t->resp;
  r.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t->start).count();
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  r.status = static_cast<int>(code);
  char* eff = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff) r.url = eff;
  char* loc = nullptr;
  if (r.status >= 300 && r.status < 400 &&
      curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc) {
    r.location = loc;
  }
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && r.truncated)) {
    if (!t->blocked.empty()) {
      r.error = Error{ErrorCode::kBlockedAddress,
                      "refused to connect to " + t->blocked + "; --allow-private lifts this"};
    } else if (t->too_large) {
      r.error = Error{ErrorCode::kTooLarge,
                      "body larger than " + std::to_string(t->cap) + " bytes"};
    } else if (t->no_html) {
      r.error = Error{ErrorCode::kNoHtml, "content type is " + r.content_type};
    } else {
      r.error = MapCurlError(rc, t->errbuf);
      if (r.error->code == ErrorCode::kTimeout) ClassifyTimeout(easy, t->req.url, t->status_seen > 0 || !r.body.empty(), *r.error);
    }
  }
  if (opts.fetch_metrics) {
    opts.fetch_metrics->Record(r.status, static_cast<int64_t>(r.body.size()), r.ms);
  }
  spare_easies.push_back(easy);  // reused: saves curl's per-handle setup
  t->easy = nullptr;
  HostState& hs = hosts[t->host];
  --hs.in_flight;
  finished.push_back(std::move(t));
  StartReady(finished.back()->host);
}

}  // namespace trawl
