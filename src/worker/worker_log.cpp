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

std::string RedactDbUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace trawl
