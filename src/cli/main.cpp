// trawl: one binary, subcommands like git. Dispatch only: the commands and
// their one-line summaries are rows of the option table (cli/option_table.h),
// their entry points are in commands.h.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/option_table.h"

namespace {

int Usage(FILE* out) {
  std::fprintf(out, "usage: trawl <command> [options]   (trawl <command> --help)\n\ncommands:\n");
  for (const auto& c : trawl::Commands()) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
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
  const trawl::CommandInfo* command = trawl::FindCommand(cmd);
  if (command == nullptr) {
    std::fprintf(stderr, "trawl: unknown command '%s'\n", cmd.c_str());
    return Usage(stderr);
  }
  std::string name = "trawl " + cmd;
  argv[1] = name.data();
  return trawl::RunCommand(command->bit, argc - 1, argv + 1);
}
