// Entry points of trawl's subcommands, one per cmd_*.cpp file. Each takes the
// arguments after the subcommand name (argv[0] is "trawl <cmd>") and returns
// the process exit status: 0 done, 1 a negative answer (robots), 2 usage error.
#pragma once

namespace trawl {

int RunCrawl(int argc, char** argv);     // cmd_crawl.cpp
int RunRobots(int argc, char** argv);    // cmd_robots.cpp
int RunSitefarm(int argc, char** argv);  // cmd_sitefarm.cpp
int RunScore(int argc, char** argv);     // cmd_score.cpp
int RunWorker(int argc, char** argv);    // cmd_worker.cpp
int RunWorkers(int argc, char** argv);   // cmd_workers.cpp
int RunMonitor(int argc, char** argv);   // cmd_monitor.cpp
int RunServe(int argc, char** argv);     // cmd_serve.cpp
int RunUp(int argc, char** argv);        // cmd_up.cpp
int RunSubmit(int argc, char** argv);    // cmd_submit.cpp
int RunStatus(int argc, char** argv);    // cmd_submit.cpp

struct WorkerOptions;
// cmd_worker.cpp: parses `trawl worker` options into `options` (also used by
// `trawl workers` to check what it passes on). Returns -1 when parsed;
// otherwise it has printed help or the error and returns the exit status
// (0 after --help, 2 on a usage error).
int ParseWorkerCommandLine(int argc, char** argv, WorkerOptions& options);

}  // namespace trawl
