// The site farm's HTTP/1.x server: sockets, connection threads, keep-alive.
#include "sitefarm/server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <unordered_set>

namespace trawl::sitefarm {

struct Server::State {
  ServerOptions options;
  Handler handler;
  StopSignal stop;
  int listen_fd = -1;
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_set<int> fds;  // open connections, so that Stop() can shut them down
  size_t live = 0;              // connection threads still running
};

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollStepMs = 1000;    // how often blocked reads look at the stop flag
constexpr int kSendStallMs = 60000;  // a client that reads nothing this long is dropped
constexpr int kLingerMs = 200;       // drain time before closing, so the last answer arrives
constexpr size_t kMinGzipBytes = 512;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Appends what the client sends next to `buf`. False on EOF, error, stop, or
// when nothing arrives within `timeout_ms`.
bool ReadMore(int fd, StopSignal& stop, std::string& buf, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char tmp[16384];
  while (!stop.raised()) {
    int left = MillisLeft(deadline);
    if (left == 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, std::min(left, kPollStepMs));
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  }
  return false;
}

// Writes every part. Sockets carry a one-second SO_SNDTIMEO, so a stalled
// client is noticed and the stop flag is checked while waiting.
bool SendParts(int fd, StopSignal& stop, std::string_view a, std::string_view b = {}) {
  iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
  int first = 0;
  int stalled_ms = 0;
  while (first < 2) {
    if (iov[first].iov_len == 0) {
      ++first;
      continue;
    }
    msghdr msg{};
    msg.msg_iov = iov + first;
    msg.msg_iovlen = 2 - first;
    ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      stalled_ms += kPollStepMs;
      if (stop.raised() || stalled_ms >= kSendStallMs) return false;
      continue;
    }
    stalled_ms = 0;
    size_t sent = static_cast<size_t>(n);
    for (int i = first; i < 2 && sent > 0; ++i) {
      size_t take = std::min(sent, iov[i].iov_len);
      iov[i].iov_base = static_cast<char*>(iov[i].iov_base) + take;
      iov[i].iov_len -= take;
      sent -= take;
    }
  }
  return true;
}

// Half-closes and drains briefly, so that a client still sending does not get
// a reset that destroys the answer it has not read yet.
void LingeringClose(int fd) {
  shutdown(fd, SHUT_WR);
  const auto deadline = Clock::now() + std::chrono::milliseconds(kLingerMs);
  char tmp[4096];
  for (int left = kLingerMs; left > 0; left = MillisLeft(deadline)) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) break;
    if (recv(fd, tmp, sizeof tmp, 0) <= 0) break;
  }
}

std::string ResponseHead(const Response& r, size_t content_length, bool with_length,
                         bool keep_alive, std::string_view extra) {
  std::string head =
      fmt::format("HTTP/1.1 {} {}\r\nServer: trawl-sitefarm\r\n", r.status, StatusReason(r.status));
  if (!r.content_type.empty()) head += fmt::format("Content-Type: {}\r\n", r.content_type);
  for (const auto& [name, value] : r.headers) head += fmt::format("{}: {}\r\n", name, value);
  head += extra;
  if (with_length) head += fmt::format("Content-Length: {}\r\n", content_length);
  head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return head;
}

// Writes `r`. Returns true when the connection may serve another request.
bool WriteResponse(int fd, StopSignal& stop, const Request& req, const Response& r) {
  const bool head_only = req.method == "HEAD";
  if (r.stream) {
    if (!r.raw && !SendParts(fd, stop, ResponseHead(r, 0, false, false, {}))) return false;
    Channel channel(fd, stop);
    if (!head_only || r.raw) r.stream(channel);
    return false;
  }
  std::string_view body = r.Body();
  std::string compressed;
  std::string_view extra;
  if (r.compressible && req.accepts_gzip && body.size() >= kMinGzipBytes) {
    compressed = Gzip(body);
    body = compressed;
    extra = "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n";
  }
  std::string head = ResponseHead(r, body.size(), true, req.keep_alive, extra);
  if (!SendParts(fd, stop, head, head_only ? std::string_view() : body)) return false;
  return req.keep_alive;
}

Response ErrorResponse(int status, std::string_view why) {
  return TextResponse(status, "text/plain; charset=utf-8", fmt::format("{}: {}\n", status, why));
}

// Reads one request head into `head` (consumed from `buf`). Returns 0 on
// success, -1 when the connection should just close, or an HTTP status to
// answer before closing.
int ReadHead(Server::State& s, int fd, std::string& buf, bool& fresh, std::string& head) {
  size_t scanned = 0;
  while (true) {
    if (fresh && !buf.empty()) {
      if (static_cast<unsigned char>(buf[0]) == 0x16) return -1;  // TLS ClientHello: fail fast
      fresh = false;
    }
    size_t end = buf.find("\r\n\r\n", scanned);
    size_t sep = 4;
    size_t lf = buf.find("\n\n", scanned);
    if (lf != std::string::npos && (end == std::string::npos || lf < end)) end = lf, sep = 2;
    if (end != std::string::npos) {
      if (end > s.options.max_header_bytes) return 431;
      head = buf.substr(0, end);
      buf.erase(0, end + sep);
      return 0;
    }
    if (buf.size() > s.options.max_header_bytes) return 431;
    scanned = buf.size() >= 3 ? buf.size() - 3 : 0;
    if (!ReadMore(fd, s.stop, buf, s.options.idle_timeout_ms)) return -1;
  }
}

void ServeRequests(Server::State& s, int fd) {
  std::string buf;
  std::string head;
  bool fresh = true;  // no byte seen yet on this connection (or tunnel)
  while (!s.stop.raised()) {
    int status = ReadHead(s, fd, buf, fresh, head);
    if (status < 0) return;
    if (status > 0) {
      Request dummy;
      dummy.keep_alive = false;
      WriteResponse(fd, s.stop, dummy, ErrorResponse(status, "request head too large"));
      return LingeringClose(fd);
    }
    auto req = ParseRequestHead(head);
    if (!req) {
      Request dummy;
      dummy.keep_alive = false;
      WriteResponse(fd, s.stop, dummy, ErrorResponse(400, req.error().message));
      return LingeringClose(fd);
    }
    while (buf.size() < req->content_length) {
      if (!ReadMore(fd, s.stop, buf, s.options.idle_timeout_ms)) return;
    }
    buf.erase(0, req->content_length);
    if (req->method == "CONNECT") {
      // A proxy tunnel: accept it so the client sends its TLS hello, which
      // then closes the connection exactly as a direct https attempt does.
      if (!SendParts(fd, s.stop, "HTTP/1.1 200 Connection established\r\n\r\n")) return;
      fresh = true;
      continue;
    }
    bool again = false;
    {
      Response response = s.handler(*req);
      again = WriteResponse(fd, s.stop, *req, response);
    }  // releases response.hold: the request is no longer in flight
    if (!again) return LingeringClose(fd);
  }
}

void ConnectionThread(std::shared_ptr<Server::State> s, int fd) {
  ServeRequests(*s, fd);
  std::lock_guard lock(s->mu);
  s->fds.erase(fd);
  close(fd);
  --s->live;
  s->cv.notify_all();
}

void ConfigureConnection(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{kPollStepMs / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void AdmitConnection(const std::shared_ptr<Server::State>& s, int fd) {
  ConfigureConnection(fd);
  {
    std::lock_guard lock(s->mu);
    if (s->live < s->options.max_connections) {
      ++s->live;
      s->fds.insert(fd);
      try {
        std::thread(ConnectionThread, s, fd).detach();
        return;
      } catch (const std::system_error&) {
        --s->live;
        s->fds.erase(fd);
      }
    }
  }
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL);
  close(fd);
}

void AcceptLoop(std::shared_ptr<Server::State> s) {
  while (!s->stop.raised()) {
    pollfd p{s->listen_fd, POLLIN, 0};
    int r = poll(&p, 1, kPollStepMs);
    if (r <= 0) continue;
    int fd = accept4(s->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // EMFILE and friends: back off instead of spinning on the ready listener.
      if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) s->stop.SleepFor(50);
      continue;
    }
    AdmitConnection(s, fd);
  }
}

Result<int> Listen(const ServerOptions& options, int& bound_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string port = std::to_string(options.port);
  if (getaddrinfo(options.bind.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    return Fail(ErrorCode::kUsage, "not a numeric address: " + options.bind);
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool ok =
      fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0;
  freeaddrinfo(found);
  if (!ok) {
    std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    return Fail(ErrorCode::kConnectFailed,
                fmt::format("cannot listen on {}:{}: {}", options.bind, options.port, why));
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  bound_port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                          : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return fd;
}

}  // namespace

// ---- StopSignal, Channel -------------------------------------------------

void StopSignal::Raise() {
  std::lock_guard lock(mu_);
  raised_ = true;
  cv_.notify_all();
}

bool StopSignal::SleepFor(int ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return raised(); });
}

bool Channel::Send(std::string_view bytes) { return !stopping() && SendParts(fd_, stop_, bytes); }

bool Channel::Wait(int ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  char tmp[4096];
  while (!stopping()) {
    int left = MillisLeft(deadline);
    if (left == 0) return true;
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, std::min(left, kPollStepMs));
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    if (recv(fd_, tmp, sizeof tmp, 0) <= 0) return false;  // closed, or reset
  }
  return false;
}

// ---- Server --------------------------------------------------------------

Server::Server(ServerOptions options, Handler handler) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  state_->handler = std::move(handler);
}

Server::~Server() { Stop(); }

Result<void> Server::Start() {
  if (started_ || state_->stop.raised()) return Fail(ErrorCode::kUsage, "server already started");
  auto fd = Listen(state_->options, port_);
  if (!fd) return tl::unexpected(fd.error());
  state_->listen_fd = *fd;
  acceptor_ = std::thread(AcceptLoop, state_);
  started_ = true;
  return {};
}

void Server::Stop() {
  if (!started_) return;
  started_ = false;
  state_->stop.Raise();
  shutdown(state_->listen_fd, SHUT_RDWR);
  acceptor_.join();
  close(state_->listen_fd);
  std::unique_lock lock(state_->mu);
  for (int fd : state_->fds) shutdown(fd, SHUT_RDWR);
  state_->cv.wait(lock, [this] { return state_->live == 0; });
}

std::string Server::address() const {
  const std::string& bind = state_->options.bind;
  if (bind.find(':') != std::string::npos) return fmt::format("[{}]:{}", bind, port_);
  return fmt::format("{}:{}", bind, port_);
}

StopSignal& Server::stop_signal() { return state_->stop; }

}  // namespace trawl::sitefarm
