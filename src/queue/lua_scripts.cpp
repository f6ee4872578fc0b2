#include "queue/lua_scripts.h"

#include <string>
#include <utility>

#include "core/states.h"

namespace trawl::lua {
namespace {

// The job status words (core/states.h) spliced into a script's text once, at
// load time: a script says $JOB_COMPLETED where it means the word 'completed'.
std::string WithStates(std::string text) {
  const std::pair<const char*, JobStatus> kTokens[] = {
      {"$JOB_PENDING", JobStatus::kPending},
      {"$JOB_PROCESSING", JobStatus::kProcessing},
      {"$JOB_COMPLETED", JobStatus::kCompleted},
      {"$JOB_CANCELLED", JobStatus::kCancelled},
  };
  for (const auto& [token, status] : kTokens) {
    std::string word = std::string("'") + ToString(status) + "'";
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, std::string(token).size(), word);
      at += word.size();
    }
  }
  return text;
}

// Shared by Complete and DeadLetter: counts one domain, returns {counted,
// finished, completed, failed, total}; the caller acknowledges the entry. A
// job hash that is gone (deleted after a failed enqueue) counts nothing. The
// job finishes only from `processing`: a cancelled job keeps its status
// while its stragglers are counted.
constexpr const char* kCountBody = R"lua(
local jobs = {}
-- A job's counters and status, read once per script run; false when the
-- job hash is gone.
local function state(job)
  local s = jobs[job]
  if s == nil then
    local v = redis.call('HMGET', job, 'completed', 'failed', 'total', 'status')
    s = v[4] and {tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0, v[4]} or false
    jobs[job] = s
  end
  return s
end
local function count(job, done, job_id, domain, ok, now, channel)
  local s = state(job)
  if not s then return {0, 0, 0, 0, 0} end
  if redis.call('SADD', done, domain) == 0 then return {0, 0, s[1], s[2], s[3]} end
  if ok then
    s[1] = redis.call('HINCRBY', job, 'completed', 1)
  else
    s[2] = redis.call('HINCRBY', job, 'failed', 1)
  end
  if s[4] == $JOB_PENDING then
    s[4] = $JOB_PROCESSING
    redis.call('HSET', job, 'status', s[4], 'started_at', now)
  end
  local finished = 0
  if s[4] == $JOB_PROCESSING and s[1] + s[2] >= s[3] then
    s[4] = $JOB_COMPLETED
    finished = 1
    redis.call('HSET', job, 'status', s[4], 'finished_at', now)
  end
  redis.call('PUBLISH', channel, cjson.encode({
    type = 'progress', job_id = job_id, domain = domain,
    status = ok and 'ok' or 'failed', completed = s[1], failed = s[2],
    total = s[3], job_status = s[4]}))
  return {1, finished, s[1], s[2], s[3]}
end
local function ack(stream, group, ids)
  if #ids > 0 then
    redis.call('XACK', stream, group, unpack(ids))
    redis.call('XDEL', stream, unpack(ids))
  end
end
)lua";

}  // namespace

const RedisScript& Complete() {
  // One XACK and one XDEL for the whole batch: XDEL of a stream's first
  // entry rescans for the new first id, so one call per entry would cost
  // that scan every time.
  static const RedisScript script(WithStates(std::string(kCountBody) + R"lua(
local out, ids = {}, {}
for i = 0, (#KEYS - 1) / 2 - 1 do
  local a = 4 + 4 * i
  local r = count(KEYS[2 + 2 * i], KEYS[3 + 2 * i], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3] == '1',
                  ARGV[2], ARGV[3])
  if ARGV[a] ~= '' then ids[#ids + 1] = ARGV[a] end
  for _, v in ipairs(r) do out[#out + 1] = v end
end
ack(KEYS[1], ARGV[1], ids)
return out
)lua"));
  return script;
}

const RedisScript& DeadLetter() {
  static const RedisScript script(WithStates(std::string(kCountBody) + R"lua(
local r = count(KEYS[2], KEYS[3], ARGV[3], ARGV[4], false, ARGV[5], ARGV[6])
if r[1] == 1 then
  redis.call('XADD', KEYS[4], '*', 'job', ARGV[3], 'domain', ARGV[4], 'index', ARGV[7],
             'attempts', ARGV[8], 'error_code', ARGV[9], 'error_message', ARGV[10],
             'at', ARGV[5])
  redis.call('HSET', KEYS[5], ARGV[4], ARGV[9] .. '\t' .. ARGV[10])
end
if ARGV[2] ~= '' then ack(KEYS[1], ARGV[1], {ARGV[2]}) end
return r
)lua"));
  return script;
}

const RedisScript& Enqueue() {
  static const RedisScript script(R"lua(
local ids = {}
for i = 2, #ARGV - 1, 2 do
  ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'job', ARGV[1], 'domain', ARGV[i],
                             'index', ARGV[i + 1])
end
return ids
)lua");
  return script;
}

const RedisScript& Retry() {
  static const RedisScript script(R"lua(
if ARGV[2] ~= '' then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
return 1
)lua");
  return script;
}

const RedisScript& Drop() {
  static const RedisScript script(R"lua(
for i = 2, #ARGV do
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
  redis.call('XDEL', KEYS[1], ARGV[i])
end
return #ARGV - 1
)lua");
  return script;
}

const RedisScript& Promote() {
  // A payload is "job\tdomain\tindex"; one that does not parse is dropped
  // rather than retried forever.
  static const RedisScript script(R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, payload in ipairs(due) do
  local job, domain, index = string.match(payload, '^([^\t]*)\t([^\t]*)\t([^\t]*)$')
  if job then
    redis.call('XADD', KEYS[2], '*', 'job', job, 'domain', domain, 'index', index)
  end
  redis.call('ZREM', KEYS[1], payload)
end
return #due
)lua");
  return script;
}

const RedisScript& Cancel() {
  static const RedisScript script(WithStates(R"lua(
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == $JOB_COMPLETED then return 0 end
if status ~= $JOB_CANCELLED then
  redis.call('HSET', KEYS[1], 'status', $JOB_CANCELLED, 'finished_at', ARGV[1])
  local v = redis.call('HMGET', KEYS[1], 'completed', 'failed', 'total')
  redis.call('PUBLISH', ARGV[2], cjson.encode({
    type = 'job', job_id = ARGV[3], job_status = $JOB_CANCELLED,
    completed = tonumber(v[1]) or 0, failed = tonumber(v[2]) or 0, total = tonumber(v[3]) or 0}))
end
return 1
)lua"));
  return script;
}

const RedisScript& RetryDomains() {
  // Only domains in the done set are re-enqueued: one that was never counted
  // is still queued or in a worker's hands, and a second task would be waste.
  static const RedisScript script(WithStates(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = 0
for i = 2, #ARGV - 1, 2 do
  local domain, index = ARGV[i], ARGV[i + 1]
  if redis.call('SREM', KEYS[2], domain) == 1 then
    if (tonumber(redis.call('HGET', KEYS[1], 'failed')) or 0) > 0 then
      redis.call('HINCRBY', KEYS[1], 'failed', -1)
    end
    redis.call('HDEL', KEYS[3], domain)
    redis.call('HDEL', KEYS[4], domain)
    redis.call('XADD', KEYS[5], '*', 'job', ARGV[1], 'domain', domain, 'index', index)
    n = n + 1
  end
end
if n > 0 then
  redis.call('HSET', KEYS[1], 'status', $JOB_PROCESSING)
  redis.call('HDEL', KEYS[1], 'finished_at')
end
return n
)lua"));
  return script;
}

const RedisScript& Heartbeat() {
  static const RedisScript script(R"lua(
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
)lua");
  return script;
}

const RedisScript& RemoveWorker() {
  static const RedisScript script(R"lua(
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
)lua");
  return script;
}

}  // namespace trawl::lua
