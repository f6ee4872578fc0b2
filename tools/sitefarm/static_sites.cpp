// Static fixture sites served from folders, one per host.
#include "sitefarm/static_sites.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>

#include "core/text.h"

namespace trawl::sitefarm {
namespace {

namespace fs = std::filesystem;
constexpr uintmax_t kMaxFileBytes = 64u << 20;
constexpr size_t kCharsetSniffBytes = 2048;

bool IsFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool IsDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// Maps a decoded absolute path onto a file below `root`, or nullopt.
std::optional<fs::path> Resolve(const fs::path& root, std::string_view decoded) {
  if (decoded.empty() || decoded.front() != '/') return std::nullopt;
  fs::path p = root;
  bool any = false;
  size_t pos = 1;
  while (pos <= decoded.size()) {
    size_t slash = decoded.find('/', pos);
    if (slash == std::string_view::npos) slash = decoded.size();
    std::string_view seg = decoded.substr(pos, slash - pos);
    pos = slash + 1;
    if (seg == "..") return std::nullopt;
    if (seg.empty() || seg == ".") continue;
    p /= fs::path(std::string(seg));
    any = true;
  }
  const bool folder_form = !any || decoded.back() == '/';
  if (folder_form) return IsFile(p / "index.html") ? std::optional(p / "index.html") : std::nullopt;
  if (IsFile(p)) return p;
  if (IsDir(p)) return IsFile(p / "index.html") ? std::optional(p / "index.html") : std::nullopt;
  fs::path with_html = p;
  with_html += ".html";
  if (IsFile(with_html)) return with_html;
  return std::nullopt;
}

std::optional<std::string> ReadFile(const fs::path& p) {
  std::error_code ec;
  uintmax_t size = fs::file_size(p, ec);
  if (ec || size > kMaxFileBytes) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

// True when the page's first bytes declare a charset other than UTF-8: the
// farm then leaves the charset out of Content-Type, as many servers do, so
// that clients must read the page's own declaration.
bool DeclaresOtherCharset(std::string_view html) {
  std::string head = AsciiLower(html.substr(0, kCharsetSniffBytes));
  size_t at = head.find("charset=");
  if (at == std::string::npos) return false;
  std::string_view value = std::string_view(head).substr(at + 8);
  while (!value.empty() && (value.front() == '"' || value.front() == '\'')) value.remove_prefix(1);
  return !(value.starts_with("utf-8") || value.starts_with("utf8"));
}

Response NotFound() {
  return TextResponse(404, "text/html; charset=utf-8",
                      "<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
                      "<body><h1>Not Found</h1></body></html>\n");
}

}  // namespace

std::string ContentTypeFor(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  std::string ext = dot == std::string_view::npos ? "" : AsciiLower(file_name.substr(dot + 1));
  if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "xml") return "application/xml";
  if (ext == "json") return "application/json";
  if (ext == "css") return "text/css";
  if (ext == "js") return "text/javascript";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "pdf") return "application/pdf";
  return "application/octet-stream";
}

Result<StaticSites> StaticSites::Load(const std::vector<std::string>& dirs) {
  StaticSites sites;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    if (ec)
      return Fail(ErrorCode::kIo, fmt::format("cannot read sites dir {}: {}", dir, ec.message()));
    for (; it != end; it.increment(ec)) {
      if (ec)
        return Fail(ErrorCode::kIo, fmt::format("cannot read sites dir {}: {}", dir, ec.message()));
      if (!it->is_directory(ec)) continue;
      sites.hosts_.emplace(AsciiLower(it->path().filename().string()), it->path());
    }
  }
  return sites;
}

const fs::path* StaticSites::Find(std::string_view host) const {
  auto it = hosts_.find(std::string(host));
  if (it == hosts_.end() && host.starts_with("www.")) it = hosts_.find(std::string(host.substr(4)));
  return it == hosts_.end() ? nullptr : &it->second;
}

std::vector<std::string> StaticSites::Hosts() const {
  std::vector<std::string> out;
  for (const auto& [host, root] : hosts_) out.push_back(host);
  std::sort(out.begin(), out.end());
  return out;
}

Response StaticSites::Serve(const fs::path& root, const Request& req) const {
  auto path = PercentDecode(req.path);
  if (!path) return TextResponse(400, "text/plain; charset=utf-8", path.error().message + "\n");
  std::optional<fs::path> file;
  if (req.has_query) {
    // WordPress exports store `index.html?p=211.html` as a file name.
    auto query = PercentDecode(req.query);
    if (query) file = Resolve(root, *path + "?" + *query);
  }
  if (!file) file = Resolve(root, *path);
  if (!file) return NotFound();
  auto data = ReadFile(*file);
  if (!data) return NotFound();
  Response r;
  r.content_type = ContentTypeFor(file->filename().string());
  if (r.content_type.starts_with("text/html") && DeclaresOtherCharset(*data)) {
    r.content_type = "text/html";
  }
  r.compressible = r.content_type.starts_with("text/") ||
                   r.content_type.starts_with("application/xml") ||
                   r.content_type.starts_with("application/json");
  r.body = std::move(*data);
  return r;
}

}  // namespace trawl::sitefarm
