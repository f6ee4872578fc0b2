// The fetcher's Content-Encoding handling against a canned-response server on
// loopback: every response is fetched twice, once decoded by libcurl
// (FetchOptions::decode_in_curl, the reference) and once by ContentDecoder,
// and both must give the same status, body, truncation and error (code and
// text). Plus what each case must give in absolute terms: gzip, deflate
// (zlib-wrapped and raw), concatenated members, corrupt, truncated, bombs
// over the cap, br, zstd, stacked and unknown codings.
#include "fetch/fetcher.h"

#include <arpa/inet.h>
#include <brotli/encode.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fetch/content_decoder.h"

namespace trawl {
namespace {

// ---- a server that answers each path with fixed bytes ----------------------

// Serves `responses` (path → the whole response, head and body, sent as is,
// then the connection is closed) on 127.0.0.1, port 0, from one thread.
// Records each request head. Unknown paths get a 404.
class CannedServer {
 public:
  explicit CannedServer(std::map<std::string, std::string> responses)
      : responses_(std::move(responses)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 64) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~CannedServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      Serve(c);
      close(c);
    }
  }

  void Serve(int c) {
    std::string head;
    char buf[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (head.find("\r\n\r\n") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      pollfd p{c, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      ssize_t n = recv(c, buf, sizeof(buf), 0);
      if (n <= 0) return;
      head.append(buf, static_cast<size_t>(n));
    }
    size_t sp = head.find(' ');
    std::string path = head.substr(sp + 1, head.find(' ', sp + 1) - sp - 1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(head);
    }
    auto it = responses_.find(path);
    std::string out =
        it != responses_.end()
            ? it->second
            : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    for (size_t sent = 0; sent < out.size();) {
      ssize_t n = send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
    shutdown(c, SHUT_WR);
    // Let the client read everything before the close (no RST on unread input).
    pollfd p{c, POLLIN, 0};
    poll(&p, 1, 1000);
  }

  std::map<std::string, std::string> responses_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> requests_;
};

// ---- bodies -----------------------------------------------------------------

// Text that compresses like a page: words from a small vocabulary.
std::string PageText(size_t size, uint32_t seed = 1) {
  static const char* kWords[] = {
      "contact", "<p>",   "impressum",      "GmbH",  "street",
      "</p>\n",  "phone", "+49 30 1234567", "email", "info@example.test"};
  std::mt19937 rng(seed);
  std::string s = "<!doctype html><html><body>";
  while (s.size() < size) {
    s += kWords[rng() % 10];
    s += ' ';
  }
  s.resize(size);
  return s;
}

// Bytes that do not compress.
std::string Noise(size_t size, uint32_t seed = 7) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// window_bits: 15 + 16 gzip, 15 zlib, -15 raw deflate.
std::string Deflate(std::string_view in, int window_bits) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
std::string Gzip(std::string_view in) { return Deflate(in, 15 + 16); }

// A gzip header with FHCRC set and the given header CRC16.
std::string GzipWithHeaderCrc(std::string_view in, bool right_crc) {
  std::string gz = Gzip(in);
  std::string head = gz.substr(0, 10);
  head[3] = static_cast<char>(head[3] | 0x02);
  uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(head.data()), 10);
  if (!right_crc) crc ^= 0xffff;
  head += static_cast<char>(crc & 0xff);
  head += static_cast<char>((crc >> 8) & 0xff);
  return head + gz.substr(10);
}

std::string Brotli(std::string_view in) {
  size_t size = BrotliEncoderMaxCompressedSize(in.size());
  std::string out(size, '\0');
  BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, in.size(),
                        reinterpret_cast<const uint8_t*>(in.data()), &size,
                        reinterpret_cast<uint8_t*>(out.data()));
  out.resize(size);
  return out;
}

std::string Zstd(std::string_view in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

std::string Flip(std::string s, size_t at) {
  s[at] = static_cast<char>(s[at] ^ 0x55);
  return s;
}

// A response with these codings, type and status.
std::string Response(std::string_view body, std::string_view coding,
                     std::string_view type = "text/html; charset=utf-8", int status = 200,
                     std::string_view extra_headers = "") {
  std::string r =
      "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + std::string(type) + "\r\n";
  if (!coding.empty()) r += "Content-Encoding: " + std::string(coding) + "\r\n";
  r += std::string(extra_headers);
  r += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  return r + std::string(body);
}

std::string Chunked(std::string_view body, std::string_view coding) {
  std::string r =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: " + std::string(coding) +
      "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (size_t at = 0; at < body.size(); at += 1000) {
    std::string_view part = body.substr(at, 1000);
    char size[16];
    snprintf(size, sizeof(size), "%zx\r\n", part.size());
    r += size + std::string(part) + "\r\n";
  }
  return r + "0\r\n\r\n";
}

// ---- fetching ---------------------------------------------------------------

constexpr int64_t kCap = 1 << 20;

struct Outcome {
  int status = 0;
  std::string body;
  bool truncated = false;
  std::string error;  // "code: message", empty when none
};

Outcome FetchOnce(const std::string& url, bool decode_in_curl, bool html_only = true,
                  bool truncate_at_cap = false) {
  FetchOptions options;
  options.allow_private = true;
  options.timeout_ms = 10'000;
  options.max_body_bytes = kCap;
  options.decode_in_curl = decode_in_curl;
  Fetcher fetcher(options);
  FetchRequest req;
  req.url = url;
  req.html_only = html_only;
  req.truncate_at_cap = truncate_at_cap;
  Outcome out;
  bool done = false;
  fetcher.Fetch(req, [&](FetchResponse&& r) {
    out.status = r.status;
    out.body = std::move(r.body);
    out.truncated = r.truncated;
    if (r.error) out.error = std::string(ErrorCodeName(r.error->code)) + ": " + r.error->message;
    done = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!done && std::chrono::steady_clock::now() < deadline) fetcher.Poll(100);
  EXPECT_TRUE(done) << url;
  return out;
}

struct Case {
  std::string name;
  std::string response;
  // What ContentDecoder must give, besides agreeing with libcurl:
  std::string want_error_code;  // "" for none
  std::string want_body;        // checked when want_error_code is empty
  bool html_only = true;
  bool truncate_at_cap = false;
};

std::vector<Case> Cases() {
  const std::string page = PageText(40'000);
  const std::string big = PageText(600'000, 2);  // decoded within the cap
  const std::string noise = Noise(400'000);      // > kMaxBufferedBytes compressed: streams
  const std::string over = PageText(kCap + 1, 3);
  const std::string at_cap = PageText(kCap, 4);
  const std::string zeros(64u << 20, '\0');  // a gzip bomb: 64 MiB of zeros, ~64 KB gzipped
  std::string gz = Gzip(page);
  std::string lying_isize = gz;  // claims 1 KB decoded: the one-shot buffer is too small
  lying_isize[lying_isize.size() - 4] = 0;
  lying_isize[lying_isize.size() - 3] = 4;
  lying_isize[lying_isize.size() - 2] = 0;
  lying_isize[lying_isize.size() - 1] = 0;
  std::string bomb_small_isize = Gzip(zeros);  // ISIZE is 64 MiB mod 2^32 = 64 MiB: the cap says no
  return {
      {"/gzip", Response(gz, "gzip"), "", page},
      {"/x-gzip", Response(gz, "x-gzip"), "", page},
      {"/gzip-upper", Response(gz, "GZIP"), "", page},
      {"/gzip-big", Response(Gzip(big), "gzip"), "", big},
      {"/gzip-noise-streams", Response(Gzip(noise), "gzip"), "", noise},
      {"/gzip-at-cap", Response(Gzip(at_cap), "gzip"), "", at_cap},
      {"/gzip-over-cap", Response(Gzip(over), "gzip"), "too_large", ""},
      {"/gzip-bomb", Response(bomb_small_isize, "gzip"), "too_large", ""},
      {"/gzip-lying-isize", Response(lying_isize, "gzip"), "bad_encoding", ""},
      {"/gzip-fhcrc-good", Response(GzipWithHeaderCrc(page, true), "gzip"), "", page},
      {"/gzip-fhcrc-bad", Response(GzipWithHeaderCrc(page, false), "gzip"), "bad_encoding", ""},
      {"/gzip-zlib-inside", Response(Deflate(page, 15), "gzip"), "", page},
      {"/gzip-two-members",
       Response(Gzip(page.substr(0, 20'000)) + Gzip(page.substr(20'000)), "gzip"), "protocol_error",
       ""},
      {"/gzip-trailing-junk", Response(gz + "junk", "gzip"), "protocol_error", ""},
      {"/gzip-corrupt", Response(Flip(gz, gz.size() / 2), "gzip"), "bad_encoding", ""},
      {"/gzip-bad-crc", Response(Flip(gz, gz.size() - 6), "gzip"), "bad_encoding", ""},
      // A gzip stream cut short inside a complete HTTP message: libcurl keeps
      // what inflated and reports no error.
      {"/gzip-truncated-stream", Response(gz.substr(0, gz.size() / 2), "gzip"), "", ""},
      // The HTTP message itself cut short (Content-Length not reached).
      {"/gzip-truncated-message",
       "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: " +
           std::to_string(gz.size()) + "\r\nConnection: close\r\n\r\n" +
           gz.substr(0, gz.size() / 2),
       "protocol_error", ""},
      {"/gzip-chunked", Chunked(gz, "gzip"), "", page},
      {"/gzip-empty", Response("", "gzip"), "", ""},
      {"/gzip-404", Response(gz, "gzip", "text/html", 404), "", page},
      {"/gzip-pdf", Response(gz, "gzip", "application/pdf"), "no_html", ""},
      {"/gzip-pdf-any-type", Response(gz, "gzip", "application/pdf"), "", page, false},
      {"/gzip-truncate-at-cap", Response(Gzip(over), "gzip"), "", over.substr(0, kCap), true, true},
      {"/deflate-zlib", Response(Deflate(page, 15), "deflate"), "", page},
      {"/deflate-raw", Response(Deflate(page, -15), "deflate"), "", page},
      {"/deflate-raw-trailer", Response(Deflate(page, -15) + "1234", "deflate"), "", page},
      {"/deflate-raw-long-trailer", Response(Deflate(page, -15) + "12345", "deflate"),
       "protocol_error", ""},
      {"/deflate-corrupt", Response(Flip(Deflate(page, 15), 100), "deflate"), "bad_encoding", ""},
      {"/deflate-over-cap", Response(Deflate(over, 15), "deflate"), "too_large", ""},
      {"/br", Response(Brotli(page), "br"), "", page},
      {"/br-corrupt", Response(Flip(Brotli(page), 40), "br"), "bad_encoding", ""},
      {"/zstd", Response(Zstd(page), "zstd"), "", page},
      {"/zstd-corrupt", Response(Flip(Zstd(page), 20), "zstd"), "bad_encoding", ""},
      {"/gzip-then-br", Response(Brotli(Gzip(page)), "gzip, br"), "", page},
      {"/gzip-twice-two-headers",
       Response(Gzip(gz), "gzip", "text/html", 200, "Content-Encoding: gzip\r\n"), "", page},
      {"/identity", Response(page, "identity"), "", page},
      {"/none-then-gzip", Response(gz, "none, gzip"), "", page},
      {"/unknown", Response(page, "compress"), "bad_encoding", ""},
      {"/unknown-empty", Response("", "compress"), "", ""},
      {"/six-codings", Response(page, "identity, identity, identity, identity, identity, identity"),
       "bad_encoding", ""},
      {"/plain", Response(page, ""), "", page},
  };
}

TEST(FetcherContentEncoding, SameOutcomeAsLibcurlAndTheRightOneForEachCase) {
  std::vector<Case> cases = Cases();
  std::map<std::string, std::string> responses;
  for (const Case& c : cases) responses[c.name] = c.response;
  CannedServer server(responses);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome curl = FetchOnce(server.Url(c.name), true, c.html_only, c.truncate_at_cap);
    Outcome ours = FetchOnce(server.Url(c.name), false, c.html_only, c.truncate_at_cap);
    EXPECT_EQ(ours.status, curl.status);
    EXPECT_EQ(ours.error, curl.error);
    EXPECT_EQ(ours.body.size(), curl.body.size());
    EXPECT_TRUE(ours.body == curl.body);
    EXPECT_EQ(ours.truncated, curl.truncated);
    std::string code = ours.error.substr(0, ours.error.find(':'));
    EXPECT_EQ(code, c.want_error_code) << ours.error;
    if (c.want_error_code.empty() && !c.want_body.empty()) {
      EXPECT_TRUE(ours.body == c.want_body);
    }
  }
  // The request is the same either way: curl's own Accept-Encoding.
  for (const std::string& head : server.requests()) {
    EXPECT_NE(head.find("\r\nAccept-Encoding: deflate, gzip, br, zstd\r\n"), std::string::npos)
        << head;
  }
}

// ---- the decoder on its own: how input is split must not matter ------------

class StringSink : public DecodedSink {
 public:
  explicit StringSink(size_t cap) : cap_(cap) {}
  bool Append(const char* data, size_t len) override {
    if (out.size() + len > cap_) return false;
    out.append(data, len);
    return true;
  }
  std::string out;

 private:
  size_t cap_;
};

TEST(ContentDecoder, DecodesTheSameWhateverTheChunkingAndKeepsTheBufferBounded) {
  const std::string page = PageText(100'000, 9);
  const std::string gz = Gzip(page);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1000}, size_t{16384}, gz.size()}) {
    StringSink sink(kCap);
    ContentDecoder decoder(sink, kCap);
    decoder.AddCodings(" gzip\r\n");
    for (size_t at = 0; at < gz.size(); at += chunk) {
      ASSERT_TRUE(decoder.Write(gz.data() + at, std::min(chunk, gz.size() - at)));
    }
    ASSERT_TRUE(decoder.Finish());
    EXPECT_TRUE(sink.out == page) << "chunk " << chunk;
  }
  // A bomb is refused at the cap, whole or fed in pieces.
  const std::string bomb = Gzip(std::string(64u << 20, '\0'));
  StringSink bomb_sink(kCap);
  ContentDecoder bomb_decoder(bomb_sink, kCap);
  bomb_decoder.AddCodings("gzip");
  for (size_t at = 0; at < bomb.size(); at += 16384) {
    if (!bomb_decoder.Write(bomb.data() + at, std::min<size_t>(16384, bomb.size() - at))) break;
  }
  EXPECT_FALSE(bomb_decoder.Finish());
  EXPECT_TRUE(bomb_decoder.stopped());
  EXPECT_FALSE(bomb_decoder.failed());
  EXPECT_TRUE(bomb_sink.out.size() <= static_cast<size_t>(kCap));
  // Input beyond kMaxBufferedBytes is decoded as it arrives: a large body
  // over the cap stops the transfer soon after that much has been read.
  const std::string noise_gz = Gzip(Noise(2u << 20));
  StringSink noise_sink(100'000);
  ContentDecoder noise_decoder(noise_sink, 100'000);
  noise_decoder.AddCodings("gzip");
  size_t fed = 0;
  while (fed < noise_gz.size()) {
    size_t n = std::min<size_t>(16384, noise_gz.size() - fed);
    fed += n;
    if (!noise_decoder.Write(noise_gz.data() + fed - n, n)) break;
  }
  EXPECT_TRUE(noise_decoder.stopped());
  EXPECT_LE(fed, ContentDecoder::kMaxBufferedBytes + 16384);
}

}  // namespace
}  // namespace trawl
