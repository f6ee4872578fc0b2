// The client side of trawl's API as `trawl submit` and `trawl status` use
// it: post a job, follow it, print its status. Messages go to stderr
// prefixed with the command's name, results to stdout. One call per
// process; not thread-safe (it prints).
#pragma once

#include <string>
#include <vector>

namespace trawl {

struct SubmitOptions {
  std::string server;                     // "http://127.0.0.1:8000"
  std::string token;                      // "" sends none
  std::string domains_text;               // domains separated by newlines (the server splits them)
  std::vector<std::string> option_items;  // "key=value" job options
  bool embedded = false;                  // POST /api/process instead of /api/process_redis
  bool wait = false;                      // poll until the job is finished
  double wait_timeout_s = 86'400;
  bool json = false;  // print the server's JSON, not the job id
};

// Posts the job and prints its id (or JSON), then with `wait` follows it.
// Returns the exit status: 0 submitted (with wait: completed), 1 the server
// refused, could not be reached, or the job did not complete, 2 a bad
// option item or server URL.
int SubmitJob(const SubmitOptions& options);

// Prints the status JSON of job `id` (`limit`/`offset` page its approved
// profiles). Returns 0, 1 when the server did not answer with one, 2 for an
// id that cannot be a job id.
int PrintJobStatus(const std::string& server, const std::string& token, const std::string& id,
                   int limit, int64_t offset);

}  // namespace trawl
