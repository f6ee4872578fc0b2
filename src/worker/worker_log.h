// Whole lines on stdout or stderr, flushed one by one, from any thread: the
// supervisor (and anyone tailing a worker) reads worker output through pipes
// line by line, so a line must never be split or held in a buffer.
// Thread-safe (one process-wide lock).
#pragma once

#include <cstdio>
#include <string>

namespace trawl {

// Writes `line` and a newline to `out`, then flushes. Cannot fail (a closed
// pipe loses the line; SIGPIPE is the caller's to ignore).
void LogLine(FILE* out, const std::string& line);

// The first 8 characters of a job id, as output lines show it.
std::string ShortJobId(const std::string& job_id);

}  // namespace trawl
