// GET /api/jobs/{job_id}/results: a job's profiles as JSON lines, one JSON
// array or CSV, all of them or the approved ones only, streamed. The body is
// produced one store page (kExportPage profiles, in input order) at a time,
// each page a fresh query, so memory stays bounded whatever the job's size.
// Everything that can be refused (unknown job, bad parameters, the database
// not answering the first page) is answered as a JSON error before the first
// byte of the body; a database failure later cuts the body short (no final
// chunk), which clients see as an incomplete transfer.
//
// Thread-safety: each response owns its export state; the Store serializes
// its calls.
#include <fmt/core.h>

#include <memory>
#include <optional>

#include "api/routes.h"
#include "extract/profile_json.h"
#include "worker/worker_log.h"

namespace trawl::api {
namespace {

using nlohmann::json;

constexpr int kExportPage = 1000;

enum class Format { kJsonl, kJson, kCsv };

struct FormatInfo {
  const char* name;
  Format format;
  const char* content_type;
};

constexpr FormatInfo kFormats[] = {
    {"jsonl", Format::kJsonl, "application/x-ndjson"},
    {"json", Format::kJson, "application/json"},
    {"csv", Format::kCsv, "text/csv; charset=utf-8"},
};

struct ExportState {
  ApiContext* ctx = nullptr;
  Format format = Format::kJsonl;
  ProfileQuery query;
  std::optional<std::vector<StoredProfile>> first_page;  // read before answering
  int64_t max_pages = 1;  // the job has at most `total` profiles: bounds the loop
  int64_t pages = 0;
  int64_t rows = 0;
  bool started = false;
};

std::string Dump(const json& j) {
  // Scraped text may hold any bytes: never throw on invalid UTF-8.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The profile as the export shows it: the client's view plus its approval.
json ExportJson(const StoredProfile& stored) {
  json profile = ProfileForClient(stored);
  profile["approval"] = stored.approval;
  return profile;
}

std::string CsvRow(const StoredProfile& stored) {
  auto profile = ProfileFromJson(ProfileForClient(stored));
  if (!profile) {
    // Not expected (the store holds ProfileToJson's output and the edits are
    // checked against its types), but a row must be written all the same.
    Profile fallback;
    fallback.domain = stored.domain;
    fallback.error =
        Error{ErrorCode::kInternal, "stored profile unreadable: " + profile.error().message};
    profile = std::move(fallback);
  }
  profile->input_index = stored.input_index;
  return ProfileToCsvRow(*profile);
}

void AppendRow(ExportState& s, const StoredProfile& p, std::string& chunk) {
  switch (s.format) {
    case Format::kJsonl:
      chunk += Dump(ExportJson(p));
      chunk += '\n';
      break;
    case Format::kJson:
      chunk += s.rows == 0 ? "\n" : ",\n";
      chunk += Dump(ExportJson(p));
      break;
    case Format::kCsv:
      chunk += CsvRow(p);
      break;
  }
  ++s.rows;
}

// One page of the body per call.
StreamStep NextChunk(ExportState& s, std::string& chunk) {
  if (!s.started) {
    s.started = true;
    if (s.format == Format::kJson) chunk += "[";
    if (s.format == Format::kCsv) chunk += ProfileCsvHeader();
  }
  std::vector<StoredProfile> page;
  if (s.first_page) {
    page = std::move(*s.first_page);
    s.first_page.reset();
  } else {
    auto listed = s.ctx->store->ListProfiles(s.query);
    if (!listed) {
      LogLine(stderr, fmt::format("job {}: export cut short after {} profiles: {}",
                                  ShortJobId(s.query.job_id), s.rows, listed.error().message));
      return StreamStep::kFailed;
    }
    page = std::move(*listed);
  }
  ++s.pages;
  for (const StoredProfile& p : page) AppendRow(s, p, chunk);
  s.query.offset += static_cast<int64_t>(page.size());
  if (static_cast<int>(page.size()) < kExportPage || s.pages >= s.max_pages) {
    if (s.format == Format::kJson) chunk += s.rows == 0 ? "]\n" : "\n]\n";
    return StreamStep::kDone;
  }
  return StreamStep::kMore;
}

}  // namespace

ApiResponse HandleExport(ApiContext& ctx, const ApiRequest& request) {
  const std::string& job_id = request.path_params.at(0);
  std::string format_name = request.Query("format").value_or("jsonl");
  const FormatInfo* format = nullptr;
  for (const FormatInfo& f : kFormats) {
    if (format_name == f.name) format = &f;
  }
  if (!format) {
    return ErrorResponse(
        400, "bad_request",
        "parameter 'format' must be jsonl, json or csv, not '" + format_name + "'");
  }
  std::string approved = request.Query("approved").value_or("0");
  if (approved != "0" && approved != "1" && approved != "false" && approved != "true") {
    return ErrorResponse(400, "bad_request",
                         "parameter 'approved' must be 1 (approved profiles only) or 0 (all), "
                         "not '" +
                             approved + "'");
  }
  auto job = LoadJob(ctx, job_id);
  if (!job) return job.error();

  auto state = std::make_shared<ExportState>();
  state->ctx = &ctx;
  state->format = format->format;
  state->query.job_id = job_id;
  state->query.approval =
      approved == "1" || approved == "true" ? ToString(ApprovalState::kApproved) : "";
  state->query.limit = kExportPage;
  state->query.offset = 0;
  state->max_pages = job->total / kExportPage + 2;
  // The first page now, so that a database that does not answer is a JSON
  // 503 rather than an empty body.
  auto first = ctx.store->ListProfiles(state->query);
  if (!first) return ErrorResponse(FromLibraryError(first.error(), "database"));
  state->first_page = std::move(*first);

  ApiResponse res;
  res.content_type = format->content_type;
  res.headers.emplace_back(
      "Content-Disposition",
      fmt::format("attachment; filename=\"trawl-{}.{}\"", job->id, format->name));
  res.headers.emplace_back("Cache-Control", "no-store");
  res.stream = [state](std::string& chunk) { return NextChunk(*state, chunk); };
  return res;
}

}  // namespace trawl::api
