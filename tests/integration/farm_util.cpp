// Test helpers for the site farm: an in-process farm and a raw HTTP client.
#include "farm_util.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace trawl::testutil {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Appends the next bytes to `buf`. False on timeout, error or close (`closed` set).
bool RecvMore(int fd, std::string& buf, Clock::time_point deadline, bool& closed) {
  char tmp[65536];
  for (;;) {
    int left = MillisLeft(deadline);
    if (left == 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    ssize_t n = read(fd, tmp, sizeof tmp);  // read(), not recv(): pipes work too
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed = true;
      return false;
    }
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void ParseHead(std::string_view head, HttpReply& reply) {
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.starts_with("HTTP/1.") && status_line.size() >= 12) {
    reply.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  }
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view line = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    reply.headers[Lower(std::string(line.substr(0, colon)))] = std::string(value);
  }
}

// Decodes chunks from `raw` into reply.body as far as they are complete.
// Returns false when more bytes are needed.
bool DecodeChunks(std::string& raw, HttpReply& reply, size_t max_body) {
  for (;;) {
    size_t eol = raw.find("\r\n");
    if (eol == std::string::npos) return false;
    size_t size = std::strtoul(raw.substr(0, eol).c_str(), nullptr, 16);
    if (size == 0) {
      reply.complete = true;
      return true;
    }
    if (raw.size() < eol + 2 + size + 2) {
      return reply.body.size() >= max_body;
    }
    reply.body.append(raw, eol + 2, size);
    raw.erase(0, eol + 2 + size + 2);
    if (reply.body.size() >= max_body) return true;
  }
}

std::string FarmRequest(std::string_view method, std::string_view target) {
  return std::string(method) + " " + std::string(target) +
         " HTTP/1.1\r\nHost: farm.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

}  // namespace

// ---- TestFarm ----------------------------------------------------------------

TestFarm::TestFarm() : TestFarm(Options{}) {}

TestFarm::TestFarm(Options options) {
  sitefarm::FarmOptions fo;
  fo.bind = "127.0.0.1";
  fo.port = 0;
  fo.site_dirs = options.sites;
  fo.bulk = options.bulk;
  fo.latency_ms = options.latency_ms;
  fo.jitter_ms = options.jitter_ms;
  fo.error_rate = options.error_rate;
  fo.gzip = options.gzip;
  farm_ = std::make_unique<sitefarm::Farm>(fo);
  auto started = farm_->Start();
  ok_ = started.has_value();
  if (!ok_) {
    error_ = started.error().message;
    ADD_FAILURE() << "site farm did not start: " << error_;
  }
}

TestFarm::~TestFarm() { Stop(); }

void TestFarm::Stop() { farm_->Stop(); }

int TestFarm::port() const { return farm_->port(); }

std::string TestFarm::ConnectTo() const { return "::127.0.0.1:" + std::to_string(port()); }

std::string TestFarm::ProxyUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }

nlohmann::json TestFarm::Stats() const {
  HttpReply r = Exchange(port(), FarmRequest("GET", "/__farm/stats"));
  if (r.status != 200) return nullptr;
  return nlohmann::json::parse(r.body, nullptr, false);
}

bool TestFarm::ResetStats() const {
  return Exchange(port(), FarmRequest("POST", "/__farm/reset")).status == 200;
}

nlohmann::json TestFarm::Truth(int i) const {
  HttpReply r = Exchange(
      port(), FarmRequest("GET", "/__farm/truth?host=bulk-" + std::to_string(i) + ".test"));
  if (r.status != 200) return nullptr;
  return nlohmann::json::parse(r.body, nullptr, false);
}

HttpReply TestFarm::Get(std::string_view host, std::string_view target,
                        const std::vector<std::string>& extra_headers, int timeout_ms) const {
  std::string req =
      "GET " + std::string(target) + " HTTP/1.1\r\nHost: " + std::string(host) + "\r\n";
  for (const std::string& h : extra_headers) req += h + "\r\n";
  req += "Connection: close\r\n\r\n";
  return Exchange(port(), req, timeout_ms);
}

std::string RealWorldSitesDir() {
  // shared/ lies beside the checkout (as in CI); TRAWL_REALWORLD_SITES
  // names another folder.
  const char* env = std::getenv("TRAWL_REALWORLD_SITES");
  std::string dir =
      env && *env ? env : std::string(TRAWL_SOURCE_DIR) + "/../shared/realworld/sites";
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) ? dir : std::string();
}

// ---- raw sockets -------------------------------------------------------------

int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string ReadFor(int fd, int ms, size_t max_bytes, bool* closed) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  std::string buf;
  bool peer_closed = false;
  while (buf.size() < max_bytes && RecvMore(fd, buf, deadline, peer_closed)) {
  }
  if (closed) *closed = peer_closed;
  return buf;
}

HttpReply ReadReply(int fd, int timeout_ms, size_t max_body, bool head_only) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  HttpReply reply;
  std::string buf;
  bool closed = false;
  size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!RecvMore(fd, buf, deadline, closed)) return reply;
  }
  ParseHead(std::string_view(buf).substr(0, head_end), reply);
  buf.erase(0, head_end + 4);
  if (head_only || reply.status == 204 || reply.status == 304 || reply.status / 100 == 1) {
    reply.complete = true;
    return reply;
  }
  if (Lower(reply.headers["transfer-encoding"]) == "chunked") {
    while (!DecodeChunks(buf, reply, max_body)) {
      if (!RecvMore(fd, buf, deadline, closed)) return reply;
    }
    return reply;
  }
  auto length = reply.headers.find("content-length");
  if (length != reply.headers.end()) {
    size_t want = std::strtoull(length->second.c_str(), nullptr, 10);
    while (buf.size() < want && buf.size() < max_body && RecvMore(fd, buf, deadline, closed)) {
    }
    reply.complete = buf.size() >= want;
    if (buf.size() > want) buf.resize(want);
  } else {
    while (buf.size() < max_body && RecvMore(fd, buf, deadline, closed)) {
    }
    reply.complete = closed;
  }
  reply.body = std::move(buf);
  return reply;
}

HttpReply Exchange(int port, std::string_view request, int timeout_ms) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  HttpReply reply;
  if (SendAll(fd, request))
    reply = ReadReply(fd, timeout_ms, 256u << 20, request.starts_with("HEAD "));
  close(fd);
  return reply;
}

std::string Gunzip(std::string_view gz, size_t max_out, bool* ended) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return {};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK && out.size() < max_out) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // truncated input: keep what we have
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return {};
    }
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  if (ended) *ended = rc == Z_STREAM_END;
  return out;
}

}  // namespace trawl::testutil
