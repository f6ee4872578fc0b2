// What a test needs from the machine — redis-server, PostgreSQL, a Python
// module that scripts/setup.sh installs — checked in one place. Where a part
// is missing the test is skipped, except under CI=true, where it FAILS: a
// suite that skips itself in CI passes without having run. Header-only (the
// unit tests use it without linking the servers); stateless, thread-safe.
//
//   TEST(Queue, Claims) { TRAWL_REQUIRE_REDIS(); ... }
//   void SetUp() override { TRAWL_REQUIRE_POSTGRES(); ... }
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "servers/postgres_server.h"
#include "servers/redis_server.h"

namespace trawl::testing {

// Whether the tests run in CI (the environment has CI=true), where nothing
// the tests need may be missing.
inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::strcmp(ci, "true") == 0;
}

// Debian's python3, where apt puts python3-yaml and python3-prometheus-client
// (a python3 earlier on PATH, e.g. pyenv's, does not see Debian's packages);
// "python3" where there is no /usr/bin/python3.
inline std::string DebianPython() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

// Whether Debian's python3 can import `module`.
inline bool PythonHas(const std::string& module) {
  std::string command = DebianPython() + " -c 'import " + module + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

}  // namespace trawl::testing

// Skips the current test when `available` is false and explains `what` is
// missing; under CI=true fails it instead. Returns from the enclosing
// function (a TEST body or SetUp), like GTEST_SKIP.
#define TRAWL_REQUIRE(available, what)                                                 \
  do {                                                                                 \
    if (!(available)) {                                                                \
      if (::trawl::testing::InCi()) {                                                  \
        GTEST_FAIL() << (what) << "; under CI=true a missing part fails the test"      \
                     << " instead of skipping it (bash scripts/setup.sh installs it)"; \
      }                                                                                \
      GTEST_SKIP() << (what) << " (bash scripts/setup.sh installs it)";                \
    }                                                                                  \
  } while (0)

#define TRAWL_REQUIRE_REDIS() \
  TRAWL_REQUIRE(::trawl::testing::RedisServer::Available(), "redis-server is not installed")

#define TRAWL_REQUIRE_POSTGRES()                               \
  TRAWL_REQUIRE(::trawl::testing::PostgresServer::Available(), \
                "PostgreSQL (the server: initdb, postgres) is not installed")

#define TRAWL_REQUIRE_PYTHON_MODULE(module, package)                                               \
  TRAWL_REQUIRE(::trawl::testing::PythonHas(module), ::trawl::testing::DebianPython() +            \
                                                         " cannot import " + std::string(module) + \
                                                         " (Debian package " + package + ")")
