// The Store (store.h) written once over a SqlConnection and a Dialect: the
// same logic and, mostly, the same SQL (queries.h) for SQLite and PostgreSQL.
// Thread-safe: one mutex serializes every call on the one connection.
// Owns its connection.
#pragma once

#include <memory>
#include <mutex>

#include "store/dialect.h"
#include "store/sql_connection.h"
#include "store/store.h"

namespace trawl {

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<SqlConnection> db, const Dialect& dialect)
      : db_(std::move(db)), dialect_(dialect) {}

  // Applies every migration newer than the database's version, all in one
  // transaction under the dialect's writer lock. Fails with the error of the
  // statement that failed (nothing applied then).
  Result<void> Migrate();

  std::string backend() const override { return dialect_.backend; }
  Result<int> SchemaVersion() override;
  Result<void> Ping() override;

  Result<void> CreateJob(const JobRecord& job, const std::vector<std::string>& domains) override;
  Result<std::optional<JobRecord>> GetJob(const std::string& id) override;
  Result<std::vector<JobRecord>> ListJobs(int limit, int64_t offset) override;
  Result<int64_t> CountJobs() override;
  Result<void> MarkJobStarted(const std::string& id, int64_t now_ms) override;
  Result<bool> MarkJobFinished(const std::string& id, const std::string& status,
                               int64_t now_ms) override;
  Result<bool> SetJobMode(const std::string& id, const std::string& mode,
                          const std::string& fallback_reason) override;
  Result<void> ReopenJob(const std::string& id) override;
  Result<std::vector<std::string>> UnfinishedEmbeddedJobs() override;
  Result<std::vector<JobRecord>> ClaimDueWebhooks(int64_t now_ms, int64_t lease_ms,
                                                  int limit) override;
  Result<bool> RecordWebhookAttempt(const std::string& job_id, int64_t finished_at_ms,
                                    const std::string& outcome, const std::string& error,
                                    int64_t next_at_ms, int64_t now_ms) override;

  Result<std::vector<TaskRecord>> ClaimTasks(const std::string& job_id, int n,
                                             int64_t now_ms) override;
  Result<int64_t> ResetProcessingTasks(const std::string& job_id) override;
  Result<std::vector<std::string>> ReopenFailedTasks(const std::string& job_id) override;
  Result<std::optional<TaskRecord>> GetTask(const std::string& job_id,
                                            const std::string& domain) override;
  Result<int64_t> CountTasks(const std::string& job_id, const std::string& state) override;
  Result<std::vector<TaskRecord>> ListTasks(const std::string& job_id, const std::string& state,
                                            int limit, int64_t offset) override;

  Result<bool> PutProfile(const StoredProfile& profile) override;
  Result<std::optional<StoredProfile>> GetProfile(const std::string& job_id,
                                                  const std::string& domain) override;
  Result<std::vector<StoredProfile>> ListProfiles(const ProfileQuery& query) override;
  Result<int64_t> CountProfiles(const std::string& job_id, const std::string& approval) override;
  Result<int64_t> ReviewAllPending(const std::string& job_id, const std::string& approval,
                                   const std::string& who, int64_t now_ms) override;
  Result<bool> SetApproval(const std::string& job_id, const std::string& domain,
                           const std::string& approval, const std::string& who,
                           const std::string& edited_json, int64_t now_ms) override;

  Result<std::vector<StatusCount>> CountJobsByStatus() override;
  Result<std::vector<TaskOutcomeCount>> CountTasksByOutcome() override;

 private:
  // Runs `body` between the dialect's BEGIN and COMMIT; rolls back when the
  // body or the commit fails, and returns that failure.
  template <typename T, typename Body>
  Result<T> InTransaction(Body&& body);
  Result<int> SchemaVersionLocked();
  Result<void> InsertTasks(const std::string& job_id, const std::vector<std::string>& domains);

  std::mutex mutex_;
  std::unique_ptr<SqlConnection> db_;
  const Dialect& dialect_;
};

}  // namespace trawl
