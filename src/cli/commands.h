// Entry points of trawl's subcommands, one per cmd_*.cpp file. Each parses
// its options (option_table.h), calls the library that does the work and
// returns the process exit status: 0 done, 1 a failure or a negative answer
// (robots), 2 a usage error.
#pragma once

#include "cli/option_table.h"

namespace trawl {

// Runs `command` with the arguments after the subcommand name (argv[0] is
// "trawl <command>").
int RunCommand(Command command, int argc, char** argv);

// Each takes the parsed settings of its command.
int RunCrawl(Settings& s);     // cmd_crawl.cpp
int RunRobots(Settings& s);    // cmd_robots.cpp
int RunSitefarm(Settings& s);  // cmd_sitefarm.cpp
int RunScore(Settings& s);     // cmd_score.cpp
int RunWorker(Settings& s);    // cmd_worker.cpp
int RunWorkers(Settings& s);   // cmd_workers.cpp
int RunMonitor(Settings& s);   // cmd_monitor.cpp
int RunServe(Settings& s);     // cmd_serve.cpp
int RunUp(Settings& s);        // cmd_up.cpp
int RunSubmit(Settings& s);    // cmd_submit.cpp
int RunStatus(Settings& s);    // cmd_submit.cpp
int RunOptions(Settings& s);   // cmd_options.cpp

}  // namespace trawl
