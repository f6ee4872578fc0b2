// The Lua scripts of the task queue: every state change that touches more
// than one key runs as one script, so a crash or a lost connection never
// leaves half of it done. Each accessor documents its KEYS and ARGV.
//
// Scripts take the current time as an argument (the caller's clock) rather
// than calling TIME, and XADD with '*' only (replicated as effects), so they
// are safe under replication and AOF replay.
//
// Thread-safety: the scripts are immutable function-local statics.
#pragma once

#include "queue/redis_client.h"

namespace trawl::lua {

// Counts finished domains once each (done set + completed|failed), turns
// their jobs processing/completed, publishes a progress event per counted
// domain, then XACK + XDEL of all entries. Tasks are handled in order, so a
// domain twice in one batch is counted once.
// KEYS: tasks, then job:<id>, job:<id>:done per task
// ARGV: group, now ms, events channel, then entry id ("" none), job id,
//       domain, "1" ok|"0" failed per task
// Returns {counted, finished, completed, failed, total} per task, flattened.
const RedisScript& Complete();

// Counts a failed domain as Complete does and, when counted, adds it to
// `dead` and its error to job:<id>:errors; XACK + XDEL.
// KEYS: tasks, job:<id>, job:<id>:done, dead, job:<id>:errors
// ARGV: group, entry id, job id, domain, now ms, events channel, index,
//       attempts, error code, error message
// Returns {counted, finished, completed, failed, total}.
const RedisScript& DeadLetter();

// Appends one task per (domain, index) pair to the stream. One script per
// batch rather than one XADD each: a tenth of the bytes on the wire, and an
// AOF with appendfsync always syncs once per batch instead of once per
// network read.
// KEYS: tasks   ARGV: job id, then domain, index pairs
// Returns the new entry ids, in order.
const RedisScript& Enqueue();

// XACK + XDEL, the error into job:<id>:errors, the payload into `delayed`.
// KEYS: tasks, delayed, job:<id>:errors
// ARGV: group, entry id, domain, "code\tmessage", due ms, payload
const RedisScript& Retry();

// XACK + XDEL without counting.
// KEYS: tasks   ARGV: group, entry id, ...
const RedisScript& Drop();

// Moves due `delayed` payloads into the stream (bounded batch).
// KEYS: delayed, tasks   ARGV: now ms, limit
// Returns how many were moved.
const RedisScript& Promote();

// KEYS: job:<id>   ARGV: now ms, events channel, job id
// Returns 1 when the job is (now) cancelled, 0 when unknown or completed.
const RedisScript& Cancel();

// KEYS: job:<id>, job:<id>:done, job:<id>:tries, job:<id>:errors, tasks
// ARGV: job id, then domain, index pairs
// Returns how many were re-enqueued, -1 when the job is unknown.
const RedisScript& RetryDomains();

// KEYS: worker:<id>, workers   ARGV: ttl ms, now ms, id, field, value, ...
const RedisScript& Heartbeat();

// KEYS: worker:<id>, workers   ARGV: id
const RedisScript& RemoveWorker();

}  // namespace trawl::lua
