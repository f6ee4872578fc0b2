// Line output shared by the worker, the supervisor and the embedded runner.
#include "worker/worker_log.h"

#include <mutex>

namespace trawl {
namespace {
std::mutex g_log_mu;
}  // namespace

void LogLine(FILE* out, const std::string& line) {
  std::lock_guard<std::mutex> lock(g_log_mu);
  std::fwrite(line.data(), 1, line.size(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

std::string ShortJobId(const std::string& job_id) { return job_id.substr(0, 8); }

}  // namespace trawl
