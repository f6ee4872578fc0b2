#include "api/event_hub.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/states.h"

namespace trawl::api {
namespace {

constexpr int kPushWaitMs = 500;  // how soon the listener notices Stop

}  // namespace

// ---- Subscription -----------------------------------------------------------

std::optional<HubEvent> EventHub::Subscription::Next(int wait_ms, bool& lagged) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(std::max(wait_ms, 0)),
               [this] { return closed_ || !queue_.empty() || lagged_; });
  lagged = lagged_;
  lagged_ = false;
  if (closed_ || queue_.empty()) return std::nullopt;
  HubEvent event = std::move(queue_.front());
  queue_.pop_front();
  return event;
}

bool EventHub::Subscription::closed() {
  std::lock_guard lock(mu_);
  return closed_;
}

// ---- EventHub -----------------------------------------------------------------

EventHub::EventHub(size_t max_subscribers, size_t queue_limit)
    : max_subscribers_(max_subscribers), queue_limit_(std::max<size_t>(queue_limit, 1)) {}

std::shared_ptr<EventHub::Subscription> EventHub::Subscribe(const std::string& job_id) {
  std::lock_guard lock(mu_);
  if (closed_) return nullptr;
  std::erase_if(subs_, [](const std::weak_ptr<Subscription>& w) { return w.expired(); });
  if (subs_.size() >= max_subscribers_) return nullptr;
  auto sub = std::make_shared<Subscription>();
  sub->job_id_ = job_id;
  subs_.push_back(sub);
  return sub;
}

void EventHub::Publish(const HubEvent& event) {
  std::vector<std::shared_ptr<Subscription>> targets;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    for (const auto& weak : subs_) {
      auto sub = weak.lock();
      if (sub && (sub->job_id_.empty() || sub->job_id_ == event.job_id)) targets.push_back(sub);
    }
  }
  for (const auto& sub : targets) {
    {
      std::lock_guard lock(sub->mu_);
      if (sub->queue_.size() >= queue_limit_) {
        sub->queue_.pop_front();
        sub->lagged_ = true;
      }
      sub->queue_.push_back(event);
    }
    sub->cv_.notify_one();
  }
}

void EventHub::PublishJson(const std::string& json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object()) return;
  auto type = doc.find("type");
  auto job = doc.find("job_id");
  if (type == doc.end() || !type->is_string() || job == doc.end() || !job->is_string()) return;
  // The embedded runner says "status" where the queue says "job_status" for
  // the job's state: one word for clients.
  if (!doc.contains("job_status") && doc.contains("status") && *type == "job") {
    doc["job_status"] = doc["status"];
    doc.erase("status");
  }
  if (*type == "progress" && !doc.contains("job_status")) {
    int64_t done = doc.value("completed", int64_t{0}) + doc.value("failed", int64_t{0});
    doc["job_status"] = ToString(done >= doc.value("total", int64_t{0}) ? JobStatus::kCompleted
                                                                        : JobStatus::kProcessing);
  }
  auto job_status = doc.find("job_status");
  Publish(
      {job->get<std::string>(), type->get<std::string>(),
       doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
       job_status != doc.end() && job_status->is_string() ? job_status->get<std::string>() : ""});
}

void EventHub::Close() {
  std::vector<std::shared_ptr<Subscription>> targets;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (const auto& weak : subs_) {
      if (auto sub = weak.lock()) targets.push_back(sub);
    }
    subs_.clear();
  }
  for (const auto& sub : targets) {
    {
      std::lock_guard lock(sub->mu_);
      sub->closed_ = true;
    }
    sub->cv_.notify_all();
  }
}

size_t EventHub::subscribers() {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(
      std::count_if(subs_.begin(), subs_.end(), [](const auto& w) { return !w.expired(); }));
}

// ---- RedisEventListener -------------------------------------------------------

RedisEventListener::RedisEventListener(RedisConfig config, EventHub* hub)
    : config_(std::move(config)), hub_(hub) {
  thread_ = std::thread([this] { Run(); });
}

RedisEventListener::~RedisEventListener() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RedisEventListener::Run() {
  RedisClient client(config_);
  const std::string channel = client.Key("events");
  int failures = 0;
  bool reported = false;
  auto stopping = [this] {
    std::lock_guard lock(mu_);
    return stop_;
  };
  while (!stopping()) {
    if (!client.connected()) {
      auto reply = client.Command({"SUBSCRIBE", channel});
      if (!reply || reply->is_error()) {
        if (!reported) {
          std::fprintf(stderr, "trawl serve: live events from Redis unavailable (%s); retrying\n",
                       reply ? reply->str.c_str() : reply.error().message.c_str());
          reported = true;
        }
        client.Disconnect();
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(RetryDelayMs(failures++)),
                     [this] { return stop_; });
        continue;
      }
      if (reported) std::fprintf(stderr, "trawl serve: live events from Redis back\n");
      failures = 0;
      reported = false;
    }
    auto push = client.NextPush(kPushWaitMs);
    if (!push) continue;  // disconnected: subscribe again
    if (!push->has_value()) continue;
    const RedisReply& msg = **push;
    // ["message", channel, payload]
    if (msg.type == RedisReply::Type::kArray && msg.elements.size() == 3 &&
        msg.elements[0].str == "message") {
      hub_->PublishJson(msg.elements[2].str);
    }
  }
}

}  // namespace trawl::api
