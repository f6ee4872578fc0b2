// The job endpoints: submit (parallel or embedded), status with the approved
// profiles, the jobs list, cancel and retry. Every refusal happens before the first write,
// so a 4xx leaves nothing stored or queued.
#include <fmt/core.h>

#include <unordered_map>

#include "api/job_view.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "core/clock.h"

namespace trawl::api {

using nlohmann::json;

namespace {

ApiResponse DatabaseError(const Error& error) {
  return ErrorResponse(FromLibraryError(error, "database"));
}

// Whether Redis answers; the reason it is not used otherwise.
std::string RedisProblem(ApiContext& ctx, QueuePool::Lease* lease) {
  if (!ctx.queues->configured()) return "redis not configured";
  bool was_connected = (*lease)->client().connected();
  auto ping = (*lease)->client().Ping();
  // A pooled connection may be stale (Redis restarted since): the failed
  // call closed it, so one more try dials afresh. A fresh dial that failed
  // is not repeated (an unreachable host would cost the timeout twice).
  if (!ping && was_connected) ping = (*lease)->client().Ping();
  if (!ping) return "redis unreachable: " + ping.error().message;
  return "";
}

// Every task of a job in `state`, paged through so no one call is huge.
Result<std::vector<TaskRecord>> AllTasks(Store& store, const std::string& job_id,
                                         const std::string& state, int64_t total) {
  constexpr int kPage = 10'000;
  std::vector<TaskRecord> out;
  for (int64_t offset = 0; offset <= total; offset += kPage) {
    auto page = store.ListTasks(job_id, state, kPage, offset);
    if (!page) return tl::unexpected(page.error());
    out.insert(out.end(), page->begin(), page->end());
    if (static_cast<int>(page->size()) < kPage) break;
  }
  return out;
}

// Puts a job that Redis could not take into the embedded runner.
Result<void> FallBackToEmbedded(ApiContext& ctx, const std::string& job_id,
                                const std::string& reason) {
  auto changed = ctx.store->SetJobMode(job_id, kModeEmbedded, reason);
  if (!changed) return tl::unexpected(changed.error());
  ctx.runner->Wake();
  return {};
}

}  // namespace

// --- views shared with the other route files (declared in routes.h) ---------

json IsoOrNull(std::optional<int64_t> ms) {
  if (!ms || *ms <= 0) return nullptr;
  return FormatIsoTime(*ms);
}

json ProfileForClient(const StoredProfile& stored) {
  json profile = json::parse(stored.profile_json, nullptr, false);
  if (profile.is_discarded() || !profile.is_object()) {
    profile = {{"domain", stored.domain}, {"status", stored.ok ? "ok" : "failed"}};
  }
  if (!stored.edited_json.empty()) {
    json edits = json::parse(stored.edited_json, nullptr, false);
    if (edits.is_object()) {
      for (auto it = edits.begin(); it != edits.end(); ++it) profile[it.key()] = it.value();
    }
  }
  return profile;
}

tl::expected<JobRecord, ApiResponse> LoadJob(ApiContext& ctx, const std::string& id) {
  auto job = ctx.store->GetJob(id);
  if (!job) return tl::unexpected(DatabaseError(job.error()));
  if (!*job) return tl::unexpected(ErrorResponse(404, "not_found", "no job with id '" + id + "'"));
  return std::move(**job);
}

JobView LoadJobView(ApiContext& ctx, const JobRecord& stored) {
  if (stored.mode != kModeParallel || !ctx.queues->configured()) {
    return BuildJobView(stored, nullptr);
  }
  auto lease = ctx.queues->Acquire();
  auto live = lease->GetJob(stored.id);
  // Redis away, or the job not in it: the database's facts stand in.
  return BuildJobView(stored, live && *live ? &**live : nullptr);
}

// --- the handlers ------------------------------------------------------------

namespace {
// Tells this server's live event streams that the job changed (created,
// cancelled, retried); they send its new view.
void AnnounceJob(ApiContext& ctx, const std::string& id) {
  if (ctx.events)
    ctx.events->Publish({id, "job", json({{"type", "job"}, {"job_id", id}}).dump(), ""});
}
}  // namespace

ApiResponse HandleProcess(ApiContext& ctx, const ApiRequest& request, bool parallel) {
  auto parsed = ParseJobRequest(request.body, ctx.options.max_job_domains);
  if (!parsed) return ErrorResponse(parsed.error());
  if (!parsed->options.webhook_url.empty() && ctx.options.webhook_secret.empty()) {
    return ErrorResponse(400, "bad_request",
                         "webhook_url needs the server's --webhook-secret (TRAWL_WEBHOOK_SECRET): "
                         "webhooks are signed with it");
  }
  const std::vector<std::string>& domains = parsed->domains.domains;

  JobRecord job;
  job.id = RandomHexId(8);
  job.status = ToString(JobStatus::kPending);
  job.total = static_cast<int64_t>(domains.size());
  job.created_at_ms = NowMs();
  job.options_json = parsed->options_json;

  std::optional<QueuePool::Lease> lease;
  std::string fallback;
  if (parallel) {
    if (ctx.queues->configured()) lease.emplace(ctx.queues->Acquire());
    fallback = RedisProblem(ctx, lease ? &*lease : nullptr);
  }
  bool in_redis = parallel && fallback.empty();
  job.mode = in_redis ? kModeParallel : kModeEmbedded;
  job.fallback_reason = fallback;
  if (auto created = ctx.store->CreateJob(job, domains); !created)
    return DatabaseError(created.error());

  if (in_redis) {
    auto enqueued = (*lease)->EnsureGroup();
    if (enqueued) enqueued = (*lease)->CreateJob(ToQueueJob(job), domains);
    if (!enqueued) {
      // Redis answered the ping but not the enqueue (it went away, or is
      // out of memory under noeviction): the job still runs, embedded.
      job.mode = kModeEmbedded;
      job.fallback_reason = "redis enqueue failed: " + enqueued.error().message;
      if (auto moved = FallBackToEmbedded(ctx, job.id, job.fallback_reason); !moved) {
        return DatabaseError(moved.error());
      }
    }
  } else {
    ctx.runner->Wake();
  }

  ApiResponse res;
  res.status = 202;
  json rejected = json::array();
  for (const RejectedInput& r : parsed->domains.rejected) {
    rejected.push_back({{"input", r.input}, {"reason", r.reason}});
  }
  res.body = {{"job_id", job.id},
              {"mode", job.mode},
              {"status", job.status},
              {"total", job.total},
              {"rejected", std::move(rejected)},
              {"duplicates", parsed->domains.duplicates},
              {"status_url", "/api/status/" + job.id}};
  if (!job.fallback_reason.empty()) res.body["fallback_reason"] = job.fallback_reason;
  res.headers.emplace_back("Location", "/api/status/" + job.id);
  AnnounceJob(ctx, job.id);
  return res;
}

tl::expected<json, ApiResponse> JobStatusView(ApiContext& ctx, const std::string& id) {
  auto loaded = LoadJob(ctx, id);
  if (!loaded) return tl::unexpected(loaded.error());
  JobView job_view = LoadJobView(ctx, *loaded);
  const JobRecord& job = job_view.job;
  auto approved_total = ctx.store->CountProfiles(id, ToString(ApprovalState::kApproved));
  if (!approved_total) return tl::unexpected(DatabaseError(approved_total.error()));
  auto pending_approval = ctx.store->CountProfiles(id, ToString(ApprovalState::kPending));
  if (!pending_approval) return tl::unexpected(DatabaseError(pending_approval.error()));

  json view = JobViewToJson(job_view, NowMs());
  view["counters_from"] = job_view.counters_from;
  view["approved_total"] = *approved_total;
  view["pending_approval"] = *pending_approval;
  if (job.mode == kModeEmbedded) {
    auto processing = ctx.store->CountTasks(id, ToString(TaskState::kProcessing));
    if (processing) view["in_flight"] = *processing;
  }
  return view;
}

ApiResponse HandleStatus(ApiContext& ctx, const ApiRequest& request) {
  const std::string& id = request.path_params.at(0);
  auto paging = ParsePaging(request.Query("limit"), request.Query("offset"));
  if (!paging) return ErrorResponse(paging.error());
  auto view = JobStatusView(ctx, id);
  if (!view) return view.error();

  std::vector<StoredProfile> profiles;
  if (paging->limit > 0) {
    ProfileQuery query;
    query.job_id = id;
    query.approval = ToString(ApprovalState::kApproved);
    query.limit = paging->limit;
    query.offset = paging->offset;
    auto listed = ctx.store->ListProfiles(query);
    if (!listed) return DatabaseError(listed.error());
    profiles = std::move(*listed);
  }
  json& body = *view;
  body["limit"] = paging->limit;
  body["offset"] = paging->offset;
  // The page of profiles is spliced in as stored: parsing each one only to
  // write it out again was most of this route's cost (clients poll it).
  // A profile with reviewer edits, or one that is not a JSON object, goes
  // through ProfileForClient.
  std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  text.pop_back();  // the closing brace
  text += ",\"approved_data\":[";
  for (size_t i = 0; i < profiles.size(); ++i) {
    const StoredProfile& p = profiles[i];
    if (i > 0) text += ',';
    std::string_view raw = p.profile_json;
    if (p.edited_json.empty() && raw.starts_with('{') && json::accept(raw)) {
      text += raw;
    } else {
      text += ProfileForClient(p).dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  text += "]}";
  ApiResponse res;
  res.content_type = "application/json";
  res.text = std::move(text);
  return res;
}

ApiResponse HandleCancel(ApiContext& ctx, const ApiRequest& request) {
  const std::string& id = request.path_params.at(0);
  auto loaded = LoadJob(ctx, id);
  if (!loaded) return loaded.error();
  const JobRecord& job = *loaded;
  // Redis turns a parallel job completed before the store hears of it.
  const std::string status = LoadJobView(ctx, job).job.status;
  if (Is(status, JobStatus::kCompleted)) {
    return ErrorResponse(409, "job_finished", "job '" + id + "' is already completed");
  }
  auto changed = ctx.store->MarkJobFinished(id, ToString(JobStatus::kCancelled), NowMs());
  if (!changed) return DatabaseError(changed.error());
  ApiResponse res;
  res.body = {{"job_id", id},
              {"status", ToString(JobStatus::kCancelled)},
              {"mode", job.mode},
              {"changed", *changed}};
  if (job.mode == kModeParallel && ctx.queues->configured()) {
    // Workers skip the tasks of a job Redis holds as cancelled.
    auto cancelled = ctx.queues->Acquire()->CancelJob(id);
    if (!cancelled) res.body["warning"] = "redis: " + cancelled.error().message;
  } else {
    ctx.runner->Wake();
  }
  if (*changed) AnnounceJob(ctx, id);
  return res;
}

ApiResponse HandleRetry(ApiContext& ctx, const ApiRequest& request) {
  const std::string& id = request.path_params.at(0);
  auto loaded = LoadJob(ctx, id);
  if (!loaded) return loaded.error();
  const JobRecord& job = *loaded;
  if (Is(job.status, JobStatus::kCancelled)) {
    return ErrorResponse(409, "job_cancelled",
                         "job '" + id + "' was cancelled; submit its domains again");
  }
  bool parallel = job.mode == kModeParallel;
  std::optional<QueuePool::Lease> lease;
  if (parallel) {
    if (ctx.queues->configured()) lease.emplace(ctx.queues->Acquire());
    std::string problem = RedisProblem(ctx, lease ? &*lease : nullptr);
    if (!problem.empty())
      return ErrorResponse(503, "redis_unavailable", "cannot retry a parallel job: " + problem);
  }
  auto failed = AllTasks(*ctx.store, id, ToString(TaskState::kFailed), job.total);
  if (!failed) return DatabaseError(failed.error());
  std::unordered_map<std::string, int> index_of;
  for (const TaskRecord& t : *failed) index_of[t.domain] = t.input_index;

  auto reopened = ctx.store->ReopenFailedTasks(id);
  if (!reopened) return DatabaseError(reopened.error());
  ApiResponse res;
  res.body = {
      {"job_id", id}, {"retried", reopened->size()}, {"mode", job.mode}, {"status", job.status}};
  if (reopened->empty()) return res;
  if (auto ok = ctx.store->ReopenJob(id); !ok) return DatabaseError(ok.error());
  res.body["status"] = ToString(JobStatus::kProcessing);
  if (parallel) {
    std::vector<int> indexes;
    indexes.reserve(reopened->size());
    for (const std::string& d : *reopened) indexes.push_back(index_of.count(d) ? index_of[d] : 0);
    auto requeued = (*lease)->RetryDomains(id, *reopened, indexes);
    if (!requeued) {
      std::string reason = "redis retry failed: " + requeued.error().message;
      if (auto moved = FallBackToEmbedded(ctx, id, reason); !moved)
        return DatabaseError(moved.error());
      res.body["mode"] = kModeEmbedded;
      res.body["fallback_reason"] = reason;
    }
  } else {
    ctx.runner->Wake();
  }
  AnnounceJob(ctx, id);
  return res;
}

ApiResponse HandleListJobs(ApiContext& ctx, const ApiRequest& request) {
  auto paging = ParsePaging(request.Query("limit"), request.Query("offset"));
  if (!paging) return ErrorResponse(paging.error());
  // Counters come from the database: a parallel job's catch up with Redis
  // as workers store profiles, and one Redis round trip per listed job
  // would make a page of 1000 jobs slow. The status route has the live ones.
  json jobs = json::array();
  if (paging->limit > 0) {
    auto listed = ctx.store->ListJobs(paging->limit, paging->offset);
    if (!listed) return DatabaseError(listed.error());
    int64_t now_ms = NowMs();
    for (const JobRecord& job : *listed) {
      jobs.push_back(JobViewToJson(BuildJobView(job, nullptr), now_ms));
    }
  }
  auto total = ctx.store->CountJobs();
  if (!total) return DatabaseError(total.error());
  ApiResponse res;
  res.body = {{"jobs", std::move(jobs)},
              {"total", *total},
              {"limit", paging->limit},
              {"offset", paging->offset}};
  return res;
}

}  // namespace trawl::api
