// Small helpers for reading Redis replies in the queue library (internal to
// src/queue). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "queue/redis_client.h"

namespace trawl::queue_detail {

// The consumer group every worker reads the task stream through.
inline constexpr const char* kGroup = "workers";

// An error reply as an Error: kUnavailable for the replies that mean "the
// server cannot take writes now" (OOM, LOADING, BUSY, READONLY, MISCONF,
// auth), so callers back off and retry; kInternal for anything else (a bug).
Error ReplyError(std::string_view what, const RedisReply& reply);

// Whether an error reply starts with `prefix` (e.g. "NOGROUP").
bool IsErrorReply(const RedisReply& reply, std::string_view prefix);

// A flat [field, value, ...] array (HGETALL, stream entry fields) as a map;
// empty for anything else.
std::map<std::string, std::string> FieldMap(const RedisReply& reply);

// A field of a FieldMap, "" when absent.
std::string Field(const std::map<std::string, std::string>& fields, const std::string& name);
// A field of a FieldMap as an integer; 0 when absent or not a number.
int64_t FieldInt(const std::map<std::string, std::string>& fields, const std::string& name);

// A stream entry: its id and fields.
struct StreamEntry {
  std::string id;
  std::map<std::string, std::string> fields;
};

// Appends the entries of an array of [id, [field, value, ...]]. Entries that
// are nil or have no fields (deleted while pending; Redis 6.2 XAUTOCLAIM)
// are not appended; their ids go to `deleted`. Cannot fail.
void AppendEntries(const RedisReply& list, std::vector<StreamEntry>* out,
                   std::vector<std::string>* deleted);

// One call of a script: its KEYS and ARGV.
struct EvalCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// EVALSHA sha numkeys keys... args... as an argument vector.
std::vector<std::string> EvalShaArgv(const RedisScript& script, const EvalCall& call);

// Runs `calls` of one script in a single round trip. A NOSCRIPT reply did
// not run, so those calls are repeated once after SCRIPT LOAD. Replies in
// order (error replies included); kUnavailable when the connection fails.
Result<std::vector<RedisReply>> EvalPipelined(RedisClient& client, const RedisScript& script,
                                              const std::vector<EvalCall>& calls);

}  // namespace trawl::queue_detail
