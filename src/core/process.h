// Child processes of the long-running commands (`trawl up` starting
// redis-server and the workers): start in their own process group, check,
// stop in order. Call from one thread; the child side of Spawn is
// async-signal-safe (the parent may have threads holding locks).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace trawl {

// Forks and execs argv (argv[0] looked up on PATH) in its own process group,
// so a terminal's Ctrl+C reaches only the parent, with the default signal
// mask and `extra_env` ("NAME=value", replacing ours of the same name) added
// to our environment; the child gets SIGTERM if the parent dies. Everything
// is built before fork. Returns the pid, or -1 (errno says why).
pid_t SpawnChild(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env);

// True when `pid` has exited (reaped here; its wait status in `status`) or
// is not our child.
bool Exited(pid_t pid, int* status = nullptr);

// SIGTERM, then up to `grace_ms` (cut short when one of `signals` arrives:
// an impatient user), then SIGKILL of the child's whole process group.
// `name` is for the message on stderr. Nothing to do for pid <= 0.
void StopChild(pid_t pid, const char* name, int64_t grace_ms, const sigset_t& signals);

// Whether an executable `program` is on $PATH.
bool OnPath(const std::string& program);

}  // namespace trawl
