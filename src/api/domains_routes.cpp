// GET /api/jobs/{job_id}/domains: a job's domains in input order, each with
// its state, attempts, error in plain words, and its profile once stored —
// what the web page's job table shows. Paged like every list (limit ≤ 1000).
//
// A parallel job's tasks are in the database as pending until a worker
// stores their profile (which domain is in flight is Redis's business), so
// for those "pending" means queued or being crawled.
#include "api/request_parsing.h"
#include "api/routes.h"

namespace trawl::api {
namespace {

using nlohmann::json;

constexpr const char* kStates[] = {ToString(TaskState::kPending), ToString(TaskState::kProcessing),
                                   ToString(TaskState::kDone), ToString(TaskState::kFailed)};

json DomainEntry(const TaskRecord& task, const std::optional<StoredProfile>& profile) {
  json entry = {{"domain", task.domain},
                {"index", task.input_index},
                {"state", task.state},
                {"attempts", task.attempts},
                {"started_at", IsoOrNull(task.started_at_ms)},
                {"finished_at", IsoOrNull(task.finished_at_ms)},
                {"error", nullptr},
                {"approval", nullptr},
                {"profile", nullptr}};
  if (!task.error_code.empty()) {
    entry["error"] = {{"code", task.error_code}, {"message", task.error_message}};
  }
  if (profile) {
    entry["profile"] = ProfileForClient(*profile);
    entry["approval"] = profile->approval;
  }
  return entry;
}

}  // namespace

ApiResponse HandleDomains(ApiContext& ctx, const ApiRequest& request) {
  const std::string& id = request.path_params.at(0);
  auto paging = ParsePaging(request.Query("limit"), request.Query("offset"));
  if (!paging) return ErrorResponse(paging.error());
  std::string state = request.Query("state").value_or("");
  if (!state.empty() &&
      std::find(std::begin(kStates), std::end(kStates), state) == std::end(kStates)) {
    return ErrorResponse(400, "bad_request",
                         "parameter 'state' must be one of pending, processing, done, failed");
  }
  auto job = LoadJob(ctx, id);
  if (!job) return job.error();

  std::vector<TaskRecord> tasks;
  int64_t total = 0;
  if (auto domain = request.Query("domain")) {
    auto task = ctx.store->GetTask(id, *domain);
    if (!task) return ErrorResponse(FromLibraryError(task.error(), "database"));
    if (*task && (state.empty() || (*task)->state == state)) tasks.push_back(std::move(**task));
    total = static_cast<int64_t>(tasks.size());
  } else {
    auto count = ctx.store->CountTasks(id, state);
    if (!count) return ErrorResponse(FromLibraryError(count.error(), "database"));
    total = *count;
    if (paging->limit > 0) {
      auto listed = ctx.store->ListTasks(id, state, paging->limit, paging->offset);
      if (!listed) return ErrorResponse(FromLibraryError(listed.error(), "database"));
      tasks = std::move(*listed);
    }
  }

  json domains = json::array();
  for (const TaskRecord& task : tasks) {
    std::optional<StoredProfile> profile;
    if (Is(task.state, TaskState::kDone) || Is(task.state, TaskState::kFailed)) {
      auto stored = ctx.store->GetProfile(id, task.domain);
      if (!stored) return ErrorResponse(FromLibraryError(stored.error(), "database"));
      profile = std::move(*stored);
    }
    domains.push_back(DomainEntry(task, profile));
  }
  ApiResponse res;
  res.body = {{"job_id", id},
              {"state", state.empty() ? json(nullptr) : json(state)},
              {"total", total},
              {"limit", paging->limit},
              {"offset", paging->offset},
              {"domains", std::move(domains)}};
  return res;
}

}  // namespace trawl::api
