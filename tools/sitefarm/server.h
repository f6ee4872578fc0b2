// The site farm's HTTP/1.x server: a listening socket, one blocking thread per
// connection, keep-alive, pipelining, bounded heads and connection counts.
// What to answer is the handler's business (farm.h). Server is thread-safe;
// Stop() (or the destructor) waits for every connection thread to finish.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/error.h"
#include "sitefarm/http_message.h"

namespace trawl::sitefarm {

// A stop flag that sleepers can wait on. Thread-safe.
class StopSignal {
 public:
  void Raise();
  bool raised() const { return raised_.load(std::memory_order_relaxed); }
  // Sleeps `ms` milliseconds; returns false early once the signal is raised.
  bool SleepFor(int ms);

 private:
  std::atomic<bool> raised_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

// The connection a streaming response writes to. Used by one thread only.
class Channel {
 public:
  Channel(int fd, StopSignal& stop) : fd_(fd), stop_(stop) {}
  // Writes all of `bytes`. False when the client is gone or the farm stops.
  bool Send(std::string_view bytes);
  // Waits up to `ms` milliseconds, discarding anything the client sends.
  // False when the client closed the connection or the farm stops; checks
  // both at least once a second so that dribbling handlers end promptly.
  bool Wait(int ms);
  bool stopping() const { return stop_.raised(); }

 private:
  int fd_;
  StopSignal& stop_;
};

struct ServerOptions {
  std::string bind = "127.0.0.1";       // numeric IPv4 or IPv6 address
  int port = 0;                         // 0: an ephemeral port, see Server::port()
  size_t max_connections = 4096;        // further connections get 503 and are closed
  size_t max_header_bytes = 64 * 1024;  // a larger request head gets 431
  int idle_timeout_ms = 30000;          // keep-alive connections idle longer are closed
};

// Answers one parsed request. Called concurrently from connection threads.
using Handler = std::function<Response(const Request&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts accepting. Fails with kConnectFailed when the
  // address cannot be bound, kUsage when it is not a numeric address.
  Result<void> Start();
  // Closes the listener and every connection, and waits for their threads
  // (at most about a second after dribbling handlers notice). Idempotent.
  void Stop();
  int port() const { return port_; }
  // "127.0.0.1:8811" or "[::1]:8811".
  std::string address() const;
  // Raised by Stop(); handlers sleep on it so that stopping is prompt.
  StopSignal& stop_signal();

  struct State;  // shared with connection threads, which may outlive Stop()'s caller briefly

 private:
  std::shared_ptr<State> state_;
  std::thread acceptor_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace trawl::sitefarm
