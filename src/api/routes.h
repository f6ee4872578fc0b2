// The API's routes (DESIGN.md §7, docs/api.md) as plain functions of a
// request, and the table that dispatches to them. Handlers never see
// httplib: server.cpp turns its requests into ApiRequest and back.
// Internal to src/api; handlers run on the server's threads concurrently
// and share only the ApiContext (see context.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/context.h"
#include "api/json_error.h"

namespace trawl::api {

struct ApiRequest {
  std::string method;                    // "GET", "POST", …
  std::string path;                      // "/api/status/abc"
  std::vector<std::string> path_params;  // the {} segments of the route, in order
  std::multimap<std::string, std::string> query;
  std::string body;
  std::string authorization;  // the Authorization header, "" if none

  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string> Query(const std::string& name) const;
};

// Answers one request: authentication (ApiContext's token), then the route
// table; an unknown path is 404 not_found, a known path with another method
// 405 method_not_allowed (with an Allow header). Never throws.
ApiResponse Dispatch(ApiContext& ctx, ApiRequest request);

// Whether `authorization` is "Bearer <token>" for `token`, compared in
// constant time (no early exit on the first differing byte).
bool BearerMatches(const std::string& authorization, const std::string& token);

// --- jobs_routes.cpp ---------------------------------------------------------
// POST /api/process_redis (`parallel` true) and POST /api/process.
ApiResponse HandleProcess(ApiContext& ctx, const ApiRequest& request, bool parallel);
// GET /api/status/{job_id}
ApiResponse HandleStatus(ApiContext& ctx, const ApiRequest& request);
// POST /api/jobs/{job_id}/cancel
ApiResponse HandleCancel(ApiContext& ctx, const ApiRequest& request);
// POST /api/jobs/{job_id}/retry
ApiResponse HandleRetry(ApiContext& ctx, const ApiRequest& request);

// --- health_routes.cpp -------------------------------------------------------
// GET /api/health
ApiResponse HandleHealth(ApiContext& ctx, const ApiRequest& request);
// GET /api/worker_stats
ApiResponse HandleWorkerStats(ApiContext& ctx, const ApiRequest& request);

}  // namespace trawl::api
