// Test helpers for calling trawl's API over real HTTP: one call's status and
// JSON body, the error code of a refused call, and waiting for a job to
// finish. Failures to get any answer are reported as test failures.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/client.h"
#include "process_util.h"
#include "serve_util.h"

namespace trawl::testing {

struct Call {
  int status = 0;       // 0: no answer
  nlohmann::json body;  // null when the body is not JSON
  std::string raw;
  std::string allow;  // the Allow header
};

Call Send(ApiClient& client, const std::string& method, const std::string& path,
          const std::string& body = "");
Call Get(ApiClient& client, const std::string& path);
Call Post(ApiClient& client, const std::string& path, const std::string& body);

// The error object's code (or a note saying there is none), and its message.
std::string ErrorCode(const Call& call);
std::string ErrorMessage(const Call& call);

// Polls /api/status/{id} until the job is completed or cancelled; its last
// status (a test failure after `timeout_s`).
nlohmann::json WaitForJob(ApiClient& client, const std::string& id, int timeout_s = 120);

// `serve --port 0` without Redis, its database in `dir`. `extra` replaces
// the default fetch flags, which send every host to a closed loopback port
// (so an embedded job fails fast and nothing leaves the machine).
std::vector<std::string> EmbeddedServeArgs(const TempDir& dir, std::vector<std::string> extra = {});

#define ASSERT_SERVING(server) \
  ASSERT_TRUE((server).ok()) << "server did not start:\n" << (server).log()

// Fetch flags that send every host to the farm.
std::vector<std::string> FarmFlags(const FarmProcess& farm);

}  // namespace trawl::testing
