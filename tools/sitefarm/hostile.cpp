// Hostile hosts: one handler per robustness case.
#include "sitefarm/hostile.h"

#include <fmt/format.h>
#include <zlib.h>

#include <chrono>
#include <memory>

#include "sitefarm/bulk_content.h"
#include "sitefarm/server.h"

namespace trawl::sitefarm {
namespace {

constexpr std::string_view kSuffix = ".hostile.test";
constexpr int kMaxStreamSeconds = 3600;  // every dribbling handler ends within an hour
constexpr size_t kHugeBytes = 50u << 20;
constexpr size_t kBombChunk = 1u << 20;
constexpr size_t kBombChunks = 1024;  // inflates to 1 GiB
constexpr int kDeepLevels = 100000;
constexpr size_t kHugeRobotsBytes = 10u << 20;

using Shared = std::shared_ptr<const std::string>;

// ---- bodies built once per process -----------------------------------------

std::string Deflate(z_stream& z, const std::string& in, size_t len, int flush) {
  std::string out;
  unsigned char buf[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(len);
  do {
    z.next_out = buf;
    z.avail_out = sizeof buf;
    deflate(&z, flush);
    out.append(reinterpret_cast<char*>(buf), sizeof buf - z.avail_out);
  } while (z.avail_out == 0);
  return out;
}

void PutLe32(std::string& out, uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}

// Compressing 1 GiB takes seconds, so compress 1 MiB of zeros twice with a
// full flush: the flush resets the compressor, so the second block is what
// every later MiB compresses to, and repeating it is a valid deflate stream.
// The gzip trailer's CRC is combined arithmetically.
Shared GzipBomb() {
  static const Shared bomb = [] {
    const std::string zeros(kBombChunk, '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    std::string first = Deflate(z, zeros, zeros.size(), Z_FULL_FLUSH);
    std::string again = Deflate(z, zeros, zeros.size(), Z_FULL_FLUSH);
    std::string tail = Deflate(z, zeros, 0, Z_FINISH);
    deflateEnd(&z);
    std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
    out += first;
    for (size_t k = 1; k < kBombChunks; ++k) out += again;
    out += tail;
    const uLong chunk_crc = crc32(0, reinterpret_cast<const Bytef*>(zeros.data()), kBombChunk);
    uLong crc = chunk_crc;
    for (size_t k = 1; k < kBombChunks; ++k) crc = crc32_combine(crc, chunk_crc, kBombChunk);
    PutLe32(out, static_cast<uint32_t>(crc));
    PutLe32(out, static_cast<uint32_t>((kBombChunk * kBombChunks) & 0xffffffffu));
    return std::make_shared<const std::string>(std::move(out));
  }();
  return bomb;
}

Shared DeepPage() {
  static const Shared page = [] {
    std::string out =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Deep Nesting Ltd"
        "</title></head><body>\n";
    out.reserve(12 * kDeepLevels + 512);
    for (int k = 0; k < kDeepLevels; ++k) out += "<div>";
    out += "Contact: info@deep.hostile.test";
    for (int k = 0; k < kDeepLevels; ++k) out += "</div>";
    out += "\n</body></html>\n";
    return std::make_shared<const std::string>(std::move(out));
  }();
  return page;
}

Shared HugeRobots() {
  static const Shared robots = [] {
    std::string out = "# A very long robots.txt that allows everything.\nUser-agent: *\n";
    out.reserve(kHugeRobotsBytes + 64);
    for (int k = 0; out.size() < kHugeRobotsBytes; ++k) {
      out += fmt::format("Allow: /archive/{}/section-{:06d}/\n", 2000 + k % 25, k);
    }
    out += "Disallow:\n";
    return std::make_shared<const std::string>(std::move(out));
  }();
  return robots;
}

// 64 KiB of HTML-looking text, the unit that huge and endless bodies repeat.
const std::string& FillerBlock() {
  static const std::string block = [] {
    std::string out;
    for (int k = 0; out.size() < (64u << 10); ++k) {
      out += fmt::format("<p>Paragraph {} of a page that goes on and on and on.</p>\n", k);
    }
    out.resize(64u << 10);
    return out;
  }();
  return block;
}

// ---- ordinary pages ------------------------------------------------------------

std::string NormalPage(std::string_view host, std::string_view extra = {}) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0} Ltd</title>"
      "</head>\n<body><h1>{0} Ltd</h1>\n<p>Welcome to our website.</p>\n{1}"
      "<p>Contact us: <a href=\"mailto:info@{0}\">info@{0}</a>, telephone 0161 496 0777.</p>\n"
      "<p><a href=\"/about\">About</a> <a href=\"/contact\">Contact</a></p>\n</body></html>\n",
      host, extra);
}

Response Html(std::string body, std::string type = "text/html; charset=utf-8") {
  return TextResponse(200, std::move(type), std::move(body));
}

Response Streaming(std::string content_type,
                   std::vector<std::pair<std::string, std::string>> headers,
                   std::function<void(Channel&)> stream, bool raw = false) {
  Response r;
  r.content_type = std::move(content_type);
  r.headers = std::move(headers);
  r.stream = std::move(stream);
  r.raw = raw;
  return r;
}

// ---- the hostile behaviours -------------------------------------------------

Response Drip(const Request&) {
  return Streaming("text/html; charset=utf-8",
                   {{"Content-Length", std::to_string(kMaxStreamSeconds)}}, [](Channel& ch) {
                     const std::string text =
                         "<!DOCTYPE html><html><body><p>drip" + std::string(kMaxStreamSeconds, '.');
                     for (int k = 0; k < kMaxStreamSeconds; ++k) {
                       if (!ch.Send(std::string_view(text).substr(k, 1)) || !ch.Wait(1000)) return;
                     }
                   });
}

Response Endless(const Request&) {
  return Streaming("text/html; charset=utf-8", {{"Transfer-Encoding", "chunked"}}, [](Channel& ch) {
    const std::string& block = FillerBlock();
    const std::string chunk = fmt::format("{:x}\r\n{}\r\n", block.size(), block);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(kMaxStreamSeconds);
    const std::string opening = "<!DOCTYPE html><html><body>\n";
    if (!ch.Send(fmt::format("{:x}\r\n{}\r\n", opening.size(), opening))) return;
    while (std::chrono::steady_clock::now() < deadline && ch.Send(chunk)) {
    }
  });
}

Response Huge(const Request&) {
  return Streaming("text/html; charset=utf-8", {{"Content-Length", std::to_string(kHugeBytes)}},
                   [](Channel& ch) {
                     const std::string& block = FillerBlock();
                     for (size_t sent = 0; sent < kHugeBytes; sent += block.size()) {
                       if (!ch.Send(std::string_view(block).substr(
                               0, std::min(block.size(), kHugeBytes - sent))))
                         return;
                     }
                   });
}

Response RedirectLoop(const Request& req) {
  Response r = TextResponse(302, "text/html; charset=utf-8", "<p>Moved</p>\n");
  const char* next = req.path == "/" ? "/a" : req.path == "/a" ? "/b" : "/";
  r.headers.emplace_back("Location", next);
  return r;
}

Response GzipBombPage(const Request&) {
  Response r;
  r.headers.emplace_back("Content-Encoding", "gzip");
  r.shared_body = GzipBomb();
  return r;
}

Response Pdf(const Request&) {
  return Html(
      "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 "
      "R] "
      "/Count 1>> endobj\n3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]>> endobj\n"
      "trailer <</Root 1 0 R>>\n%%EOF\n",
      "application/pdf");
}

Response Png(const Request&) {
  static constexpr unsigned char kPng[] = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
      0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
      0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
      0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f, 0x00, 0x05, 0xfe, 0x02, 0xfe, 0xa7, 0x35, 0x81,
      0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
  return Html(std::string(reinterpret_cast<const char*>(kPng), sizeof kPng), "image/png");
}

Response BadUtf8(const Request&) {
  return Html(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Broken Bytes Ltd "
      "\xff\xfe</title>"
      "</head>\n<body><h1>Broken Bytes Ltd</h1>\n<p>We fix things \xc3\x28 quickly \xe2\x82 and "
      "well \xed\xa0\x80 since 1999 \xf8\x88\x80\x80\x80.</p>\n<p>Email: "
      "<a href=\"mailto:info@badutf8.hostile.test\">info@badutf8.hostile.test</a> \x80\x81<br>\n"
      "Phone: 0161 496 0555 \xc0\xaf</p>\n</body></html>\n");
}

Response Latin1(const Request&) {
  return Html(
      "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"iso-8859-1\">"
      "<title>Gro\xdf"
      "b\xe4"
      "ckerei K\xf6hler GmbH</title></head>\n<body>"
      "<h1>Gro\xdf"
      "b\xe4"
      "ckerei K\xf6hler GmbH</h1>\n<p>Frische Br\xf6tchen und Geb\xe4"
      "ck "
      "aus unserer Backstube in der Hauptstra\xdf"
      "e 5, 10115 Berlin.</p>\n<p>E-Mail: "
      "<a href=\"mailto:info@latin1.hostile.test\">info@latin1.hostile.test</a></p>\n"
      "</body></html>\n",
      "text/html");
}

Response Deep(const Request&) {
  Response r;
  r.shared_body = DeepPage();
  return r;
}

Response Blackhole(const Request&) {
  return Streaming(
      "", {},
      [](Channel& ch) {
        for (int k = 0; k < kMaxStreamSeconds && ch.Wait(1000); ++k) {
        }
      },
      true);
}

Response SlowHeaders(const Request&) {
  return Streaming(
      "", {},
      [](Channel& ch) {
        if (!ch.Send("HTTP/1.1 200 OK\r\n")) return;
        for (int k = 0; k < kMaxStreamSeconds / 2 && ch.Wait(2000); ++k) {
          if (!ch.Send(fmt::format("X-Slow-{}: {}\r\n", k, k))) return;
        }
      },
      true);
}

Response Xss(const Request&) {
  const std::string name = "<img src=x onerror=alert(1)>";
  const std::string description = "We are <script>alert(2)</script> experts in safe websites.";
  return Html(fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title>\n"
      "<meta property=\"og:site_name\" content=\"{0}\">\n<meta name=\"description\" "
      "content=\"{1}\">\n"
      "<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":"
      "\"Organization\",\"name\":\"{2}\",\"email\":\"info@xss.hostile.test\"}}</script>\n"
      "</head>\n<body><h1>{0}</h1>\n<p class=\"description\">{1}</p>\n<p>Email: "
      "<a href=\"mailto:info@xss.hostile.test\">info@xss.hostile.test</a></p>\n</body></html>\n",
      HtmlEscape(name), HtmlEscape(description), name));
}

Response Status(int status, std::string_view host) {
  return TextResponse(status, "text/html; charset=utf-8",
                      fmt::format("<html><body><h1>{} {}</h1><p>{}</p></body></html>\n", status,
                                  StatusReason(status), host));
}

// ---- robots.txt -------------------------------------------------------------

Response Robots(std::string_view name) {
  if (name == "robots-huge") {
    Response r = TextResponse(200, "text/plain; charset=utf-8", "");
    r.shared_body = HugeRobots();
    return r;
  }
  if (name == "robots-garbage") {
    std::string garbage(8192, '\0');
    for (size_t k = 0; k < garbage.size(); ++k) garbage[k] = static_cast<char>(Mix(k) & 0xff);
    return TextResponse(200, "text/plain", std::move(garbage));
  }
  if (name == "robots-disallow")
    return TextResponse(200, "text/plain", "User-agent: *\nDisallow: /\n");
  if (name == "robots-5xx") return Status(503, "robots.txt is unavailable");
  return TextResponse(200, "text/plain", "User-agent: *\nAllow: /\n");
}

struct Behaviour {
  const char* name;  // host is name + ".hostile.test"
  Response (*serve)(const Request&);
};

Response Normal(const Request&) { return Response(); }  // marker: see Serve

constexpr Behaviour kBehaviours[] = {{"drip", Drip},
                                     {"endless", Endless},
                                     {"huge", Huge},
                                     {"redirect-loop", RedirectLoop},
                                     {"gzip-bomb", GzipBombPage},
                                     {"pdf", Pdf},
                                     {"image", Png},
                                     {"badutf8", BadUtf8},
                                     {"latin1", Latin1},
                                     {"deep", Deep},
                                     {"blackhole", Blackhole},
                                     {"robots-huge", Normal},
                                     {"robots-garbage", Normal},
                                     {"robots-disallow", Normal},
                                     {"robots-5xx", Normal},
                                     {"status500", Normal},
                                     {"notfound", Normal},
                                     {"xss", Xss},
                                     {"slowheaders", SlowHeaders}};

const Behaviour* Find(std::string_view host) {
  if (host.starts_with("www.")) host.remove_prefix(4);
  if (!host.ends_with(kSuffix)) return nullptr;
  host.remove_suffix(kSuffix.size());
  for (const Behaviour& b : kBehaviours) {
    if (host == b.name) return &b;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& HostileSites::Hosts() {
  static const std::vector<std::string> hosts = [] {
    std::vector<std::string> out;
    for (const Behaviour& b : kBehaviours)
      out.push_back(std::string(b.name) + std::string(kSuffix));
    return out;
  }();
  return hosts;
}

bool HostileSites::Knows(std::string_view host) { return Find(host) != nullptr; }

Response HostileSites::Serve(std::string_view host, const Request& req) {
  const Behaviour* b = Find(host);
  if (!b) return Status(404, "unknown host");
  std::string_view name = b->name;
  if (req.path == "/robots.txt") return Robots(name);
  if (name == "status500") return Status(500, host);
  if (name == "notfound") return Status(404, host);
  if (b->serve == Normal) return Html(NormalPage(std::string(name) + std::string(kSuffix)));
  return b->serve(req);
}

}  // namespace trawl::sitefarm
