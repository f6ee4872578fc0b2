// The HTML pages the parse and extract benchmarks read: every *.html under
// $TRAWL_BENCH_DIRS (colon-separated), by default the real-world pages and
// tests/fixtures/sites. Each directory holds one folder per site; a page's
// URL is https://<site>/<path under it>. Needs TRAWL_SOURCE_DIR defined.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace trawl::bench {

struct CorpusFile {
  std::string site;
  std::string url;
  std::string html;
};

// Sorted by site, then URL. Missing directories are skipped.
inline std::vector<CorpusFile> LoadBenchCorpus() {
  namespace fs = std::filesystem;
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("TRAWL_BENCH_DIRS")) {
    std::stringstream ss(env);
    for (std::string d; std::getline(ss, d, ':');) dirs.push_back(d);
  } else {
    dirs = {std::string(TRAWL_SOURCE_DIR) + "/../shared/realworld/sites",
            std::string(TRAWL_SOURCE_DIR) + "/tests/fixtures/sites"};
  }
  std::vector<CorpusFile> out;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& site : fs::directory_iterator(dir, ec)) {
      if (!site.is_directory()) continue;
      for (const auto& f : fs::recursive_directory_iterator(site.path(), ec)) {
        if (f.path().extension() != ".html") continue;
        std::ifstream in(f.path(), std::ios::binary);
        std::stringstream body;
        body << in.rdbuf();
        std::string host = site.path().filename().string();
        out.push_back({host, "https://" + host + "/" + fs::relative(f.path(), site.path()).string(),
                       body.str()});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const CorpusFile& a, const CorpusFile& b) {
    return a.site != b.site ? a.site < b.site : a.url < b.url;
  });
  return out;
}

}  // namespace trawl::bench
