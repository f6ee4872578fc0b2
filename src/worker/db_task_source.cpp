// The database task source (db_task_source.h).
#include "worker/db_task_source.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/states.h"
#include "worker/worker_log.h"

namespace trawl {
namespace {

constexpr int kClaimBatch = 16;           // tasks turned to processing per claim at most
constexpr int64_t kCancelCheckMs = 1000;  // how often a job's status is read again

std::string Dump(const nlohmann::json& event) {
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

DbTaskSource::DbTaskSource(std::shared_ptr<Store> store, EventCallback on_event)
    : store_(std::move(store)), on_event_(std::move(on_event)) {}

Result<void> DbTaskSource::Open() {
  auto jobs = store_->UnfinishedEmbeddedJobs();
  if (!jobs) return tl::unexpected(jobs.error());
  for (const auto& id : *jobs) {
    auto reset = store_->ResetProcessingTasks(id);
    if (!reset) return tl::unexpected(reset.error());
  }
  return {};
}

// ---------------------------------------------------------------------------
// Claiming
// ---------------------------------------------------------------------------

Result<std::vector<ClaimedTask>> DbTaskSource::Claim(int count, int block_ms) {
  auto ids = store_->UnfinishedEmbeddedJobs();
  if (!ids) return tl::unexpected(ids.error());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& id : *ids) {
      auto state = Lookup(id);
      if (!state) return tl::unexpected(state.error());
      if (*state == nullptr) continue;
      auto tasks = store_->ClaimTasks(id, std::min(count, kClaimBatch), NowMs());
      if (tasks && tasks->empty() && FinishIfIdle(id)) {
        tasks = store_->ClaimTasks(id, std::min(count, kClaimBatch), NowMs());
      }
      if (!tasks) return tl::unexpected(tasks.error());
      if (tasks->empty()) continue;
      JobState& s = **state;
      s.in_hand += static_cast<int64_t>(tasks->size());
      std::vector<ClaimedTask> out;
      out.reserve(tasks->size());
      // Always the first attempt: tasks.attempts also counts claims a
      // graceful stop handed back uncrawled, so it cannot tell a domain that
      // kills the server from a server restarted often, and embedded jobs
      // have never been dead-lettered for it.
      for (TaskRecord& t : *tasks) {
        out.push_back(ClaimedTask{id + "\t" + t.domain, s.job, std::move(t.domain), t.input_index,
                                  1, "", ""});
      }
      return out;
    }
  }
  std::unique_lock<std::mutex> lock(wake_mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(std::max(block_ms, 0)), [this] { return woken_; });
  woken_ = false;
  return std::vector<ClaimedTask>{};
}

Result<DbTaskSource::JobState*> DbTaskSource::Lookup(const std::string& job_id) {
  int64_t now = NowMs();
  auto it = jobs_.find(job_id);
  if (it != jobs_.end() && (it->second.final || now - it->second.checked_ms < kCancelCheckMs)) {
    if (it->second.final && it->second.in_hand == 0) {
      jobs_.erase(it);  // a reopened job is read afresh
    } else {
      return it->second.final ? nullptr : &it->second;
    }
  }
  auto got = store_->GetJob(job_id);
  if (!got) return tl::unexpected(got.error());
  it = jobs_.find(job_id);
  if (!*got || IsFinalJobStatus((*got)->status)) {
    if (it != jobs_.end()) it->second.final = true;
    return nullptr;
  }
  const JobRecord& record = **got;
  if (it == jobs_.end()) {
    auto job = std::make_shared<TaskJob>();
    job->id = record.id;
    job->mode = record.mode;
    auto options = ParseJobOptions(record.options_json);
    if (options) job->options = *options;
    JobState s;
    s.job = std::move(job);
    s.was_pending = Is(record.status, JobStatus::kPending);
    s.total = record.total;
    s.completed = record.completed;
    s.failed = record.failed;
    it = jobs_.emplace(job_id, std::move(s)).first;
  }
  it->second.checked_ms = now;
  return &it->second;
}

void DbTaskSource::JobStarted(const TaskJob& job) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(job.id);
  if (it == jobs_.end() || !it->second.was_pending) return;
  it->second.was_pending = false;
  Emit(Dump({{"type", "job"}, {"job_id", job.id}, {"status", ToString(JobStatus::kProcessing)}}));
}

// ---------------------------------------------------------------------------
// Counting and completing
// ---------------------------------------------------------------------------

Result<std::vector<TaskCounted>> DbTaskSource::Complete(
    const std::vector<const ClaimedTask*>& tasks, const std::vector<bool>& ok) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TaskCounted> out;
  out.reserve(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    auto counted = Count(*tasks[i], ok[i]);
    if (!counted) return tl::unexpected(counted.error());
    out.push_back(*counted);
  }
  return out;
}

Result<TaskCounted> DbTaskSource::DeadLetter(const ClaimedTask& task, const Error&) {
  // The failure is in the task's row already (the runner stored its profile).
  std::lock_guard<std::mutex> lock(mu_);
  return Count(task, false);
}

// The runner is the only one working an embedded job, and the store hands
// out only pending tasks, so each stored profile moves one count: counting
// here spares a count over the whole job per domain.
Result<TaskCounted> DbTaskSource::Count(const ClaimedTask& task, bool ok) {
  auto it = jobs_.find(task.job->id);
  if (it == jobs_.end()) return TaskCounted{};
  JobState& s = it->second;
  s.in_hand = std::max<int64_t>(s.in_hand - 1, 0);
  ++(ok ? s.completed : s.failed);
  Emit(Dump({{"type", "progress"},
             {"job_id", task.job->id},
             {"domain", task.domain},
             {"status", ok ? "ok" : "failed"},
             {"completed", s.completed},
             {"failed", s.failed},
             {"total", s.total}}));
  TaskCounted counted;
  if (!s.final && s.completed + s.failed >= s.total) counted.job_finished = FinishJob(task.job->id);
  return counted;
}

// Marks the job completed when the database agrees every task is done or
// failed; else takes the database's counts (a retry reopened some).
bool DbTaskSource::FinishJob(const std::string& job_id) {
  JobState& s = jobs_.at(job_id);
  auto job = store_->GetJob(job_id);
  if (!job || !*job) return false;  // a transient failure: the next count asks again
  const JobRecord& now = **job;
  if (IsFinalJobStatus(now.status)) {
    s.final = true;
    return false;
  }
  if (now.completed + now.failed < now.total) {
    s.completed = now.completed;
    s.failed = now.failed;
    s.total = now.total;
    return false;
  }
  auto marked = store_->MarkJobFinished(job_id, ToString(JobStatus::kCompleted), NowMs());
  if (!marked) return false;
  s.final = true;
  if (*marked) {
    Emit(Dump({{"type", "job"}, {"job_id", job_id}, {"status", ToString(JobStatus::kCompleted)}}));
  }
  return *marked;
}

bool DbTaskSource::FinishIfIdle(const std::string& job_id) {
  JobState& s = jobs_.at(job_id);
  if (s.in_hand > 0) return false;  // its last tasks are being crawled
  auto job = store_->GetJob(job_id);
  if (!job || !*job) return false;
  const JobRecord& now = **job;
  if (IsFinalJobStatus(now.status)) {
    s.final = true;
    return false;
  }
  if (now.completed + now.failed < now.total) {
    // Processing tasks nobody holds: a profile that could not be stored.
    auto reset = store_->ResetProcessingTasks(job_id);
    if (reset && *reset > 0) return true;
    LogLine(stderr,
            fmt::format("job {}: {} of {} tasks accounted for and none left to run; marking it "
                        "completed",
                        ShortJobId(job_id), now.completed + now.failed, now.total));
  }
  auto marked = store_->MarkJobFinished(job_id, ToString(JobStatus::kCompleted), NowMs());
  if (!marked) return false;
  s.final = true;
  if (*marked) {
    Emit(Dump({{"type", "job"}, {"job_id", job_id}, {"status", ToString(JobStatus::kCompleted)}}));
  }
  return false;
}

// ---------------------------------------------------------------------------
// Handing back, waking, closing
// ---------------------------------------------------------------------------

void DbTaskSource::Release(const std::vector<ClaimedTask>& tasks) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ClaimedTask& task : tasks) {
    auto it = jobs_.find(task.job->id);
    if (it != jobs_.end()) it->second.in_hand = std::max<int64_t>(it->second.in_hand - 1, 0);
  }
}

void DbTaskSource::Wake() {
  std::lock_guard<std::mutex> lock(wake_mu_);
  woken_ = true;
  cv_.notify_all();
}

void DbTaskSource::Close(bool clean) {
  if (!clean) return;  // tasks in flight stay processing; the next Open resets them
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, s] : jobs_) {
    if (s.final) continue;
    auto reset = store_->ResetProcessingTasks(id);
    (void)reset;  // the next Open resets them too
  }
}

void DbTaskSource::Emit(const std::string& json) {
  if (on_event_) on_event_(json);
}

}  // namespace trawl
