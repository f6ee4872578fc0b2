// The route table, path matching, and bearer-token authentication.
#include <exception>
#include <string_view>

#include "api/routes.h"
#include "core/text.h"

namespace trawl::api {
namespace {

using Handler = ApiResponse (*)(ApiContext&, const ApiRequest&);

struct Route {
  const char* method;
  const char* pattern;  // "/api/status/{}": a {} segment matches one non-empty segment
  Handler handler;
};

ApiResponse ProcessParallel(ApiContext& ctx, const ApiRequest& r) {
  return HandleProcess(ctx, r, true);
}
ApiResponse ProcessEmbedded(ApiContext& ctx, const ApiRequest& r) {
  return HandleProcess(ctx, r, false);
}

constexpr Route kRoutes[] = {
    {"POST", "/api/process_redis", ProcessParallel}, {"POST", "/api/process", ProcessEmbedded},
    {"GET", "/api/status/{}", HandleStatus},         {"POST", "/api/jobs/{}/cancel", HandleCancel},
    {"POST", "/api/jobs/{}/retry", HandleRetry},     {"GET", "/api/health", HandleHealth},
    {"GET", "/api/worker_stats", HandleWorkerStats}, {"GET", "/api/jobs", HandleListJobs},
    {"GET", "/api/approvals", HandleListApprovals},  {"POST", "/api/approvals", HandleReview},
    {"GET", "/api/jobs/{}/results", HandleExport},   {"GET", "/metrics", HandleMetrics},
    {"GET", "/api/jobs/{}/domains", HandleDomains},  {"GET", "/api/events", HandleEvents},
};

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Whether `path` fits `pattern`; the {} segments go to `params`.
bool Matches(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  std::vector<std::string_view> want = Segments(pattern);
  std::vector<std::string_view> got = Segments(path);
  if (want.size() != got.size()) return false;
  std::vector<std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "{}") {
      if (got[i].empty()) return false;
      found.emplace_back(got[i]);
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

// What --token guards: the API, and the metrics (queue, workers' hosts).
bool NeedsToken(std::string_view path) { return IsApiPath(path) || path == "/metrics"; }

}  // namespace

std::optional<std::string> ApiRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<std::string, std::string>> RouteTable() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& route : kRoutes) out.emplace_back(route.method, route.pattern);
  return out;
}

bool BearerMatches(const std::string& authorization, const std::string& token) {
  constexpr std::string_view kScheme = "Bearer ";
  std::string_view given = authorization;
  if (given.size() < kScheme.size()) return false;
  // The scheme is case-insensitive (RFC 9110 §11.1); the token is not.
  if (!EqualsIgnoreAsciiCase(given.substr(0, kScheme.size()), kScheme)) return false;
  given.remove_prefix(kScheme.size());
  // Constant time in the token's content: every byte of the longer string is
  // visited whatever the first difference, and the lengths are folded in.
  size_t n = std::max(given.size(), token.size());
  unsigned diff = given.size() == token.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    unsigned char b = i < token.size() ? static_cast<unsigned char>(token[i]) : 0;
    diff |= static_cast<unsigned>(a ^ b);
  }
  return diff == 0 && !token.empty();
}

ApiResponse Dispatch(ApiContext& ctx, ApiRequest request) {
  try {
    if (NeedsToken(request.path) && !ctx.options.token.empty() &&
        !BearerMatches(request.authorization, ctx.options.token)) {
      ApiResponse res =
          ErrorResponse(401, "unauthorized",
                        "this server needs 'Authorization: Bearer <token>' (trawl serve --token)");
      res.headers.emplace_back("WWW-Authenticate", "Bearer");
      return res;
    }
    std::string allowed;
    // HEAD is answered like GET (httplib drops the body).
    std::string method = request.method == "HEAD" ? "GET" : request.method;
    for (const Route& route : kRoutes) {
      std::vector<std::string> params;
      if (!Matches(route.pattern, request.path, params)) continue;
      if (method == route.method) {
        request.path_params = std::move(params);
        return route.handler(ctx, request);
      }
      if (!allowed.empty()) allowed += ", ";
      allowed += route.method;
    }
    if (!allowed.empty()) {
      ApiResponse res = ErrorResponse(
          405, "method_not_allowed",
          request.method + " is not allowed on " + request.path + " (allowed: " + allowed + ")");
      res.headers.emplace_back("Allow", allowed);
      return res;
    }
    return ErrorResponse(404, "not_found", "no such endpoint: " + request.path);
  } catch (const std::exception& e) {
    // A bug (e.g. a nlohmann type error): answer 500 rather than drop the
    // connection, and say where.
    return ErrorResponse(500, "internal", std::string("internal error: ") + e.what());
  }
}

}  // namespace trawl::api
