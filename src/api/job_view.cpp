// The job view (job_view.h): each fact from its owner, and its JSON.
#include "api/job_view.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace trawl::api {

using nlohmann::json;

namespace {

json TimeOrNull(std::optional<int64_t> ms) {
  if (!ms || *ms <= 0) return nullptr;
  return FormatIsoTime(*ms);
}

double Round2(double x) { return std::round(x * 100.0) / 100.0; }

// Domains finished per minute since the job started (until it finished).
double DomainsPerMinute(const JobRecord& job, int64_t now_ms) {
  if (!job.started_at_ms) return 0;
  int64_t end = job.finished_at_ms.value_or(now_ms);
  double minutes = static_cast<double>(end - *job.started_at_ms) / 60'000.0;
  if (minutes <= 0) return 0;
  return Round2(static_cast<double>(job.completed + job.failed) / minutes);
}

// The job's completion webhook (api/webhook.h), null when it has none.
json WebhookToJson(const JobRecord& job) {
  if (job.webhook_url.empty()) return nullptr;
  return {
      {"url", job.webhook_url},
      {"status", job.webhook_status},
      {"attempts", job.webhook_attempts},
      {"last_error", job.webhook_last_error.empty() ? json(nullptr) : json(job.webhook_last_error)},
      {"delivered_at", TimeOrNull(job.webhook_delivered_at_ms)}};
}

}  // namespace

JobView BuildJobView(const JobRecord& stored, const QueueJob* live) {
  JobView view{stored, kFromDatabase};
  if (live == nullptr || stored.mode != kModeParallel) return view;
  // Redis counts each domain once as workers acknowledge it; the database's
  // task states catch up as profiles are stored, so Redis is ahead.
  JobRecord& job = view.job;
  view.counters_from = kFromRedis;
  if (!live->status.empty()) job.status = live->status;
  job.total = live->total;
  job.completed = live->completed;
  job.failed = live->failed;
  if (live->started_at_ms > 0) job.started_at_ms = live->started_at_ms;
  if (live->finished_at_ms > 0) job.finished_at_ms = live->finished_at_ms;
  return view;
}

json JobViewToJson(const JobView& view, int64_t now_ms) {
  const JobRecord& job = view.job;
  return {
      {"job_id", job.id},
      {"status", job.status},
      {"mode", job.mode},
      {"total", job.total},
      {"completed", job.completed},
      {"failed", job.failed},
      {"created_at", TimeOrNull(job.created_at_ms)},
      {"started_at", TimeOrNull(job.started_at_ms)},
      {"finished_at", TimeOrNull(job.finished_at_ms)},
      {"domains_per_minute", DomainsPerMinute(job, now_ms)},
      {"fallback_reason", job.fallback_reason.empty() ? json(nullptr) : json(job.fallback_reason)},
      {"webhook", WebhookToJson(job)}};
}

QueueJob ToQueueJob(const JobRecord& stored) {
  QueueJob queued;
  queued.id = stored.id;
  queued.status = stored.status;
  queued.mode = stored.mode;
  queued.total = stored.total;
  queued.created_at_ms = stored.created_at_ms;
  queued.options_json = stored.options_json;
  return queued;
}

}  // namespace trawl::api
