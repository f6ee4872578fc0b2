// TaskQueue, the watching half: worker heartbeats, queue counts, the server
// configuration check and progress events.
#include <charconv>
#include <cstdio>

#include "core/clock.h"
#include "queue/lua_scripts.h"
#include "queue/reply_util.h"
#include "queue/task_queue.h"

namespace trawl {

using queue_detail::FieldMap;
using queue_detail::IsErrorReply;
using queue_detail::kGroup;
using queue_detail::ReplyError;

namespace {

int64_t ParseInt(const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

double ParseDouble(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() ? value : 0;
}

std::string FormatDouble(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  return buf;
}

WorkerBeat BeatFromFields(const std::string& id, std::map<std::string, std::string> fields) {
  WorkerBeat beat;
  beat.id = id;
  beat.host = fields["host"];
  beat.pid = ParseInt(fields["pid"]);
  beat.started_at_ms = ParseInt(fields["started_at"]);
  beat.last_beat_ms = ParseInt(fields["last_beat"]);
  beat.processed = ParseInt(fields["processed"]);
  beat.failed = ParseInt(fields["failed"]);
  beat.in_flight = ParseInt(fields["in_flight"]);
  beat.cpu_percent = ParseDouble(fields["cpu_percent"]);
  beat.rss_bytes = ParseInt(fields["rss_bytes"]);
  beat.concurrency = ParseInt(fields["concurrency"]);
  beat.version = fields["version"];
  beat.fetch_metrics_json = fields["fetch_metrics"];
  return beat;
}

// The value of a CONFIG GET reply ([name, value]); nullopt when refused.
std::optional<std::string> ConfigValue(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() < 2) return std::nullopt;
  return reply.elements[1].AsString();
}

}  // namespace

// ---- Heartbeats ----------------------------------------------------------

Result<void> TaskQueue::Heartbeat(const WorkerBeat& beat, int64_t ttl_ms) {
  const int64_t now = beat.last_beat_ms > 0 ? beat.last_beat_ms : NowMs();
  std::vector<std::string> args{std::to_string(std::max<int64_t>(ttl_ms, 1)), std::to_string(now),
                                beat.id};
  const std::pair<const char*, std::string> fields[] = {
      {"host", beat.host},
      {"pid", std::to_string(beat.pid)},
      {"started_at", std::to_string(beat.started_at_ms)},
      {"last_beat", std::to_string(now)},
      {"processed", std::to_string(beat.processed)},
      {"failed", std::to_string(beat.failed)},
      {"in_flight", std::to_string(beat.in_flight)},
      {"cpu_percent", FormatDouble(beat.cpu_percent)},
      {"rss_bytes", std::to_string(beat.rss_bytes)},
      {"concurrency", std::to_string(beat.concurrency)},
      {"version", beat.version},
      {"fetch_metrics", beat.fetch_metrics_json}};
  for (const auto& [name, value] : fields) args.insert(args.end(), {name, value});
  auto reply = client_.Eval(lua::Heartbeat(),
                            {client_.Key("worker:" + beat.id), client_.Key("workers")}, args);
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return tl::unexpected(ReplyError("heartbeat", *reply));
  return {};
}

Result<void> TaskQueue::RemoveWorker(const std::string& worker_id) {
  auto reply =
      client_.Eval(lua::RemoveWorker(),
                   {client_.Key("worker:" + worker_id), client_.Key("workers")}, {worker_id});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return tl::unexpected(ReplyError("remove worker", *reply));
  return {};
}

Result<std::vector<WorkerBeat>> TaskQueue::Workers() {
  std::vector<WorkerBeat> beats;
  auto ids = client_.Command({"ZRANGE", client_.Key("workers"), "0", "-1"});
  if (!ids) return tl::unexpected(ids.error());
  if (ids->is_error()) return tl::unexpected(ReplyError("ZRANGE workers", *ids));
  if (ids->elements.empty()) return beats;
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids->elements)
    reads.push_back({"HGETALL", client_.Key("worker:" + id.AsString())});
  auto hashes = client_.Pipeline(reads);
  if (!hashes) return tl::unexpected(hashes.error());
  // A worker whose hash expired stopped beating (died or was cut off).
  std::vector<std::string> expired{"ZREM", client_.Key("workers")};
  for (size_t i = 0; i < hashes->size(); ++i) {
    std::string id = ids->elements[i].AsString();
    auto fields = FieldMap((*hashes)[i]);
    if (fields.empty()) {
      expired.push_back(id);
    } else {
      beats.push_back(BeatFromFields(id, std::move(fields)));
    }
  }
  if (expired.size() > 2) {
    auto pruned = client_.Command(expired);
    if (!pruned) return tl::unexpected(pruned.error());
  }
  return beats;
}

// ---- Counts and configuration --------------------------------------------

Result<QueueCounts> TaskQueue::Counts() {
  const std::string tasks_key = client_.Key("tasks");
  auto replies = client_.Pipeline({{"XLEN", tasks_key},
                                   {"XPENDING", tasks_key, kGroup},
                                   {"ZCARD", client_.Key("delayed")},
                                   {"XLEN", client_.Key("dead")}});
  if (!replies) return tl::unexpected(replies.error());
  const auto& r = *replies;
  for (size_t i : {0, 2, 3}) {
    if (r[i].is_error()) return tl::unexpected(ReplyError("counts", r[i]));
  }
  QueueCounts counts;
  // No group yet means nothing was ever delivered.
  if (r[1].type == RedisReply::Type::kArray && !r[1].elements.empty()) {
    counts.pending = r[1].elements[0].AsInt();
  } else if (r[1].is_error() && !IsErrorReply(r[1], "NOGROUP")) {
    return tl::unexpected(ReplyError("XPENDING", r[1]));
  }
  // Finished entries are deleted (XDEL), so the stream holds exactly the
  // undelivered entries and the pending ones.
  counts.delayed = r[2].AsInt();
  counts.depth = std::max<int64_t>(r[0].AsInt() - counts.pending, 0) + counts.delayed;
  counts.dead = r[3].AsInt();
  return counts;
}

Result<std::vector<std::string>> TaskQueue::ConfigWarnings() {
  std::vector<std::string> warnings;
  auto replies =
      client_.Pipeline({{"CONFIG", "GET", "maxmemory-policy"}, {"CONFIG", "GET", "appendonly"}});
  if (!replies) return tl::unexpected(replies.error());
  auto policy = ConfigValue((*replies)[0]);
  auto appendonly = ConfigValue((*replies)[1]);
  if (!policy || !appendonly) {
    const RedisReply& refused = !policy ? (*replies)[0] : (*replies)[1];
    warnings.push_back(
        "could not check Redis maxmemory-policy and appendonly (CONFIG GET refused: " +
        refused.AsString() +
        "); make sure maxmemory-policy is noeviction and appendonly is yes, or queued work "
        "can be lost");
    return warnings;
  }
  if (*policy != "noeviction") {
    warnings.push_back("Redis maxmemory-policy is " + *policy +
                       ", not noeviction: under memory pressure Redis silently evicts keys, "
                       "which loses queued tasks and job state; set maxmemory-policy noeviction");
  }
  if (*appendonly != "yes") {
    warnings.push_back("Redis append-only persistence is off (appendonly " + *appendonly +
                       "): a Redis restart loses queued tasks and job state; set appendonly yes");
  }
  return warnings;
}

Result<void> TaskQueue::Publish(const std::string& json) {
  auto reply = client_.Command({"PUBLISH", client_.Key("events"), json});
  if (!reply) return tl::unexpected(reply.error());
  if (reply->is_error()) return tl::unexpected(ReplyError("PUBLISH", *reply));
  return {};
}

}  // namespace trawl
