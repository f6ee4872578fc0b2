// The client side of the API: `trawl submit DOMAIN… [--wait]` posts a job
// and prints its id; `trawl status JOB_ID` prints the job's status JSON
// (api/job_client.h). HTTP stays inside src/api.
#include <cstdio>
#include <string>

#include "api/job_client.h"
#include "cli/commands.h"
#include "cli/inputs.h"

namespace trawl {

int RunSubmit(Settings& s) {
  auto inputs = CollectInputs(s.inputs, s.files);
  if (!inputs || inputs->empty()) {
    std::fprintf(
        stderr, "trawl submit: %s\n",
        inputs ? "no domains given (arguments or -f FILE)" : inputs.error().message.c_str());
    return 2;
  }
  SubmitOptions options;
  options.server = s.server_url;
  options.token = s.server.token;
  for (const std::string& input : *inputs) options.domains_text += input + "\n";
  options.option_items = s.job_options;
  options.embedded = s.embedded;
  options.wait = s.wait;
  options.wait_timeout_s = s.wait_timeout_s;
  options.json = s.json;
  return SubmitJob(options);
}

int RunStatus(Settings& s) {
  return PrintJobStatus(s.server_url, s.server.token, s.job_id, s.limit, s.offset);
}

}  // namespace trawl
