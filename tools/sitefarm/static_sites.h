// Static fixture sites: each `--sites DIR` holds one folder per host
// (`DIR/acme.test/index.html`), served with the path mapping of
// /work/shared/realworld/SOURCES.md. Immutable after Load(); thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "sitefarm/http_message.h"

namespace trawl::sitefarm {

class StaticSites {
 public:
  // Indexes the host folders of every dir (folder names lower-cased; the
  // first dir that has a host wins). Fails with kIo when a dir is unreadable.
  static Result<StaticSites> Load(const std::vector<std::string>& dirs);

  // The folder that serves `host`: exact match, else `host` without a leading
  // "www.". nullptr when neither exists.
  const std::filesystem::path* Find(std::string_view host) const;

  // Answers `req` from `root` (a Find() result). Mapping: `/` -> index.html,
  // `/x/` -> x/index.html, `/x` -> the file x, else x/index.html, else
  // x.html. The path is percent-decoded, so an encoded `%3F` stays part of
  // the file name; with a literal query, `path?query` is first tried as a
  // file name. `..` segments get 404. Never fails: errors are responses.
  Response Serve(const std::filesystem::path& root, const Request& req) const;

  size_t size() const { return hosts_.size(); }
  // The host names served, sorted.
  std::vector<std::string> Hosts() const;

 private:
  std::unordered_map<std::string, std::filesystem::path> hosts_;
};

// The Content-Type the farm sends for a file name, by extension.
std::string ContentTypeFor(std::string_view file_name);

}  // namespace trawl::sitefarm
