// `trawl options [list|markdown|toml]`: the option table itself, and the
// dispatch from a command's bit to its entry point.
#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace trawl {

int RunCommand(Command command, int argc, char** argv) {
  Settings s;
  if (auto exit_status = ParseOptions(command, argc, argv, s)) return *exit_status;
  switch (command) {
    case kCrawl:
      return RunCrawl(s);
    case kWorker:
      return RunWorker(s);
    case kWorkers:
      return RunWorkers(s);
    case kServe:
      return RunServe(s);
    case kUp:
      return RunUp(s);
    case kSubmit:
      return RunSubmit(s);
    case kStatus:
      return RunStatus(s);
    case kMonitor:
      return RunMonitor(s);
    case kSitefarm:
      return RunSitefarm(s);
    case kScore:
      return RunScore(s);
    case kRobots:
      return RunRobots(s);
    case kOptions:
      return RunOptions(s);
  }
  return 2;
}

int RunOptions(Settings& s) {
  if (s.options_output == "markdown") {
    std::fputs(OptionsMarkdown().c_str(), stdout);
  } else if (s.options_output == "toml") {
    std::fputs(SampleToml().c_str(), stdout);
  } else {
    for (const OptionRow& row : OptionTable()) {
      std::string env = OptionEnv(row);
      std::printf("%-20s %-40s %s\n", row.flags, OptionCommands(row).c_str(), env.c_str());
    }
  }
  return 0;
}

}  // namespace trawl
