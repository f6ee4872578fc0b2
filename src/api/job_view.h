// The one view of a job that the status route, the jobs list, the live event
// stream (SSE) and the completion webhook show, built in one place from the
// facts' owners (docs/operations.md, "Who owns which fact of a job"):
//
//   fact                          embedded job     parallel job
//   id, mode, options, created,   database         database
//   fallback_reason, webhook
//   status, total,                database         Redis job:<id> while it holds
//   completed, failed,                             the job; the database's copy
//   started_at, finished_at                        (caught up by the workers)
//                                                  stands in otherwise
//   profiles, approvals           database         database
//
// Pure functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "queue/task_queue.h"
#include "store/store.h"

namespace trawl::api {

// Where a view's status and counters came from.
inline constexpr const char* kFromDatabase = "database";
inline constexpr const char* kFromRedis = "redis";

struct JobView {
  JobRecord job;                              // each fact from its owner
  std::string counters_from = kFromDatabase;  // kFromDatabase | kFromRedis
};

// The view of `stored` (the database's record, the owner of the job) with
// the live facts of `live` laid over it — Redis's hash of a parallel job.
// Pass nullptr for an embedded job, or when Redis is not configured, does
// not hold the job, or cannot be reached: the database's facts stand in.
// `live` is ignored for an embedded job (a job that fell back to embedded
// may still have a stale hash). Cannot fail.
JobView BuildJobView(const JobRecord& stored, const QueueJob* live);

// The view as JSON: job_id, status, mode, total, completed, failed,
// created_at, started_at, finished_at, domains_per_minute, fallback_reason,
// webhook (null, or url, status, attempts, last_error, delivered_at).
// Without counters_from (the status route adds it). Cannot fail.
nlohmann::json JobViewToJson(const JobView& view, int64_t now_ms);

// The Redis hash of a new parallel job, from its stored record: the same
// id, status, mode, total, created time and options. Cannot fail.
QueueJob ToQueueJob(const JobRecord& stored);

}  // namespace trawl::api
