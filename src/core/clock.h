// Wall-clock time and identifiers shared by jobs, workers and the API.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace trawl {

// Milliseconds since the Unix epoch (system clock).
int64_t NowMs();

// "2026-11-28T23:09:05.123Z" (UTC, millisecond precision). Cannot fail.
std::string FormatIsoTime(int64_t epoch_ms);

// A random identifier of `bytes` random bytes as lower-case hex (from
// std::random_device). Cannot fail.
std::string RandomHexId(int bytes = 8);

// The short host name of this machine ("" if unknown).
std::string HostName();

}  // namespace trawl
