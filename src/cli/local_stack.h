// `trawl up`'s stack on one machine: a redis-server started when none
// answers (on this machine, and installed), the API server in this process,
// and `trawl workers -n N` as a child, stopped in reverse order. Call from
// the main thread; it blocks the stop signals itself.
#pragma once

#include <string>
#include <vector>

#include "api/server.h"

namespace trawl {

struct LocalStackOptions {
  ServerOptions server;  // its redis is set (up needs one)
  std::string
      data_dir;  // the database (unless server.db_url says otherwise) and redis-server's data
  int workers = 2;
  int64_t workers_grace_ms = 30'000;
  // What the workers get beyond -n and the Redis and database settings:
  // option_table.h's ForwardToWorkers.
  std::vector<std::string> worker_args;
  std::vector<std::string> worker_env;
};

// Runs the stack until SIGINT/SIGTERM or the workers exit. Returns the exit
// status: 0 after Ctrl+C, 1 when something could not start or the workers
// exited by themselves, 2 on a usage error the server found.
int RunLocalStack(const LocalStackOptions& options);

}  // namespace trawl
