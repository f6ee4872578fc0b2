// The embedded runner (embedded_runner.h): a JobRunner over a DbTaskSource,
// started and stopped with the API server.
#include "worker/embedded_runner.h"

#include <mutex>

#include "worker/job_runner.h"

namespace trawl {
namespace {

// Look for jobs this often even without Wake (another server on the same
// database may have stored one).
constexpr int kIdleRescanMs = 5000;

}  // namespace

struct EmbeddedRunner::Impl {
  std::string db_url;
  CrawlOptions crawl;
  EventCallback on_event;
  mutable std::mutex mu;  // guards `runner` (Start/Stop against Wake/in_flight)
  std::unique_ptr<JobRunner> runner;
};

EmbeddedRunner::EmbeddedRunner(std::string db_url, CrawlOptions crawl, EventCallback on_event)
    : impl_(std::make_unique<Impl>()) {
  impl_->db_url = std::move(db_url);
  impl_->crawl = std::move(crawl);
  impl_->on_event = std::move(on_event);
}

EmbeddedRunner::~EmbeddedRunner() { Stop(0); }

Result<void> EmbeddedRunner::Start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->runner) return {};
  auto opened = Store::Open(impl_->db_url);
  if (!opened) return Fail(ErrorCode::kUnavailable, opened.error().message);
  std::shared_ptr<Store> store = std::move(*opened);
  auto source = std::make_unique<DbTaskSource>(store, impl_->on_event);
  if (auto ok = source->Open(); !ok) return Fail(ErrorCode::kUnavailable, ok.error().message);
  RunnerOptions options;
  options.crawl = impl_->crawl;
  options.name = "embedded runner";
  options.claim_block_ms = kIdleRescanMs;
  options.log_tasks = false;  // the server's output is for the server; events tell the rest
  impl_->runner = std::make_unique<JobRunner>(std::move(options), std::move(source), store);
  impl_->runner->Start();
  return {};
}

void EmbeddedRunner::Wake() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->runner) impl_->runner->Wake();
}

void EmbeddedRunner::Stop(int64_t grace_ms) {
  if (!impl_) return;
  std::unique_ptr<JobRunner> runner;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    runner = std::move(impl_->runner);
  }
  // Past the grace period the runner's threads are left behind and store
  // nothing more; their tasks stay processing and the next Start resets them.
  if (runner) runner->Stop(grace_ms);
}

int EmbeddedRunner::in_flight() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->runner ? static_cast<int>(impl_->runner->in_flight()) : 0;
}

}  // namespace trawl
