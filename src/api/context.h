// What every route handler shares: the server's options, the one Store of
// the request threads, the embedded runner, and a pool of Redis connections.
// Internal to src/api.
//
// Thread-safety: ApiContext is built once by ApiServer::Start and then only
// read; Store serializes internally; QueuePool hands each request thread a
// TaskQueue of its own (a RedisClient is one connection and not shareable).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/event_hub.h"
#include "api/server.h"
#include "queue/task_queue.h"
#include "store/store.h"
#include "worker/embedded_runner.h"

namespace trawl::api {

class QueuePool {
 public:
  // `config` unset: Redis is not configured and Acquire must not be called.
  explicit QueuePool(std::optional<RedisConfig> config, size_t max_idle = 16);

  bool configured() const { return config_.has_value(); }
  const std::optional<RedisConfig>& config() const { return config_; }

  // A TaskQueue for the calling thread until the lease ends; an idle one is
  // reused (its connection re-dials by itself after a failure), else a new
  // one is made (connecting lazily). Cannot fail.
  class Lease {
   public:
    Lease(QueuePool* pool, std::unique_ptr<TaskQueue> queue)
        : pool_(pool), queue_(std::move(queue)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    TaskQueue* operator->() { return queue_.get(); }
    TaskQueue& operator*() { return *queue_; }

   private:
    QueuePool* pool_;
    std::unique_ptr<TaskQueue> queue_;
  };
  Lease Acquire();

 private:
  void Release(std::unique_ptr<TaskQueue> queue);

  std::optional<RedisConfig> config_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<TaskQueue>> idle_;
};

struct ApiContext {
  ServerOptions options;
  std::string version;
  Store* store = nullptr;            // owned by the server
  EmbeddedRunner* runner = nullptr;  // owned by the server
  QueuePool* queues = nullptr;       // owned by the server
  // What the embedded runner's fetches count (GET /metrics, worker="serve").
  std::shared_ptr<FetchMetrics> fetch_metrics;
  EventHub* events = nullptr;  // owned by the server
};

}  // namespace trawl::api
