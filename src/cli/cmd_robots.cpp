// `trawl robots ROBOTS_FILE USER_AGENT URL`: checks one URL against a local
// robots.txt file (RFC 9309), like google/robotstxt's robots_main.
#include <cstdio>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "core/url.h"
#include "fetch/robots.h"

namespace trawl {
namespace {

// Reads what Parse will look at: one byte past the RFC 9309 §2.5 limit tells
// Parse to cut at a line boundary, as it would for a fetched body. False when
// the file cannot be read (missing, a directory, an I/O error).
bool ReadFile(const char* path, std::string& out) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return false;
  out.resize(kRobotsMaxBytes + 1);
  size_t n = std::fread(out.data(), 1, out.size(), f);
  bool ok = !std::ferror(f);
  std::fclose(f);
  out.resize(n);
  return ok;
}

// The part of `url` robots.txt rules apply to. False for an unusable URL.
bool PathAndQuery(std::string_view url, std::string& out) {
  if (url.starts_with("/")) {
    out = std::string(url.substr(0, url.find('#')));
    return true;
  }
  auto parts = ParseUrl(url);
  if (!parts) return false;
  out = parts->path;
  if (!parts->query.empty()) out += "?" + parts->query;
  return true;
}

}  // namespace

int RunRobots(Settings& s) {
  std::string body;
  if (!ReadFile(s.robots_file.c_str(), body)) {
    std::fprintf(stderr, "trawl robots: cannot read '%s'\n", s.robots_file.c_str());
    return 2;
  }
  std::string path;
  if (!PathAndQuery(s.robots_url, path)) {
    std::fprintf(stderr, "trawl robots: not an http(s) URL or path: '%s'\n", s.robots_url.c_str());
    return 2;
  }
  RobotsRules rules = RobotsRules::Parse(body, s.robots_agent);
  bool allowed = rules.Allowed(path);
  std::puts(allowed ? "allowed" : "disallowed");
  return allowed ? 0 : 1;
}

}  // namespace trawl
