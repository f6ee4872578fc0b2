// TaskQueue, the job half: creating, reading, cancelling and retrying jobs,
// and finishing tasks. Claiming is in task_queue_claim.cpp; heartbeats,
// counts and configuration checks in task_queue_admin.cpp.
#include "queue/task_queue.h"

#include <algorithm>
#include <utility>

#include "core/clock.h"
#include "core/states.h"
#include "queue/lua_scripts.h"
#include "queue/reply_util.h"

namespace trawl {

using queue_detail::EvalCall;
using queue_detail::EvalPipelined;
using queue_detail::Field;
using queue_detail::FieldInt;
using queue_detail::FieldMap;
using queue_detail::IsErrorReply;
using queue_detail::kGroup;
using queue_detail::ReplyError;

namespace {

// Tasks per enqueue script: large enough that the round trip is noise, small
// enough that the script blocks Redis for a few milliseconds at most.
constexpr size_t kEnqueueBatch = 1000;
// Tasks per Complete script call (several calls go in one round trip).
constexpr size_t kCompleteChunk = 200;

// Five integers from `at`: counted, finished, completed, failed, total.
CompleteResult ParseCounted(const std::vector<RedisReply>& values, size_t at) {
  CompleteResult result;
  result.counted = values[at].AsInt() == 1;
  result.job_finished = values[at + 1].AsInt() == 1;
  result.completed = values[at + 2].AsInt();
  result.failed = values[at + 3].AsInt();
  result.total = values[at + 4].AsInt();
  return result;
}

}  // namespace

TaskQueue::TaskQueue(RedisConfig config) : client_(std::move(config)) {}

// ---- Jobs ----------------------------------------------------------------

Result<void> TaskQueue::EnsureGroup() {
  auto reply = client_.Command({"XGROUP", "CREATE", client_.Key("tasks"), kGroup, "0", "MKSTREAM"});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error() && !IsErrorReply(*reply, "BUSYGROUP")) {
    return tl::unexpected(ReplyError("XGROUP CREATE", *reply));
  }
  return {};
}

Result<void> TaskQueue::CreateJob(const QueueJob& job, const std::vector<std::string>& domains) {
  if (auto ok = EnsureGroup(); !ok) return ok;
  const std::string job_key = client_.Key("job:" + job.id);
  const std::string tasks_key = client_.Key("tasks");
  const auto total = static_cast<int64_t>(domains.size());
  const std::string status =
      total == 0 ? ToString(JobStatus::kCompleted)
                 : (job.status.empty() ? ToString(JobStatus::kPending) : job.status);
  std::vector<std::string> hset{"HSET", job_key};
  const std::pair<const char*, std::string> fields[] = {
      {"status", status},
      {"mode", job.mode},
      {"total", std::to_string(total)},
      {"completed", "0"},
      {"failed", "0"},
      {"created_at", std::to_string(job.created_at_ms)},
      {"started_at", std::to_string(job.started_at_ms)},
      {"finished_at", std::to_string(total == 0 ? job.created_at_ms : 0)},
      {"options", job.options_json},
      {"fallback_reason", job.fallback_reason}};
  for (const auto& [name, value] : fields) hset.insert(hset.end(), {name, value});
  auto head = client_.Pipeline(
      {hset, {"ZADD", client_.Key("jobs"), std::to_string(job.created_at_ms), job.id}});
  if (!head) return tl::unexpected(head.error());
  for (const auto& reply : *head) {
    if (reply.is_error()) return tl::unexpected(ReplyError("HSET job", reply));
  }

  std::vector<std::string> entry_ids;
  entry_ids.reserve(domains.size());
  std::optional<Error> failure;
  for (size_t start = 0; start < domains.size() && !failure; start += kEnqueueBatch) {
    size_t end = std::min(domains.size(), start + kEnqueueBatch);
    std::vector<std::string> args{job.id};
    args.reserve(1 + 2 * (end - start));
    for (size_t i = start; i < end; ++i) {
      args.push_back(domains[i]);
      args.push_back(std::to_string(i));
    }
    auto reply = client_.Eval(lua::Enqueue(), {tasks_key}, args);
    if (!reply) {
      failure = reply.error();
    } else if (reply->type != RedisReply::Type::kArray) {
      // Redis refuses a script's first write under OOM and then lets it run
      // to the end, so a refused batch added nothing.
      failure = ReplyError("enqueue", *reply);
    } else {
      for (const auto& id : reply->elements) entry_ids.push_back(id.AsString());
    }
  }
  if (!failure) return {};

  // Undo what can be undone: workers that already took a task find the job
  // gone and drop it (Claim), and the remaining entries are deleted here.
  // DEL and XDEL are allowed even when Redis is out of memory.
  std::vector<std::vector<std::string>> undo{
      {"DEL", job_key, client_.Key("job:" + job.id + ":done"),
       client_.Key("job:" + job.id + ":tries"), client_.Key("job:" + job.id + ":errors")},
      {"ZREM", client_.Key("jobs"), job.id}};
  for (size_t start = 0; start < entry_ids.size(); start += kEnqueueBatch) {
    std::vector<std::string> xdel{"XDEL", tasks_key};
    size_t end = std::min(entry_ids.size(), start + kEnqueueBatch);
    xdel.insert(xdel.end(), entry_ids.begin() + start, entry_ids.begin() + end);
    undo.push_back(std::move(xdel));
  }
  auto undone = client_.Pipeline(undo);
  failure->message = "enqueue failed after " + std::to_string(entry_ids.size()) + " of " +
                     std::to_string(total) + " domains (" +
                     (undone ? "job removed" : "job not removed: " + undone.error().message) +
                     "): " + failure->message;
  return tl::unexpected(*failure);
}

Result<std::optional<QueueJob>> TaskQueue::GetJob(const std::string& job_id) {
  auto reply = client_.Command({"HGETALL", client_.Key("job:" + job_id)});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return tl::unexpected(ReplyError("HGETALL job", *reply));
  auto fields = FieldMap(*reply);
  if (fields.empty()) return std::optional<QueueJob>();
  QueueJob job;
  job.id = job_id;
  job.status = Field(fields, "status");
  job.mode = Field(fields, "mode");
  job.total = FieldInt(fields, "total");
  job.completed = FieldInt(fields, "completed");
  job.failed = FieldInt(fields, "failed");
  job.created_at_ms = FieldInt(fields, "created_at");
  job.started_at_ms = FieldInt(fields, "started_at");
  job.finished_at_ms = FieldInt(fields, "finished_at");
  job.options_json = fields.count("options") ? fields["options"] : "{}";
  job.fallback_reason = Field(fields, "fallback_reason");
  return std::optional<QueueJob>(std::move(job));
}

Result<bool> TaskQueue::CancelJob(const std::string& job_id) {
  auto reply = client_.Eval(lua::Cancel(), {client_.Key("job:" + job_id)},
                            {std::to_string(NowMs()), client_.Key("events"), job_id});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->type != RedisReply::Type::kInteger)
    return tl::unexpected(ReplyError("cancel", *reply));
  return reply->integer == 1;
}

Result<int64_t> TaskQueue::RetryDomains(const std::string& job_id,
                                        const std::vector<std::string>& domains,
                                        const std::vector<int>& input_indexes) {
  const std::string base = "job:" + job_id;
  const std::vector<std::string> keys{client_.Key(base), client_.Key(base + ":done"),
                                      client_.Key(base + ":tries"), client_.Key(base + ":errors"),
                                      client_.Key("tasks")};
  int64_t enqueued = 0;
  // Chunks keep each script short: Redis runs nothing else while it runs.
  for (size_t start = 0; start < domains.size(); start += kEnqueueBatch) {
    std::vector<std::string> args{job_id};
    size_t end = std::min(domains.size(), start + kEnqueueBatch);
    for (size_t i = start; i < end; ++i) {
      args.push_back(domains[i]);
      args.push_back(std::to_string(i < input_indexes.size() ? input_indexes[i] : 0));
    }
    auto reply = client_.Eval(lua::RetryDomains(), keys, args);
    if (!reply) return tl::unexpected(reply.error());
    if (reply->type != RedisReply::Type::kInteger) {
      return tl::unexpected(ReplyError("retry domains", *reply));
    }
    if (reply->integer < 0) return Fail(ErrorCode::kNotFound, "no such job in Redis: " + job_id);
    enqueued += reply->integer;
  }
  return enqueued;
}

// ---- Finishing -----------------------------------------------------------

Result<CompleteResult> TaskQueue::Complete(const QueuedTask& task, bool ok) {
  auto results = CompleteBatch({task}, {ok});
  if (!results) return tl::unexpected(results.error());
  return results->front();
}

Result<std::vector<CompleteResult>> TaskQueue::CompleteBatch(const std::vector<QueuedTask>& tasks,
                                                             const std::vector<bool>& ok) {
  std::vector<CompleteResult> results;
  if (tasks.empty()) return results;
  const std::string now = std::to_string(NowMs());
  std::vector<EvalCall> calls;
  for (size_t start = 0; start < tasks.size(); start += kCompleteChunk) {
    size_t end = std::min(tasks.size(), start + kCompleteChunk);
    EvalCall call{{client_.Key("tasks")}, {kGroup, now, client_.Key("events")}};
    for (size_t i = start; i < end; ++i) {
      const QueuedTask& task = tasks[i];
      const std::string base = "job:" + task.job_id;
      call.keys.push_back(client_.Key(base));
      call.keys.push_back(client_.Key(base + ":done"));
      bool success = i < ok.size() && ok[i];
      call.args.insert(call.args.end(),
                       {task.entry_id, task.job_id, task.domain, success ? "1" : "0"});
    }
    calls.push_back(std::move(call));
  }
  auto replies = EvalPipelined(client_, lua::Complete(), calls);
  if (!replies) return tl::unexpected(replies.error());
  results.reserve(tasks.size());
  for (const auto& reply : *replies) {
    if (reply.type != RedisReply::Type::kArray || reply.elements.size() % 5 != 0) {
      return tl::unexpected(ReplyError("complete", reply));
    }
    for (size_t i = 0; i < reply.elements.size(); i += 5) {
      results.push_back(ParseCounted(reply.elements, i));
    }
  }
  if (results.size() != tasks.size()) {
    return Fail(ErrorCode::kInternal, "redis complete: " + std::to_string(results.size()) +
                                          " results for " + std::to_string(tasks.size()) +
                                          " tasks");
  }
  return results;
}

Result<void> TaskQueue::Retry(const QueuedTask& task, const Error& error, int64_t delay_ms) {
  const std::string due = std::to_string(NowMs() + std::max<int64_t>(delay_ms, 0));
  const std::string payload =
      task.job_id + "\t" + task.domain + "\t" + std::to_string(task.input_index);
  const std::string last_error = std::string(ErrorCodeName(error.code)) + "\t" + error.message;
  auto reply = client_.Eval(
      lua::Retry(),
      {client_.Key("tasks"), client_.Key("delayed"), client_.Key("job:" + task.job_id + ":errors")},
      {kGroup, task.entry_id, task.domain, last_error, due, payload});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return tl::unexpected(ReplyError("retry", *reply));
  return {};
}

Result<CompleteResult> TaskQueue::DeadLetter(const QueuedTask& task, const Error& error) {
  const std::string base = "job:" + task.job_id;
  auto reply = client_.Eval(
      lua::DeadLetter(),
      {client_.Key("tasks"), client_.Key(base), client_.Key(base + ":done"), client_.Key("dead"),
       client_.Key(base + ":errors")},
      {kGroup, task.entry_id, task.job_id, task.domain, std::to_string(NowMs()),
       client_.Key("events"), std::to_string(task.input_index), std::to_string(task.attempt),
       std::string(ErrorCodeName(error.code)), error.message});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 5) {
    return tl::unexpected(ReplyError("dead letter", *reply));
  }
  return ParseCounted(reply->elements, 0);
}

Result<void> TaskQueue::Drop(const QueuedTask& task) {
  if (task.entry_id.empty()) return {};
  auto reply = client_.Eval(lua::Drop(), {client_.Key("tasks")}, {kGroup, task.entry_id});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return tl::unexpected(ReplyError("drop", *reply));
  return {};
}

}  // namespace trawl
