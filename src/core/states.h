// The states of a job, a task, a profile's approval and a completion webhook,
// with the one mapping to the words that are stored in database rows and
// Redis hashes and sent over the API. Those words are contracts: never change
// one. SQL (store/queries.h, the dialects) splices the TRAWL_WORD_* literals
// at compile time and the Lua scripts (queue/lua_scripts.cpp) are formatted
// with ToString at load time, so each word is spelled here and nowhere else.
// Plain constants and pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

// The words as string literals, for SQL text built at compile time. C++ code
// uses the enums and ToString below instead.
#define TRAWL_WORD_NONE "none"
#define TRAWL_WORD_PENDING "pending"
#define TRAWL_WORD_PROCESSING "processing"
#define TRAWL_WORD_COMPLETED "completed"
#define TRAWL_WORD_CANCELLED "cancelled"
#define TRAWL_WORD_DONE "done"
#define TRAWL_WORD_FAILED "failed"
#define TRAWL_WORD_APPROVED "approved"
#define TRAWL_WORD_REJECTED "rejected"
#define TRAWL_WORD_DELIVERED "delivered"
// The words as SQL string literals: TRAWL_Q_DONE is 'done'. (The schema
// migrations in the dialects keep their CHECK lists verbatim: a migration is
// history, and those constraints guard the same words in the database.)
#define TRAWL_SQL(word) "'" word "'"
#define TRAWL_Q_NONE TRAWL_SQL(TRAWL_WORD_NONE)
#define TRAWL_Q_PENDING TRAWL_SQL(TRAWL_WORD_PENDING)
#define TRAWL_Q_PROCESSING TRAWL_SQL(TRAWL_WORD_PROCESSING)
#define TRAWL_Q_COMPLETED TRAWL_SQL(TRAWL_WORD_COMPLETED)
#define TRAWL_Q_CANCELLED TRAWL_SQL(TRAWL_WORD_CANCELLED)
#define TRAWL_Q_DONE TRAWL_SQL(TRAWL_WORD_DONE)
#define TRAWL_Q_FAILED TRAWL_SQL(TRAWL_WORD_FAILED)
#define TRAWL_Q_APPROVED TRAWL_SQL(TRAWL_WORD_APPROVED)
#define TRAWL_Q_REJECTED TRAWL_SQL(TRAWL_WORD_REJECTED)
#define TRAWL_Q_DELIVERED TRAWL_SQL(TRAWL_WORD_DELIVERED)

namespace trawl {

// A job's status (jobs.status, job:<id> status, the API's "status").
// Final: completed, cancelled.
enum class JobStatus { kPending, kProcessing, kCompleted, kCancelled };

// A task's state in the database (tasks.state). Parallel mode keeps the
// queue's view of a task in Redis (the stream, its pending list, the done
// set); tasks.state follows the stored profile there.
enum class TaskState { kPending, kProcessing, kDone, kFailed };

// A stored profile's review (profiles.approval).
enum class ApprovalState { kPending, kApproved, kRejected };

// A job's completion webhook (jobs.webhook_status).
enum class WebhookState { kNone, kPending, kDelivered, kFailed };

constexpr const char* ToString(JobStatus s) {
  switch (s) {
    case JobStatus::kPending:
      return TRAWL_WORD_PENDING;
    case JobStatus::kProcessing:
      return TRAWL_WORD_PROCESSING;
    case JobStatus::kCompleted:
      return TRAWL_WORD_COMPLETED;
    case JobStatus::kCancelled:
      return TRAWL_WORD_CANCELLED;
  }
  return "";
}

constexpr const char* ToString(TaskState s) {
  switch (s) {
    case TaskState::kPending:
      return TRAWL_WORD_PENDING;
    case TaskState::kProcessing:
      return TRAWL_WORD_PROCESSING;
    case TaskState::kDone:
      return TRAWL_WORD_DONE;
    case TaskState::kFailed:
      return TRAWL_WORD_FAILED;
  }
  return "";
}

constexpr const char* ToString(ApprovalState s) {
  switch (s) {
    case ApprovalState::kPending:
      return TRAWL_WORD_PENDING;
    case ApprovalState::kApproved:
      return TRAWL_WORD_APPROVED;
    case ApprovalState::kRejected:
      return TRAWL_WORD_REJECTED;
  }
  return "";
}

constexpr const char* ToString(WebhookState s) {
  switch (s) {
    case WebhookState::kNone:
      return TRAWL_WORD_NONE;
    case WebhookState::kPending:
      return TRAWL_WORD_PENDING;
    case WebhookState::kDelivered:
      return TRAWL_WORD_DELIVERED;
    case WebhookState::kFailed:
      return TRAWL_WORD_FAILED;
  }
  return "";
}

// The state a word names; nullopt for any other word (the caller decides
// whether that is kUsage or a row to skip). Case-sensitive, as stored.
std::optional<JobStatus> ParseJobStatus(std::string_view word);
std::optional<TaskState> ParseTaskState(std::string_view word);
std::optional<ApprovalState> ParseApprovalState(std::string_view word);
std::optional<WebhookState> ParseWebhookState(std::string_view word);

// Whether `word` is the word of `s` (records keep the words as they are
// stored; this compares without a parse). False for an unknown word.
template <typename State>
bool Is(std::string_view word, State s) {
  return word == ToString(s);
}

// Completed or cancelled: nothing more runs for the job.
constexpr bool IsFinal(JobStatus s) {
  return s == JobStatus::kCompleted || s == JobStatus::kCancelled;
}
// IsFinal of the job status `word`; false for an unknown word.
bool IsFinalJobStatus(std::string_view word);

}  // namespace trawl
