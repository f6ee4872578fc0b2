// The web page of `trawl serve` (src/api/ui/: HTML, JS, CSS), built into the
// binary by cmake/EmbedUiAssets.cmake, so the page works offline and needs
// no files beside the binary. The assets hold no data (the page reads /api
// with the token), so they are served without one.
// Immutable static data: thread-safe, nothing to free.
#pragma once

#include <span>
#include <string_view>
#include <utility>

namespace trawl::api {

struct UiAsset {
  std::string_view path;          // "/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // "\"…\"": a quoted prefix of the content's SHA-256
  std::string_view body;
};

// Every embedded file, sorted by path (generated). Cannot fail.
std::span<const UiAsset> UiAssets();

// The asset served at `path` ("/" is /index.html); nullptr when there is
// none, and the caller answers as for any unknown path. Cannot fail.
const UiAsset* FindUiAsset(std::string_view path);

// The headers every asset answer carries: Cache-Control: no-cache (the
// browser revalidates with the ETag, so a new binary's page is never
// stale), a Content-Security-Policy that allows only this origin's own
// scripts, styles and connections (no inline script, no eval), nosniff,
// Referrer-Policy: no-referrer, and framing denied. Cannot fail.
std::span<const std::pair<std::string_view, std::string_view>> UiAssetHeaders();

}  // namespace trawl::api
