// `trawl up`: a local parallel stack in one command (local_stack.h). The API
// server takes the server options, the workers those of theirs that were set
// (option_table.h's ForwardToWorkers), both the fetching options.
#include <cstdio>

#include "cli/commands.h"
#include "cli/local_stack.h"

namespace trawl {

int RunUp(Settings& s) {
  auto server = ServerOptionsFrom(s, /*up=*/true);
  if (!server) {
    std::fprintf(stderr, "trawl up: --redis: %s\n", server.error().message.c_str());
    return 2;
  }
  s.up_db_url = server->db_url;  // the workers share the server's database
  ForwardedOptions forwarded = ForwardToWorkers(kUp, s);
  LocalStackOptions options;
  options.server = *server;
  options.data_dir = s.data_dir;
  options.workers = s.workers;
  options.workers_grace_ms = s.worker.grace_ms;
  options.worker_args = forwarded.args;
  options.worker_env = forwarded.env;
  return RunLocalStack(options);
}

}  // namespace trawl
