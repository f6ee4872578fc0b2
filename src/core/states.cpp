// Parsing the state words (states.h).
#include "core/states.h"

#include <array>

namespace trawl {
namespace {

template <typename State, size_t N>
std::optional<State> ParseWord(std::string_view word, const std::array<State, N>& all) {
  for (State s : all) {
    if (word == ToString(s)) return s;
  }
  return std::nullopt;
}

}  // namespace

std::optional<JobStatus> ParseJobStatus(std::string_view word) {
  return ParseWord(word, std::array{JobStatus::kPending, JobStatus::kProcessing,
                                    JobStatus::kCompleted, JobStatus::kCancelled});
}

std::optional<TaskState> ParseTaskState(std::string_view word) {
  return ParseWord(word, std::array{TaskState::kPending, TaskState::kProcessing, TaskState::kDone,
                                    TaskState::kFailed});
}

std::optional<ApprovalState> ParseApprovalState(std::string_view word) {
  return ParseWord(word, std::array{ApprovalState::kPending, ApprovalState::kApproved,
                                    ApprovalState::kRejected});
}

std::optional<WebhookState> ParseWebhookState(std::string_view word) {
  return ParseWord(word, std::array{WebhookState::kNone, WebhookState::kPending,
                                    WebhookState::kDelivered, WebhookState::kFailed});
}

bool IsFinalJobStatus(std::string_view word) {
  auto s = ParseJobStatus(word);
  return s && IsFinal(*s);
}

}  // namespace trawl
