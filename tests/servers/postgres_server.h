// A real PostgreSQL for tests: initdb into a fresh temporary folder, the
// server on a free loopback port (socket in the same folder), stopped by its
// PID and the folder removed on destruction. When run as root, initdb and the
// server run as the `postgres` system user (PostgreSQL refuses root).
// The server dies with the thread that started it (PR_SET_PDEATHSIG), so a
// crashed test leaves no server behind: construct and Start() it from a
// thread that outlives its use (the test's main thread). Not thread-safe.
#pragma once

#include <string>

namespace trawl::testing {

class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Whether PostgreSQL's server binaries are installed (the newest
  // /usr/lib/postgresql/*/bin, or the folder TRAWL_TEST_POSTGRES_BINDIR
  // names). Tests check it with TRAWL_REQUIRE_POSTGRES() (servers/require.h).
  static bool Available();

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  // Creates a fresh database; its "postgresql://trawl@127.0.0.1:PORT/NAME"
  // URL, or "" on failure.
  std::string CreateDatabase(const std::string& name);

  void Kill();
  void Stop();
  bool Start();

 private:
  std::string dir_;
  int port_ = 0;
  int pid_ = -1;
};

}  // namespace trawl::testing
