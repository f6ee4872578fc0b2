// The fetcher on libcurl multi: per-host gating, the transfer callbacks, and
// the mapping of curl's results to trawl's error codes.
//
// Transfers run on curl's socket API (curl_multi_socket_action) over one
// epoll set: curl_multi_perform visits every transfer on every call, each
// with a poll() of its own socket (measured: ~90 poll calls per request at
// 64 transfers in flight), while socket_action touches only the sockets
// epoll reports ready and the timers that expired.
#include "fetch/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "core/url.h"
#include "fetch/address_guard.h"
#include "fetch/content_decoder.h"
#include "fetch/fetch_metrics.h"

namespace trawl {
namespace {

using Clock = std::chrono::steady_clock;

// Idle connections kept beyond the transfers running (see Drive). Measured
// on 500 farm sites behind --connect-to: 4, 8, 16, 64 spare gave 54k, 70k,
// 88k, 237k poll calls for ~1,400 connections each way; 8 leaves room for
// bursts of completions without reconnecting.
constexpr size_t kSpareConnections = 8;

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

struct Transfer final : DecodedSink {
  CURL* easy = nullptr;
  FetchRequest req;
  Fetcher::Callback done;
  std::string host;
  FetchResponse resp;
  int64_t cap = 0;
  int64_t declared_length = 0;  // Content-Length of a 2xx, for one allocation
  int status_seen = 0;
  bool too_large = false;
  bool no_html = false;
  bool body_started = false;
  std::string blocked;  // "127.0.0.1 (loopback)" when the guard refused
  // Set when curl's decoding is off for this transfer (pages: no redirects
  // followed by curl, so every Content-Encoding seen belongs to this body).
  std::unique_ptr<ContentDecoder> decoder;
  char errbuf[CURL_ERROR_SIZE] = {};
  Clock::time_point start;

  bool OkStatus() const { return status_seen >= 200 && status_seen < 300; }

  // The body cap, the HTML check and truncation, over decoded bytes.
  bool Append(const char* data, size_t len) override {
    if (req.html_only && OkStatus() && resp.body.empty() && !IsHtmlType(resp.content_type)) {
      no_html = true;
      return false;
    }
    int64_t room = cap - static_cast<int64_t>(resp.body.size());
    if (static_cast<int64_t>(len) > room) {
      if (req.truncate_at_cap) {
        resp.body.append(data, static_cast<size_t>(std::max<int64_t>(room, 0)));
        resp.truncated = true;
      } else {
        too_large = true;
      }
      return false;
    }
    resp.body.append(data, len);
    return true;
  }

  bool AppendWhole(std::string&& body) override {
    bool html_ok = !req.html_only || !OkStatus() || IsHtmlType(resp.content_type);
    if (resp.body.empty() && html_ok && static_cast<int64_t>(body.size()) <= cap) {
      resp.body = std::move(body);  // the decoder's buffer becomes the body: no copy
      return true;
    }
    return Append(body.data(), body.size());
  }
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
  int epoll_fd = -1;
  std::optional<Clock::time_point> curl_deadline;  // curl's timer; none when unset
  curl_slist* connect_to = nullptr;
  curl_slist* resolve = nullptr;
  curl_slist* headers = nullptr;
  // Hosts with requests in flight, queued, or a delay to keep; an idle host
  // without a delay of its own is dropped (a long-running worker sees
  // millions of hosts).
  std::unordered_map<std::string, HostState> hosts;
  std::unordered_set<std::string> queued_hosts;  // hosts whose queue is not empty
  Clock::time_point next_sweep{};
  std::vector<std::unique_ptr<Transfer>> finished;  // completed, callbacks pending
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running;
  std::vector<CURL*> spare_easies;  // configured once; only per-request options change
  size_t outstanding = 0;

  void Enqueue(std::unique_ptr<Transfer> t);
  void StartReady(const std::string& host);
  void StartTransfer(std::unique_ptr<Transfer> t, HostState& hs);
  void Complete(CURL* easy, CURLcode rc);
  void ConfigureEasy(CURL* e);
  void ConfigureRequest(Transfer& t);
  void Sweep(Clock::time_point now);
  void Drive(int wait_ms);
  bool Collect();
  std::optional<Clock::time_point> NextTimer() const;

  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* user, void* socket_user);
  static int OnTimer(CURLM* multi, long timeout_ms, void* user);
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
  if (key == "content-type") {
    t->resp.content_type = AsciiLower(value);
  } else if (key == "content-encoding" && t->decoder && !t->body_started) {
    t->decoder->AddCodings(value);
  } else if (key == "content-length" && t->OkStatus() && !t->req.truncate_at_cap) {
    long long declared = std::atoll(std::string(value).c_str());
    if (declared > t->cap) {
      t->too_large = true;
      return 0;  // aborts the transfer before any of the body is read
    }
    t->declared_length = declared;
  }
  return len;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  bool first = !t->body_started;
  t->body_started = true;
  if (t->decoder && t->decoder->active()) {
    // The HTML check must see the first decoded bytes as curl would hand
    // them over, before the rest of the body arrives.
    if (first && t->req.html_only && t->OkStatus() && !IsHtmlType(t->resp.content_type)) {
      t->decoder->StreamFromNow();
    }
    return t->decoder->Write(data, len) ? len : 0;
  }
  // One allocation instead of a doubling series (the declared length is
  // only a hint; curl-decoded bodies grow past it once).
  if (first && t->declared_length > 0) {
    t->resp.body.reserve(static_cast<size_t>(t->declared_length));
  }
  return t->Append(data, len) ? len : 0;
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
  Impl& im = *impl_;
  im.opts = std::move(options);
  im.multi = curl_multi_init();
  im.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  curl_multi_setopt(im.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(im.opts.max_connections));
  curl_multi_setopt(im.multi, CURLMOPT_MAXCONNECTS, static_cast<long>(im.opts.max_connections));
  curl_multi_setopt(im.multi, CURLMOPT_SOCKETFUNCTION, Impl::OnSocket);
  curl_multi_setopt(im.multi, CURLMOPT_SOCKETDATA, &im);
  curl_multi_setopt(im.multi, CURLMOPT_TIMERFUNCTION, Impl::OnTimer);
  curl_multi_setopt(im.multi, CURLMOPT_TIMERDATA, &im);
  for (const auto& c : im.opts.connect_to)
    im.connect_to = curl_slist_append(im.connect_to, c.c_str());
  for (const auto& r : im.opts.resolve) im.resolve = curl_slist_append(im.resolve, r.c_str());
  im.headers =
      curl_slist_append(im.headers, "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
  im.headers = curl_slist_append(im.headers, "Accept-Language: en;q=0.9,*;q=0.5");
}

Fetcher::~Fetcher() {
  for (auto& [easy, t] : impl_->running) {
    curl_multi_remove_handle(impl_->multi, easy);
    curl_easy_cleanup(easy);
  }
  for (CURL* e : impl_->spare_easies) curl_easy_cleanup(e);
  curl_multi_cleanup(impl_->multi);
  if (impl_->epoll_fd >= 0) close(impl_->epoll_fd);
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
  if (impl_->epoll_fd < 0) {  // out of descriptors when the fetcher was made
    t->resp.error = Error{ErrorCode::kInternal, "the fetcher has no epoll instance"};
    impl_->finished.push_back(std::move(t));
    return;
  }
  t->host = parts->host;
  // curl follows robots.txt and sitemap redirects itself and hands on only
  // the last body; those stay with curl's decoder (they are small and few).
  if (!impl_->opts.decode_in_curl && !t->req.follow_redirects) {
    t->decoder = std::make_unique<ContentDecoder>(*t, static_cast<size_t>(t->cap));
  }
  impl_->Enqueue(std::move(t));
}

void Fetcher::SetHostDelay(const std::string& host, std::chrono::milliseconds delay) {
  impl_->hosts[host].delay = delay;
}

size_t Fetcher::Poll(int max_wait_ms) {
  Impl& im = *impl_;
  // Start hosts whose politeness delay has passed.
  auto now = Clock::now();
  if (!im.queued_hosts.empty()) {
    std::vector<std::string> ready;
    for (const std::string& host : im.queued_hosts) {
      if (im.hosts[host].next_start <= now) ready.push_back(host);
    }
    for (const std::string& host : ready) im.StartReady(host);
  }
  im.Sweep(now);
  // Whatever is ready now, without waiting: a transfer may finish at once
  // (loopback, small pages), and waiting first would add a whole poll
  // interval to every request.
  im.Drive(0);
  if (!im.Collect() && im.finished.empty() && max_wait_ms > 0) {
    int wait = max_wait_ms;
    now = Clock::now();
    for (auto timer : {im.NextTimer(), im.curl_deadline}) {
      if (!timer) continue;
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(*timer - now).count();
      wait = std::clamp<int>(static_cast<int>(ms), 0, wait);
    }
    im.Drive(wait);
    im.Collect();
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

// ===== the event loop =======================================================

// curl tells which sockets to watch for what; epoll keeps the set.
// A socket curl has not seen before has no assigned pointer (curl drops
// the assignment on CURL_POLL_REMOVE), so ADD and MOD need no guessing.
int Fetcher::Impl::OnSocket(CURL*, curl_socket_t s, int what, void* user, void* socket_user) {
  auto* im = static_cast<Impl*>(user);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(im->epoll_fd, EPOLL_CTL_DEL, s, nullptr);  // fails harmlessly if closed
    return 0;
  }
  epoll_event ev{};
  ev.data.fd = s;
  if (what & CURL_POLL_IN) ev.events |= EPOLLIN;
  if (what & CURL_POLL_OUT) ev.events |= EPOLLOUT;
  if (socket_user != nullptr) {
    if (epoll_ctl(im->epoll_fd, EPOLL_CTL_MOD, s, &ev) == 0 || errno != ENOENT) return 0;
  }
  // A new socket, or a descriptor number curl closed and reused unseen.
  if (epoll_ctl(im->epoll_fd, EPOLL_CTL_ADD, s, &ev) != 0 && errno == EEXIST) {
    epoll_ctl(im->epoll_fd, EPOLL_CTL_MOD, s, &ev);
  }
  curl_multi_assign(im->multi, s, im);
  return 0;
}

int Fetcher::Impl::OnTimer(CURLM*, long timeout_ms, void* user) {
  auto* im = static_cast<Impl*>(user);
  if (timeout_ms < 0) {
    im->curl_deadline.reset();
  } else {
    im->curl_deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

// Waits up to `wait_ms` for socket events, hands them to curl, then runs
// curl's timer if it is due (timeouts, new transfers, retries).
void Fetcher::Impl::Drive(int wait_ms) {
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epoll_fd, events, kMaxEvents, wait_ms);
  // Idle connections kept: the transfers running now, plus a few. A finished
  // transfer returns its connection to the cache and libcurl then closes the
  // longest-idle one beyond this, so finished hosts' connections go first and
  // the one a running crawl is about to reuse stays. Before each new
  // connection libcurl polls every idle connection of the same bundle — all
  // of them behind --connect-to or a proxy — so a cache full of finished
  // hosts costs a poll() each per request (measured: ~85 per request).
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(std::min<size_t>(running.size() + kSpareConnections,
                                                       static_cast<size_t>(opts.max_connections))));
  int running_handles = 0;
  for (int i = 0; i < n; ++i) {
    uint32_t ev = events[i].events;
    int mask = 0;
    if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) mask |= CURL_CSELECT_IN;
    if (ev & (EPOLLOUT | EPOLLERR)) mask |= CURL_CSELECT_OUT;
    if (ev & EPOLLERR) mask |= CURL_CSELECT_ERR;
    curl_multi_socket_action(multi, events[i].data.fd, mask, &running_handles);
  }
  if (curl_deadline && *curl_deadline <= Clock::now()) {
    curl_deadline.reset();  // curl sets the next one from inside the call
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running_handles);
  }
}

// Completes the transfers curl reports done. Returns whether there were any.
bool Fetcher::Impl::Collect() {
  int left = 0;
  bool any = false;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg == CURLMSG_DONE) {
      Complete(msg->easy_handle, msg->data.result);
      any = true;
    }
  }
  return any;
}

// ===== gating and transfers =================================================

void Fetcher::Impl::Enqueue(std::unique_ptr<Transfer> t) {
  std::string host = t->host;
  hosts[host].queue.push_back(std::move(t));
  queued_hosts.insert(host);
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
  if (hs.queue.empty()) queued_hosts.erase(host);
}

std::optional<Clock::time_point> Fetcher::Impl::NextTimer() const {
  std::optional<Clock::time_point> next;
  for (const std::string& host : queued_hosts) {
    const HostState& hs = hosts.at(host);
    if (hs.queue.empty() || hs.in_flight >= std::max(1, opts.per_host)) continue;
    if (!next || hs.next_start < *next) next = hs.next_start;
  }
  return next;
}

// Drops idle hosts without a delay of their own, at most once a second: such
// an entry behaves exactly like a missing one.
void Fetcher::Impl::Sweep(Clock::time_point now) {
  if (now < next_sweep) return;
  next_sweep = now + std::chrono::seconds(1);
  std::erase_if(hosts, [now](const auto& entry) {
    const HostState& hs = entry.second;
    return hs.in_flight == 0 && hs.queue.empty() && hs.delay.count() == 0 && hs.next_start <= now;
  });
}

// The options every request of this fetcher shares, set once per handle.
void Fetcher::Impl::ConfigureEasy(CURL* e) {
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, opts.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  // Every coding curl can undo is offered; whether curl or ContentDecoder
  // undoes it is set per request.
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(opts.timeout_ms));
  // libcurl caches the parsed CA bundle across connections only when no CA
  // directory is set (Debian sets one); without the cache every TLS
  // connection re-parses ~150 PEM certificates (measured: ~25% of CPU).
  curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  if (connect_to) curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to);
  if (resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
  if (!opts.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, opts.proxy.c_str());
  // Behind a proxy the socket goes to the proxy the user chose, so the guard
  // cannot see the target's address; the proxy is trusted to guard it.
  if (!opts.allow_private && opts.proxy.empty()) {
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  }
}

// The options that differ per request; every one of them is set each time,
// so a reused handle carries nothing over from its last request.
void Fetcher::Impl::ConfigureRequest(Transfer& t) {
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, t.req.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, t.req.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, t.decoder ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  if (!opts.allow_private && opts.proxy.empty()) curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
}

void Fetcher::Impl::StartTransfer(std::unique_ptr<Transfer> t, HostState& hs) {
  if (!spare_easies.empty()) {
    t->easy = spare_easies.back();
    spare_easies.pop_back();
  } else {
    t->easy = curl_easy_init();
    ConfigureEasy(t->easy);
  }
  ConfigureRequest(*t);
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
  // What the decoder still holds is decoded now, whether or not the transfer
  // succeeded: curl would have decoded (and maybe failed on) those bytes
  // before the transfer's own end, so the decoder's outcome comes first.
  const char* detail = t->errbuf;
  if (t->decoder && t->decoder->active()) {
    t->decoder->Finish();
    if (t->decoder->failed()) {
      rc = static_cast<CURLcode>(t->decoder->curl_code());
      detail = t->decoder->message().c_str();
    } else if (t->decoder->stopped()) {
      rc = CURLE_WRITE_ERROR;  // what curl reports when the write callback refuses
    }
  }
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
      r.error =
          Error{ErrorCode::kTooLarge, "body larger than " + std::to_string(t->cap) + " bytes"};
    } else if (t->no_html) {
      r.error = Error{ErrorCode::kNoHtml, "content type is " + r.content_type};
    } else {
      r.error = MapCurlError(rc, detail);
      if (r.error->code == ErrorCode::kTimeout)
        ClassifyTimeout(easy, t->req.url, t->status_seen > 0 || !r.body.empty(), *r.error);
    }
  }
  if (opts.fetch_metrics) {
    opts.fetch_metrics->Record(r.status, static_cast<int64_t>(r.body.size()), r.ms);
  }
  t->decoder.reset();
  spare_easies.push_back(easy);  // reused: saves curl's per-handle setup
  t->easy = nullptr;
  const std::string& host = t->host;
  HostState& hs = hosts[host];
  --hs.in_flight;
  finished.push_back(std::move(t));
  StartReady(host);
}

}  // namespace trawl
