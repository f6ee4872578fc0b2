// The API's routes (DESIGN.md §7, docs/api.md) as plain functions of a
// request, and the table that dispatches to them. Handlers never see
// httplib: server.cpp turns its requests into ApiRequest and back.
// Internal to src/api; handlers run on the server's threads concurrently
// and share only the ApiContext (see context.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/context.h"
#include "api/job_view.h"
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

// Every route the server answers, as (method, path pattern) in table order;
// a path parameter shows as "{}" ("/api/status/{}"). docs/openapi.yaml is
// checked against it (tests/unit/openapi_test.cpp). Cannot fail.
std::vector<std::pair<std::string, std::string>> RouteTable();

// --- views shared by the route files (jobs_routes.cpp) ------------------------
// An ISO 8601 UTC time, or null for an unset (or non-positive) time.
nlohmann::json IsoOrNull(std::optional<int64_t> ms);
// The profile as clients see it: the stored profile JSON with the reviewer's
// edits (edited_json) laid over it, key by key. Cannot fail: a profile that
// does not parse shows as {domain, status}.
nlohmann::json ProfileForClient(const StoredProfile& stored);
// The job `id` from the store; on failure the response to send: 404
// not_found for an unknown job, 503/500 for a database error.
[[nodiscard]] tl::expected<JobRecord, ApiResponse> LoadJob(ApiContext& ctx, const std::string& id);
// The view of a loaded job (job_view.h): Redis's live facts laid over the
// database's for a parallel job; the database's alone when Redis is not
// configured, away, or lacks the job. Cannot fail.
JobView LoadJobView(ApiContext& ctx, const JobRecord& stored);

// The job as GET /api/status/{id} shows it, without approved_data (also the
// data of the SSE `job` event): live counters from Redis for a parallel job,
// approved_total, pending_approval, in_flight (embedded). On failure the
// response to send (404 unknown job, 503/500 database).
[[nodiscard]] tl::expected<nlohmann::json, ApiResponse> JobStatusView(ApiContext& ctx,
                                                                      const std::string& id);

// --- jobs_routes.cpp ---------------------------------------------------------
// POST /api/process_redis (`parallel` true) and POST /api/process.
ApiResponse HandleProcess(ApiContext& ctx, const ApiRequest& request, bool parallel);
// GET /api/status/{job_id}
ApiResponse HandleStatus(ApiContext& ctx, const ApiRequest& request);
// POST /api/jobs/{job_id}/cancel
ApiResponse HandleCancel(ApiContext& ctx, const ApiRequest& request);
// POST /api/jobs/{job_id}/retry
ApiResponse HandleRetry(ApiContext& ctx, const ApiRequest& request);
// GET /api/jobs?limit=&offset=
ApiResponse HandleListJobs(ApiContext& ctx, const ApiRequest& request);

// --- approvals_routes.cpp ----------------------------------------------------
// GET /api/approvals?job_id=&state=&limit=&offset=
ApiResponse HandleListApprovals(ApiContext& ctx, const ApiRequest& request);
// POST /api/approvals: approve or reject profiles, with edits.
ApiResponse HandleReview(ApiContext& ctx, const ApiRequest& request);

// --- export_routes.cpp -------------------------------------------------------
// GET /api/jobs/{job_id}/results?format=jsonl|json|csv&approved=0|1: the
// job's profiles, streamed page by page (see docs/api.md).
ApiResponse HandleExport(ApiContext& ctx, const ApiRequest& request);

// --- events_routes.cpp -------------------------------------------------------
// GET /api/events?job_id=: Server-Sent Events of job progress (docs/api.md).
ApiResponse HandleEvents(ApiContext& ctx, const ApiRequest& request);

// --- domains_routes.cpp ------------------------------------------------------
// GET /api/jobs/{job_id}/domains?state=&domain=&limit=&offset=: the job's
// domains with their state, error and profile.
ApiResponse HandleDomains(ApiContext& ctx, const ApiRequest& request);

// --- metrics_routes.cpp ------------------------------------------------------
// GET /metrics: Prometheus text format (docs/api.md). Always 200: a database
// or Redis that does not answer shows as trawl_database_up / trawl_redis_up 0.
ApiResponse HandleMetrics(ApiContext& ctx, const ApiRequest& request);

// --- health_routes.cpp -------------------------------------------------------
// GET /api/health
ApiResponse HandleHealth(ApiContext& ctx, const ApiRequest& request);
// GET /api/worker_stats
ApiResponse HandleWorkerStats(ApiContext& ctx, const ApiRequest& request);

}  // namespace trawl::api
