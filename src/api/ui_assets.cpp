// Lookup and security headers of the embedded web page (ui_assets.h); the
// bytes themselves are in the generated ui_assets_data.cpp.
#include "api/ui_assets.h"

namespace trawl::api {
namespace {

// Scraped strings are shown by the page as text only; this policy is the
// second line of defence should one ever reach markup: no inline script or
// handler attribute runs, no eval, nothing is loaded or sent anywhere but
// this origin, and the page cannot be framed.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
    {"Cache-Control", "no-cache"},         {"Content-Security-Policy", kContentSecurityPolicy},
    {"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

}  // namespace

const UiAsset* FindUiAsset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const UiAsset& asset : UiAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

std::span<const std::pair<std::string_view, std::string_view>> UiAssetHeaders() { return kHeaders; }

}  // namespace trawl::api
