// Live job events inside `trawl serve`, fanned out to the Server-Sent Events
// streams of GET /api/events. Sources: the Redis `events` channel (parallel
// jobs; RedisEventListener), the embedded runner, and the API's own actions
// (a job created, cancelled, retried).
//
// Thread-safety: every method may be called from any thread. A subscriber
// that falls behind does not slow publishers: its queue is bounded, the
// oldest events are dropped and the subscriber is told it lagged.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "queue/redis_client.h"

namespace trawl::api {

struct HubEvent {
  std::string job_id;
  std::string type;        // "progress" | "job"
  std::string json;        // the event as JSON text
  std::string job_status;  // the job's state after a progress event; "" if not known
};

class EventHub {
 public:
  class Subscription {
   public:
    // Waits up to `wait_ms` for the next event of this subscription's job (or
    // of every job). nullopt on timeout or once the hub is closed (see
    // closed()). Sets `lagged` (and clears the flag) when events were dropped
    // since the previous call.
    std::optional<HubEvent> Next(int wait_ms, bool& lagged);
    bool closed();

   private:
    friend class EventHub;
    std::string job_id_;  // "" = every job
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<HubEvent> queue_;
    bool lagged_ = false;
    bool closed_ = false;
  };

  explicit EventHub(size_t max_subscribers, size_t queue_limit = 4096);

  // A new subscription, or nullptr when `max_subscribers` are open (or the
  // hub is closed). It ends when the last shared_ptr goes.
  std::shared_ptr<Subscription> Subscribe(const std::string& job_id);
  // Hands `event` to every open subscription that wants its job.
  void Publish(const HubEvent& event);
  // Parses `json` (an event as the queue and the embedded runner publish
  // them: an object with "type" and "job_id") and publishes it; ignores
  // anything else.
  void PublishJson(const std::string& json);
  // Ends every subscription (their Next returns nullopt, closed() true) and
  // refuses new ones. For server shutdown.
  void Close();
  size_t subscribers();

 private:
  size_t max_subscribers_;
  size_t queue_limit_;
  std::mutex mu_;
  bool closed_ = false;
  std::vector<std::weak_ptr<Subscription>> subs_;
};

// A thread subscribed to the Redis events channel that publishes what it
// hears into an EventHub; reconnects with backoff when Redis goes away.
class RedisEventListener {
 public:
  RedisEventListener(RedisConfig config, EventHub* hub);
  ~RedisEventListener();  // stops the thread (within about half a second)
  RedisEventListener(const RedisEventListener&) = delete;
  RedisEventListener& operator=(const RedisEventListener&) = delete;

 private:
  void Run();

  RedisConfig config_;
  EventHub* hub_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace trawl::api
