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

constexpr const char* kUsage =
    "usage: trawl robots ROBOTS_FILE USER_AGENT URL\n"
    "\n"
    "Checks URL against the robots.txt in ROBOTS_FILE for USER_AGENT (RFC 9309).\n"
    "URL is an absolute http(s) URL or a path such as /a/b?x=1.\n"
    "Prints 'allowed' or 'disallowed'. Exit status: 0 allowed, 1 disallowed,\n"
    "2 usage error (wrong arguments, unreadable file, bad URL).\n";

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

int RunRobots(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  if (argc != 4) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string body;
  if (!ReadFile(argv[1], body)) {
    std::fprintf(stderr, "trawl robots: cannot read '%s'\n", argv[1]);
    return 2;
  }
  std::string path;
  if (!PathAndQuery(argv[3], path)) {
    std::fprintf(stderr, "trawl robots: not an http(s) URL or path: '%s'\n", argv[3]);
    return 2;
  }
  RobotsRules rules = RobotsRules::Parse(body, argv[2]);
  bool allowed = rules.Allowed(path);
  std::puts(allowed ? "allowed" : "disallowed");
  return allowed ? 0 : 1;
}

}  // namespace trawl
