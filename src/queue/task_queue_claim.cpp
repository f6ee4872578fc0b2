// TaskQueue, claiming: due retries into the stream, reclaiming tasks of dead
// workers (XAUTOCLAIM), reading new ones (XREADGROUP), and keeping claims
// fresh (Touch).
#include <algorithm>

#include "core/clock.h"
#include "core/states.h"
#include "queue/lua_scripts.h"
#include "queue/reply_util.h"
#include "queue/task_queue.h"

namespace trawl {

using queue_detail::AppendEntries;
using queue_detail::EvalShaArgv;
using queue_detail::Field;
using queue_detail::FieldInt;
using queue_detail::IsErrorReply;
using queue_detail::kGroup;
using queue_detail::ReplyError;
using queue_detail::StreamEntry;

namespace {

// Due retries moved into the stream per Claim.
constexpr int kPromoteBatch = 1000;
// XAUTOCLAIM calls per Claim; each scans at most 10 × count pending entries.
constexpr int kReclaimRounds = 4;

// What one pass of Claim read from the stream; `nogroup` when the stream or
// its group is missing.
struct ClaimRead {
  std::vector<StreamEntry> entries;
  std::vector<std::string> deleted;
  bool nogroup = false;
};

// Where the reclaim scan is, and when it next runs. A scan that found
// nothing idle waits a quarter of the visibility timeout (at most 1 s)
// before the next: XAUTOCLAIM walks the pending list each time, which costs
// more than reading new tasks once many tasks are in flight.
struct ReclaimState {
  std::string& cursor;
  int64_t& next_ms;
};

std::vector<std::string> AutoclaimArgv(const std::string& tasks_key, const std::string& consumer,
                                       int64_t visibility_ms, const std::string& cursor,
                                       int count) {
  return {"XAUTOCLAIM",
          tasks_key,
          kGroup,
          consumer,
          std::to_string(std::max<int64_t>(visibility_ms, 0)),
          cursor,
          "COUNT",
          std::to_string(count)};
}

// Follows XAUTOCLAIM's cursor from `first` (already sent) for up to
// kReclaimRounds calls while fewer than `count` entries were found.
Result<void> Reclaim(RedisClient& client, ReclaimState state, RedisReply first,
                     const std::string& consumer, int count, int64_t visibility_ms,
                     ClaimRead* read) {
  RedisReply reply = std::move(first);
  for (int round = 0;; ++round) {
    if (IsErrorReply(reply, "NOGROUP")) {
      read->nogroup = true;
      return {};
    }
    if (reply.type != RedisReply::Type::kArray || reply.elements.size() < 2) {
      return tl::unexpected(ReplyError("XAUTOCLAIM", reply));
    }
    state.cursor = reply.elements[0].AsString();
    size_t before = read->entries.size();
    AppendEntries(reply.elements[1], &read->entries, &read->deleted);
    bool wrapped = state.cursor == "0-0";
    if (wrapped && read->entries.size() == before) {
      state.next_ms = NowMs() + std::clamp<int64_t>(visibility_ms / 4, 10, 1000);
    }
    int missing = count - static_cast<int>(read->entries.size());
    if (missing <= 0 || wrapped || round + 1 >= kReclaimRounds) return {};
    auto next = client.Command(
        AutoclaimArgv(client.Key("tasks"), consumer, visibility_ms, state.cursor, missing));
    if (!next) return tl::unexpected(next.error());
    reply = std::move(*next);
  }
}

// XREADGROUP … > for up to `count` new entries, blocking when `block_ms` > 0.
Result<void> ReadNew(RedisClient& client, const std::string& consumer, int count, int block_ms,
                     ClaimRead* read) {
  std::vector<std::string> argv{"XREADGROUP", "GROUP", kGroup,
                                consumer,     "COUNT", std::to_string(count)};
  if (block_ms > 0) argv.insert(argv.end(), {"BLOCK", std::to_string(block_ms)});
  argv.insert(argv.end(), {"STREAMS", client.Key("tasks"), ">"});
  auto reply = client.BlockingCommand(argv, std::max(block_ms, 0));
  if (!reply) return tl::unexpected(reply.error());
  if (IsErrorReply(*reply, "NOGROUP")) {
    read->nogroup = true;
  } else if (reply->is_error()) {
    return tl::unexpected(ReplyError("XREADGROUP", *reply));
  } else {
    for (const auto& stream : reply->elements) {
      if (stream.elements.size() >= 2)
        AppendEntries(stream.elements[1], &read->entries, &read->deleted);
    }
  }
  return {};
}

// One pass of Claim: due retries into the stream and the first reclaim in
// one round trip, more reclaim rounds if needed, then new entries (blocking
// only when nothing was reclaimed).
Result<ClaimRead> ReadEntries(RedisClient& client, ReclaimState state, const std::string& consumer,
                              int count, int block_ms, int64_t visibility_ms) {
  ClaimRead read;
  const std::string tasks_key = client.Key("tasks");
  const std::vector<std::string> promote_keys{client.Key("delayed"), tasks_key};
  const std::vector<std::string> promote_args{std::to_string(NowMs()),
                                              std::to_string(kPromoteBatch)};
  std::vector<std::vector<std::string>> first{
      EvalShaArgv(lua::Promote(), {promote_keys, promote_args})};
  bool reclaim = NowMs() >= state.next_ms;
  if (reclaim)
    first.push_back(AutoclaimArgv(tasks_key, consumer, visibility_ms, state.cursor, count));
  auto replies = client.Pipeline(first);
  if (!replies) return tl::unexpected(replies.error());
  if (IsErrorReply((*replies)[0], "NOSCRIPT")) {
    auto promoted = client.Eval(lua::Promote(), promote_keys, promote_args);
    if (!promoted) return tl::unexpected(promoted.error());
    if (promoted->is_error()) return tl::unexpected(ReplyError("promote", *promoted));
  } else if ((*replies)[0].is_error()) {
    return tl::unexpected(ReplyError("promote", (*replies)[0]));
  }
  if (reclaim) {
    auto ok =
        Reclaim(client, state, std::move((*replies)[1]), consumer, count, visibility_ms, &read);
    if (!ok) return tl::unexpected(ok.error());
  }
  int missing = count - static_cast<int>(read.entries.size());
  if (!read.nogroup && missing > 0) {
    auto ok = ReadNew(client, consumer, missing, read.entries.empty() ? block_ms : 0, &read);
    if (!ok) return tl::unexpected(ok.error());
  }
  return read;
}

// Turns claimed entries into tasks: the attempt numbers, the last errors and
// the jobs' status in one round trip. Entries of cancelled, completed or
// unknown jobs,
// malformed ones and ones deleted while pending (Redis 6.2 reports them as
// nil) are acknowledged and deleted instead of returned.
Result<std::vector<QueuedTask>> PrepareTasks(RedisClient& client, ClaimRead read) {
  std::vector<QueuedTask> tasks;
  std::vector<std::string> drop = std::move(read.deleted);
  if (read.entries.empty() && drop.empty()) return tasks;
  std::vector<std::vector<std::string>> lookups;
  std::map<std::string, size_t> job_status;  // job id → index of its HGET status
  std::vector<QueuedTask> candidates;
  for (auto& entry : read.entries) {
    QueuedTask task;
    task.entry_id = entry.id;
    task.job_id = Field(entry.fields, "job");
    task.domain = Field(entry.fields, "domain");
    task.input_index = static_cast<int>(FieldInt(entry.fields, "index"));
    if (task.job_id.empty() || task.domain.empty()) {
      drop.push_back(entry.id);
      continue;
    }
    const std::string base = "job:" + task.job_id;
    lookups.push_back({"HINCRBY", client.Key(base + ":tries"), task.domain, "1"});
    lookups.push_back({"HGET", client.Key(base + ":errors"), task.domain});
    job_status.emplace(task.job_id, 0);
    candidates.push_back(std::move(task));
  }
  for (auto& [job_id, slot] : job_status) {
    slot = lookups.size();
    lookups.push_back({"HGET", client.Key("job:" + job_id), "status"});
  }
  auto looked = client.Pipeline(lookups);
  if (!looked) return tl::unexpected(looked.error());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const RedisReply& tries = (*looked)[2 * i];
    const RedisReply& error = (*looked)[2 * i + 1];
    const RedisReply& status = (*looked)[job_status[candidates[i].job_id]];
    if (tries.is_error()) return tl::unexpected(ReplyError("HINCRBY tries", tries));
    // A completed job has every domain counted, so its task is a repeat
    // (RetryDomains turns the job back to processing in the same step).
    if (status.is_nil() || IsFinalJobStatus(status.AsString())) {
      drop.push_back(candidates[i].entry_id);
      continue;
    }
    QueuedTask& task = candidates[i];
    task.attempt = static_cast<int>(tries.AsInt(1));
    std::string last = error.AsString();
    size_t tab = last.find('\t');
    task.last_error_code = last.substr(0, tab);
    task.last_error_message = tab == std::string::npos ? "" : last.substr(tab + 1);
    tasks.push_back(std::move(task));
  }
  if (!drop.empty()) {
    std::vector<std::string> args{kGroup};
    args.insert(args.end(), drop.begin(), drop.end());
    auto dropped = client.Eval(lua::Drop(), {client.Key("tasks")}, args);
    if (!dropped) return tl::unexpected(dropped.error());
  }
  return tasks;
}

}  // namespace

Result<std::vector<QueuedTask>> TaskQueue::Claim(const std::string& consumer, int count,
                                                 int block_ms, int64_t visibility_ms) {
  if (count <= 0) return std::vector<QueuedTask>();
  ReclaimState state{reclaim_cursor_, next_reclaim_ms_};
  auto read = ReadEntries(client_, state, consumer, count, block_ms, visibility_ms);
  if (read && read->nogroup) {
    // The stream or group is gone (Redis restarted without its data).
    reclaim_cursor_ = "0-0";
    next_reclaim_ms_ = 0;
    if (auto ok = EnsureGroup(); !ok) return tl::unexpected(ok.error());
    read = ReadEntries(client_, state, consumer, count, block_ms, visibility_ms);
    if (read && read->nogroup) {
      return Fail(ErrorCode::kUnavailable, "redis: consumer group missing after re-creation");
    }
  }
  if (!read) return tl::unexpected(read.error());
  return PrepareTasks(client_, std::move(*read));
}

Result<void> TaskQueue::Touch(const std::string& consumer,
                              const std::vector<std::string>& entry_ids) {
  if (entry_ids.empty()) return {};
  std::vector<std::string> argv{"XCLAIM", client_.Key("tasks"), kGroup, consumer, "0"};
  argv.insert(argv.end(), entry_ids.begin(), entry_ids.end());
  argv.push_back("JUSTID");
  auto reply = client_.Command(argv);
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return tl::unexpected(ReplyError("XCLAIM", *reply));
  return {};
}

}  // namespace trawl
