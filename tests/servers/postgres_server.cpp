// A real PostgreSQL for tests (postgres_server.h): initdb into a temporary
// folder, then the postmaster as our child on a free loopback port.
#include "servers/postgres_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "servers/ports.h"
#include "servers/spawn.h"

namespace trawl::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kInitdbTimeout = std::chrono::seconds(120);
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kStopTimeout = std::chrono::seconds(15);
constexpr auto kPollInterval = std::chrono::milliseconds(50);

// The bin folder of the newest PostgreSQL in Debian's layout
// (/usr/lib/postgresql/<major>/bin); "" when none is installed. Not
// `pg_config --bindir`, which belongs to the client package and may name a
// folder without the server. TRAWL_TEST_POSTGRES_BINDIR, when set, names the
// folder instead (e.g. /nonexistent to see the tests without a server).
std::string BinDir() {
  if (const char* chosen = std::getenv("TRAWL_TEST_POSTGRES_BINDIR");
      chosen != nullptr && *chosen) {
    std::error_code ec;
    fs::path bin = chosen;
    return fs::exists(bin / "initdb", ec) && fs::exists(bin / "postgres", ec) ? bin.string() : "";
  }
  std::string best;
  double best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (!fs::exists(bin / "initdb", ec) || !fs::exists(bin / "postgres", ec)) continue;
    double version = std::atof(entry.path().filename().c_str());  // "15", "9.6"
    if (version > best_version) {
      best_version = version;
      best = bin.string();
    }
  }
  return best;
}

// How initdb and the server are started: in a process group of their own
// (so Kill reaches the server's backends too), killed if this process dies
// (a crashed test leaves no server behind), output appended to `log`; as the
// `postgres` system user when we are root, since PostgreSQL refuses to run
// as root.
SpawnOptions ServerSpawn(const std::string& log) {
  SpawnOptions options{
      .log_path = log, .append_log = true, .own_process_group = true, .die_with_parent = true};
  if (geteuid() == 0) {
    if (const passwd* pw = getpwnam("postgres")) options.run_as = {{pw->pw_uid, pw->pw_gid}};
  }
  return options;
}

void PrintLog(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "--- %s ---\n%s\n", path.c_str(), text.c_str());
}

std::string AdminConninfo(int port) {
  return fmt::format("host=127.0.0.1 port={} user=trawl dbname=postgres connect_timeout=5", port);
}

}  // namespace

bool PostgresServer::Available() { return !BinDir().empty(); }

PostgresServer::PostgresServer() {
  std::string bin = BinDir();
  if (bin.empty()) return;
  // /tmp, not $TMPDIR: the socket path (folder + "/.s.PGSQL.PORT") must stay
  // under the 107 bytes a unix socket name may have.
  char pattern[] = "/tmp/trawl-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return;
  dir_ = pattern;
  SpawnOptions spawn = ServerSpawn(dir_ + "/initdb.log");
  if (spawn.run_as && chown(dir_.c_str(), spawn.run_as->first, spawn.run_as->second) != 0) return;

  pid_t initdb = SpawnProcess({bin + "/initdb", "-D", dir_ + "/data", "-U", "trawl", "-A", "trust",
                               "-E", "UTF8", "--locale=C", "--no-sync"},
                              spawn);
  if (initdb < 0) return;
  std::optional<int> status = WaitExit(initdb, kInitdbTimeout);
  if (!status) StopProcess(initdb, SIGKILL, kStopTimeout);
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    std::fprintf(stderr, "initdb failed\n");
    PrintLog(dir_ + "/initdb.log");
    return;
  }
  port_ = FreeLoopbackPort();
  Start();
}

PostgresServer::~PostgresServer() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

bool PostgresServer::Start() {
  if (pid_ > 0) return true;
  std::string bin = BinDir();
  if (bin.empty() || dir_.empty() || port_ == 0) return false;
  // fsync and full-page writes off: a test database need not survive a
  // power cut, and they cost most of the time of CREATE DATABASE and commits.
  pid_t pid = SpawnProcess(
      {bin + "/postgres", "-D", dir_ + "/data", "-p", std::to_string(port_), "-k", dir_, "-c",
       "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
       "full_page_writes=off", "-c", "shared_buffers=32MB"},
      ServerSpawn(dir_ + "/postgres.log"));
  if (pid < 0) return false;
  std::string conninfo = AdminConninfo(port_);
  auto deadline = Clock::now() + kStartTimeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      std::fprintf(stderr, "postgres exited at start\n");
      PrintLog(dir_ + "/postgres.log");
      return false;
    }
    if (PQping(conninfo.c_str()) == PQPING_OK) {
      pid_ = pid;
      return true;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  std::fprintf(stderr, "postgres did not accept connections within %lld s\n",
               static_cast<long long>(kStartTimeout.count()));
  PrintLog(dir_ + "/postgres.log");
  StopProcess(pid, SIGKILL, kStopTimeout, /*group=*/true);
  return false;
}

void PostgresServer::Kill() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);  // the whole group: postmaster and its backends
  WaitExit(pid_, kStopTimeout);
  pid_ = -1;
}

void PostgresServer::Stop() {
  if (pid_ <= 0) return;
  // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected and the
  // data flushed. SIGTERM ("smart") would wait for every client to leave.
  StopProcess(pid_, SIGINT, kStopTimeout, /*group=*/true);
  pid_ = -1;
}

std::string PostgresServer::CreateDatabase(const std::string& name) {
  if (pid_ <= 0 || name.empty() || name.size() > 63) return "";
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!allowed) return "";
  }
  PGconn* conn = PQconnectdb(AdminConninfo(port_).c_str());
  std::string url;
  if (PQstatus(conn) == CONNECTION_OK) {
    // An identifier cannot be a bound parameter; the name was checked above
    // to be [a-z0-9_]+, so quoting it is enough.
    std::string sql = fmt::format("CREATE DATABASE \"{}\"", name);
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) == PGRES_COMMAND_OK) {
      url = fmt::format("postgresql://trawl@127.0.0.1:{}/{}", port_, name);
    } else {
      std::fprintf(stderr, "CREATE DATABASE %s: %s", name.c_str(), PQerrorMessage(conn));
    }
    PQclear(result);
  } else {
    std::fprintf(stderr, "postgres: %s", PQerrorMessage(conn));
  }
  PQfinish(conn);
  return url;
}

}  // namespace trawl::testing
