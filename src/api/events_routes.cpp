// GET /api/events: Server-Sent Events of job progress, for live views.
//
// One stream holds one of the server's request threads for as long as the
// client stays, so their number is capped (ApiServer's EventHub); a client
// beyond the cap gets 503 and can fall back to GET /api/status.
#include <chrono>
#include <map>

#include "api/routes.h"
#include "core/clock.h"

namespace trawl::api {
namespace {

using json = nlohmann::json;

constexpr int kWaitMs = 1'000;             // how often a quiet stream checks for shutdown
constexpr int64_t kKeepaliveMs = 15'000;   // a comment line, so proxies and clients see life
constexpr size_t kMaxTrackedJobs = 1'000;  // job states an all-jobs stream remembers

std::string Frame(const std::string& event, const std::string& data) {
  // JSON dumped without indentation holds no raw newline, so one data line.
  return "event: " + event + "\ndata: " + data + "\n\n";
}

std::string Dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

struct StreamState {
  std::shared_ptr<EventHub::Subscription> sub;
  std::string job_id;                            // "" every job
  std::string greeting;                          // sent first
  std::string last_snapshot;                     // the job frame last sent (job streams)
  std::map<std::string, std::string> status_of;  // job → status last announced
  int64_t last_write_ms = 0;
  bool greeted = false;
};

// A `job` frame with the job's current view (status in `status` when
// given); "" if the job cannot be loaded right now (the next event or
// keepalive tries again).
std::string JobFrame(ApiContext& ctx, const std::string& job_id, std::string* status = nullptr) {
  auto view = JobStatusView(ctx, job_id);
  if (!view) return "";
  if (status != nullptr) *status = view->value("status", "");
  return Frame("job", Dump(*view));
}

// What to send for one event from the hub: a progress frame, and the job
// frame with its full view when the job's state changed (started,
// completed, cancelled, retried; a `job` event always says it changed).
std::string FramesFor(ApiContext& ctx, StreamState& s, const HubEvent& event) {
  std::string out;
  if (event.type == "progress") {
    out += Frame("progress", event.json);
  } else if (event.type != "job") {
    return out;
  }
  auto& last = s.status_of[event.job_id];
  if (event.type == "progress" && (event.job_status.empty() || event.job_status == last))
    return out;
  std::string status;
  std::string frame = JobFrame(ctx, event.job_id, &status);
  if (frame.empty()) return out;
  last = status;
  if (!s.job_id.empty()) s.last_snapshot = frame;
  if (s.status_of.size() > kMaxTrackedJobs) s.status_of.clear();
  return out + frame;
}

}  // namespace

ApiResponse HandleEvents(ApiContext& ctx, const ApiRequest& request) {
  auto state = std::make_shared<StreamState>();
  state->job_id = request.Query("job_id").value_or("");
  state->greeting = "retry: 2000\n\n";
  if (!state->job_id.empty()) {
    auto view = JobStatusView(ctx, state->job_id);
    if (!view) return view.error();
    state->last_snapshot = Frame("job", Dump(*view));
    state->status_of[state->job_id] = view->value("status", "");
    state->greeting += state->last_snapshot;
  }
  state->sub = ctx.events->Subscribe(state->job_id);
  if (!state->sub) {
    return ErrorResponse(503, "unavailable",
                         "too many live event streams are open on this server; close one, or "
                         "poll GET /api/status/{job_id}");
  }
  ApiResponse res;
  res.content_type = "text/event-stream";
  res.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  res.stream = [&ctx, state](std::string& chunk) {
    StreamState& s = *state;
    int64_t now = NowMs();
    if (!s.greeted) {
      s.greeted = true;
      s.last_write_ms = now;
      chunk = s.greeting;
      return StreamStep::kMore;
    }
    bool lagged = false;
    auto event = s.sub->Next(kWaitMs, lagged);
    if (s.sub->closed()) return StreamStep::kDone;  // the server is stopping
    if (lagged) {
      // Events were dropped for this slow client: a job stream gets the
      // job's current view; an all-jobs stream is told to reload.
      chunk += s.job_id.empty() ? Frame("resync", "{}") : JobFrame(ctx, s.job_id);
    }
    if (event) chunk += FramesFor(ctx, s, *event);
    now = NowMs();
    if (chunk.empty() && now - s.last_write_ms >= kKeepaliveMs) {
      // Also a safety net for events missed while Redis was away: a job
      // stream re-sends the job's view when it changed.
      if (!s.job_id.empty()) {
        std::string frame = JobFrame(ctx, s.job_id);
        if (!frame.empty() && frame != s.last_snapshot) {
          s.last_snapshot = frame;
          chunk = frame;
        }
      }
      if (chunk.empty()) chunk = ": keepalive\n\n";
    }
    if (!chunk.empty()) s.last_write_ms = now;
    return StreamStep::kMore;
  };
  return res;
}

}  // namespace trawl::api
