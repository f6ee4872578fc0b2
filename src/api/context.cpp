// The pool of Redis connections the request threads share.
#include "api/context.h"

namespace trawl::api {

QueuePool::QueuePool(std::optional<RedisConfig> config, size_t max_idle)
    : config_(std::move(config)), max_idle_(max_idle) {}

QueuePool::Lease::~Lease() {
  if (pool_ && queue_) pool_->Release(std::move(queue_));
}

QueuePool::Lease QueuePool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<TaskQueue> queue = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(queue));
    }
  }
  // Made outside the lock: a TaskQueue connects lazily, so this is cheap.
  return Lease(this, std::make_unique<TaskQueue>(*config_));
}

void QueuePool::Release(std::unique_ptr<TaskQueue> queue) {
  std::lock_guard lock(mu_);
  // Beyond max_idle_ the connection closes: bursts do not pin connections.
  if (idle_.size() < max_idle_) idle_.push_back(std::move(queue));
}

}  // namespace trawl::api
