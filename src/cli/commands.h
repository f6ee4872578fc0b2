// Entry points of trawl's subcommands, one per cmd_*.cpp file. Each takes the
// arguments after the subcommand name (argv[0] is "trawl <cmd>") and returns
// the process exit status: 0 done, 1 a negative answer (robots), 2 usage error.
#pragma once

namespace trawl {

int RunCrawl(int argc, char** argv);     // cmd_crawl.cpp
int RunRobots(int argc, char** argv);    // cmd_robots.cpp
int RunSitefarm(int argc, char** argv);  // cmd_sitefarm.cpp
int RunScore(int argc, char** argv);     // cmd_score.cpp

}  // namespace trawl
