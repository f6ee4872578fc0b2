// trawl: one binary, subcommands like git. Dispatch only; see commands.h.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* help;
};

constexpr Command kCommands[] = {
    {"crawl", trawl::RunCrawl, "crawl domains and print their company profiles (embedded mode)"},
    {"robots", trawl::RunRobots, "check a URL against a robots.txt file (exit 0 allowed, 1 not)"},
    {"sitefarm", trawl::RunSitefarm, "serve the local fixture web farm (tests, demo, benchmarks)"},
    {"score", trawl::RunScore, "score extracted profiles against truth files (precision/recall/F1)"},
    {"worker", trawl::RunWorker, "one worker: take domains from Redis, crawl, store profiles"},
    {"workers", trawl::RunWorkers, "start and supervise N worker processes (restart on crash)"},
    {"monitor", trawl::RunMonitor, "live CPU and memory of all workers, from their heartbeats"},
    {"serve", trawl::RunServe, "the REST API server (parallel jobs to Redis, embedded ones in-process)"},
    {"up", trawl::RunUp, "a local parallel stack: redis-server if none, the API server, N workers"},
    {"submit", trawl::RunSubmit, "submit domains to an API server as a job (--wait to follow it)"},
    {"status", trawl::RunStatus, "print a job's status from an API server"},
};

int Usage(FILE* out) {
  std::fprintf(out, "usage: trawl <command> [options]   (trawl <command> --help)\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.help);
  return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(stderr);
  std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") return Usage(stdout);
  if (cmd == "--version") {
    std::printf("trawl 0.1.0\n");
    return 0;
  }
  for (const auto& c : kCommands) {
    if (cmd == c.name) {
      std::string name = std::string("trawl ") + c.name;
      argv[1] = name.data();
      return c.run(argc - 1, argv + 1);
    }
  }
  std::fprintf(stderr, "trawl: unknown command '%s'\n", cmd.c_str());
  return Usage(stderr);
}
