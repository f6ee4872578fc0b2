// The parallel-mode queue on Redis (DESIGN.md §5): jobs, tasks in a stream
// with a consumer group, delayed retries, the dead-letter stream, idempotent
// counting, worker heartbeats and progress events.
//
// Keys (prefix from RedisConfig, default "trawl:"):
//   tasks            stream, group "workers"; fields job, domain, index
//   delayed          sorted set: task payloads waiting for their retry time
//   job:<id>         hash: status mode total completed failed created_at
//                    started_at finished_at options fallback_reason
//   job:<id>:done    set of domains already counted
//   job:<id>:tries   hash domain → deliveries so far (attempt number)
//   job:<id>:errors  hash domain → last error "code\tmessage"
//   jobs             sorted set of job ids by created_at
//   worker:<id>      hash with TTL: the heartbeat
//   workers          sorted set of worker ids by last heartbeat
//   dead             stream of tasks that used up their attempts
//   events           pub/sub channel of JSON events: one per counted domain,
//                    {"type":"progress","job_id","domain","status":"ok|failed",
//                    "completed","failed","total","job_status"}, and one per
//                    cancelled job, {"type":"job","job_id","job_status":
//                    "cancelled","completed","failed","total"}
//
// Ownership (docs/operations.md): Redis owns the queue of a parallel job and
// its live status and counters (job:<id>, the done set); the database owns
// the job itself, its options and profiles (store.h). The API's job view
// (api/job_view.h) lays these live facts over the database's.
//
// Delivery is at least once. A task is acknowledged (XACK + XDEL) only by
// Complete, Retry or DeadLetter, i.e. after its profile is stored; a worker
// that dies leaves its tasks pending and Claim hands them to another worker
// after the visibility timeout (XAUTOCLAIM). Complete counts a domain once
// per job (the done set and the counters change in one Lua script).
//
// Thread-safety: a TaskQueue owns one RedisClient; use one per thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "queue/redis_client.h"

namespace trawl {

struct QueuedTask {
  std::string entry_id;  // stream entry id in `tasks`
  std::string job_id;
  std::string domain;
  int input_index = 0;
  int attempt = 1;              // deliveries of this (job, domain) so far, this one included
  std::string last_error_code;  // from an earlier attempt, "" if none
  std::string last_error_message;
};

// A job as Redis holds it (hash job:<id>).
struct QueueJob {
  std::string id;
  std::string status;  // a JobStatus word (core/states.h)
  std::string mode;
  int64_t total = 0;
  int64_t completed = 0;
  int64_t failed = 0;
  int64_t created_at_ms = 0;
  int64_t started_at_ms = 0;   // 0: not yet
  int64_t finished_at_ms = 0;  // 0: not yet
  std::string options_json = "{}";
  std::string fallback_reason;
};

// What Complete/DeadLetter did.
struct CompleteResult {
  bool counted = false;       // false: the domain was already counted (a repeat delivery)
  bool job_finished = false;  // this call turned the job completed
  int64_t completed = 0;      // the job's counters after the call
  int64_t failed = 0;
  int64_t total = 0;
};

// One worker's heartbeat (hash worker:<id>).
struct WorkerBeat {
  std::string id;
  std::string host;
  int64_t pid = 0;
  int64_t started_at_ms = 0;
  int64_t last_beat_ms = 0;
  int64_t processed = 0;  // domains finished (ok or failed) since start
  int64_t failed = 0;
  int64_t in_flight = 0;
  double cpu_percent = 0;  // over the last heartbeat interval, 100 = one core
  int64_t rss_bytes = 0;
  int64_t concurrency = 0;
  std::string version;
  // The worker's cumulative fetch figures (FetchMetricsSnapshot::ToJson), hash
  // field `fetch_metrics`; "" when it counts none (noop, an older worker).
  std::string fetch_metrics_json;
};

struct QueueCounts {
  int64_t depth = 0;    // tasks waiting: undelivered entries + delayed retries
  int64_t pending = 0;  // delivered, not yet acknowledged
  int64_t delayed = 0;  // waiting for their retry time (part of depth)
  int64_t dead = 0;     // entries in the dead-letter stream
};

class TaskQueue {
 public:
  explicit TaskQueue(RedisConfig config);

  RedisClient& client() { return client_; }

  // Creates the stream and group if missing (idempotent).
  Result<void> EnsureGroup();

  // Writes the job hash, adds it to `jobs`, and enqueues one task per domain
  // (index = position), pipelined in batches. Fails with kUnavailable when
  // Redis is unreachable; a job whose enqueue failed half way is removed.
  Result<void> CreateJob(const QueueJob& job, const std::vector<std::string>& domains);

  Result<std::optional<QueueJob>> GetJob(const std::string& job_id);
  // Marks the job cancelled (unless completed); workers then skip its tasks.
  Result<bool> CancelJob(const std::string& job_id);
  // Re-enqueues `domains` of a job whose earlier attempts failed: removes
  // them from the done set and the failed counter, resets their tries, puts
  // the job back to processing. Returns how many were re-enqueued.
  Result<int64_t> RetryDomains(const std::string& job_id, const std::vector<std::string>& domains,
                               const std::vector<int>& input_indexes);

  // Takes up to `count` tasks for `consumer`: first moves due delayed
  // retries into the stream, then reclaims tasks idle longer than
  // `visibility_ms` (XAUTOCLAIM), then reads new ones, blocking up to
  // `block_ms` when there are none. Each returned task's attempt is its
  // delivery count for (job, domain). Empty on timeout. Tasks of cancelled,
  // completed or unknown jobs, and malformed entries, are dropped here
  // (acknowledged, not counted, not returned), so fewer than `count` may come
  // back while more are queued. A missing stream or group (Redis restarted
  // without its data) is recreated and the read retried once. Returns
  // kUnavailable when Redis cannot be reached.
  Result<std::vector<QueuedTask>> Claim(const std::string& consumer, int count, int block_ms,
                                        int64_t visibility_ms);
  // Keeps the claim on slow tasks fresh (XCLAIM … JUSTID resets the idle time).
  Result<void> Touch(const std::string& consumer, const std::vector<std::string>& entry_ids);

  // Counts the domain once for its job (done set + completed or failed
  // counter), turns the job completed when completed + failed = total (and
  // started when it was pending), acknowledges and deletes the entry, and
  // publishes a progress event — all in one script.
  Result<CompleteResult> Complete(const QueuedTask& task, bool ok);
  // Complete for many tasks in one round trip (pipelined scripts); results in
  // the order of `tasks`. `ok[i]` is the outcome of tasks[i].
  Result<std::vector<CompleteResult>> CompleteBatch(const std::vector<QueuedTask>& tasks,
                                                    const std::vector<bool>& ok);
  // Acknowledges the entry and schedules the next attempt after `delay_ms`
  // (sorted set `delayed`), recording the error. One script.
  Result<void> Retry(const QueuedTask& task, const Error& error, int64_t delay_ms);
  // Adds the task with its last error to `dead`, then Complete(task, false).
  Result<CompleteResult> DeadLetter(const QueuedTask& task, const Error& error);
  // Acknowledges and deletes an entry without counting (tasks of a cancelled job).
  Result<void> Drop(const QueuedTask& task);

  // Heartbeats: the hash with a TTL of `ttl_ms`, and the `workers` set.
  Result<void> Heartbeat(const WorkerBeat& beat, int64_t ttl_ms);
  // Removes the worker's heartbeat (a clean exit).
  Result<void> RemoveWorker(const std::string& worker_id);
  // Live workers (heartbeat hash still present); prunes expired ids.
  Result<std::vector<WorkerBeat>> Workers();

  Result<QueueCounts> Counts();
  // Warnings about the server's configuration for a queue that must not lose
  // work: maxmemory-policy other than noeviction, append-only file off.
  Result<std::vector<std::string>> ConfigWarnings();

  // Publishes `json` on the events channel.
  Result<void> Publish(const std::string& json);

 private:
  RedisClient client_;
  // Where the next XAUTOCLAIM scan of the pending list starts, so that a
  // long list of fresh claims at its head does not hide idle ones behind it.
  std::string reclaim_cursor_ = "0-0";
  // When the next reclaim scan is due (epoch ms); see Claim in the .cpp.
  int64_t next_reclaim_ms_ = 0;
};

}  // namespace trawl
