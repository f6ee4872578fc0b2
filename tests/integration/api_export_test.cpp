// The export endpoint of the API (`GET /api/jobs/{id}/results`, docs/api.md)
// as a black box: the real `trawl serve` on a free loopback port with a
// temporary SQLite file; an embedded job crawling the site farm, reviewed
// through the approval queue, then exported as JSON lines, a JSON array and
// CSV, all profiles or the approved ones; and a job of several export pages
// written straight into the server's database.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/client.h"
#include "api_call_util.h"
#include "child_util.h"
#include "extract/profile_json.h"
#include "process_util.h"
#include "serve_util.h"
#include "store/store.h"

namespace trawl::testing {
namespace {

using nlohmann::json;

// One GET with its headers; a test failure when no answer came.
ApiReply Fetch(ApiClient& client, const std::string& path) {
  auto reply = client.Get(path);
  if (!reply) {
    ADD_FAILURE() << "GET " << path << ": " << reply.error().message;
    return {};
  }
  return *reply;
}

// The non-empty lines of a JSON-lines body, parsed (a test failure for a
// line that is not JSON).
std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line.substr(0, 200);
    out.push_back(std::move(j));
  }
  return out;
}

// RFC 4180 records (CRLF line ends, quoted fields with "" for a quote).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field.push_back(c);
    }
  }
  EXPECT_FALSE(quoted) << "CSV ends inside a quoted field";
  EXPECT_TRUE(field.empty() && row.empty()) << "CSV does not end with CRLF";
  return rows;
}

size_t Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  ADD_FAILURE() << "no CSV column " << name;
  return 0;
}

std::vector<std::string> DomainsOf(const std::vector<json>& profiles) {
  std::vector<std::string> out;
  for (const json& p : profiles) out.push_back(p.value("domain", ""));
  return out;
}

// Every profile of the job as the approval queue shows it (with its
// "approval" added), in input order.
std::vector<json> ProfilesFromApprovals(ApiClient& client, const std::string& id) {
  std::vector<std::pair<int, json>> entries;
  for (const char* state : {"pending", "approved", "rejected"}) {
    Call c = Get(client, "/api/approvals?job_id=" + id + "&state=" + state + "&limit=1000");
    EXPECT_EQ(c.status, 200) << c.raw;
    for (const json& e : c.body["profiles"]) {
      json p = e["profile"];
      p["approval"] = e["approval"];
      entries.emplace_back(e["input_index"].get<int>(), std::move(p));
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<json> out;
  for (auto& [index, p] : entries) out.push_back(std::move(p));
  return out;
}

// Creates a finished job of `n` domains with an ok profile each, straight in
// the server's database (as a parallel job, so no embedded runner touches it).
void StoreJob(const TempDir& dir, const std::string& id, int n) {
  auto store = Store::Open(dir.File("trawl.db"));
  ASSERT_TRUE(store) << store.error().message;
  JobRecord job;
  job.id = id;
  job.mode = kModeParallel;
  job.status = "completed";
  job.created_at_ms = 1;
  std::vector<std::string> domains;
  for (int i = 0; i < n; ++i) domains.push_back("site-" + std::to_string(i) + ".test");
  ASSERT_TRUE((*store)->CreateJob(job, domains));
  for (int i = 0; i < n; ++i) {
    Profile profile;
    profile.domain = domains[i];
    profile.input_index = i;
    profile.company_name = Sourced{"Site " + std::to_string(i) + ", Ltd", "http://x.test/"};
    StoredProfile p;
    p.job_id = id;
    p.domain = domains[i];
    p.input_index = i;
    p.ok = true;
    p.profile_json = ProfileToJson(profile).dump();
    ASSERT_TRUE((*store)->PutProfile(p)) << i;
  }
}

TEST(ApiExport, EveryFormatShowsTheReviewedProfilesInInputOrder) {
  FarmProcess farm({"--bulk", "5"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir, FarmFlags(farm)));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  Call submit = Post(client, "/api/process", json{{"domains", BulkDomains(0, 5)}}.dump());
  ASSERT_EQ(submit.status, 202) << submit.raw;
  std::string id = submit.body["job_id"];
  json done = WaitForJob(client, id);
  ASSERT_EQ(done["status"], "completed") << done.dump();
  ASSERT_EQ(done["completed"], 5) << done.dump();

  // Approve two, one with an edit that CSV has to quote.
  const std::string edited_name = "Exported, \"Edited\" Ltd";
  Call approve = Post(client, "/api/approvals",
                      json{{"job_id", id},
                           {"action", "approve"},
                           {"domains", {"bulk-1.test", "bulk-3.test"}},
                           {"edits", {{"bulk-3.test", {{"company_name", edited_name}}}}}}
                          .dump());
  ASSERT_EQ(approve.status, 200) << approve.raw;
  ASSERT_EQ(approve.body["updated"], 2) << approve.raw;

  std::vector<json> expected = ProfilesFromApprovals(client, id);
  ASSERT_EQ(DomainsOf(expected), BulkDomains(0, 5));
  ASSERT_EQ(expected[3]["company_name"], edited_name);
  ASSERT_EQ(expected[3]["approval"], "approved");
  ASSERT_EQ(expected[0]["approval"], "pending");
  const std::string base = "/api/jobs/" + id + "/results";

  // JSON lines (the default format).
  for (const std::string& path :
       {base, base + "?format=jsonl", base + "?format=jsonl&approved=0"}) {
    ApiReply jsonl = Fetch(client, path);
    ASSERT_EQ(jsonl.status, 200) << path << " → " << jsonl.body.substr(0, 300);
    EXPECT_TRUE(jsonl.Header("Content-Type").starts_with("application/x-ndjson"))
        << jsonl.Header("Content-Type");
    EXPECT_EQ(jsonl.Header("Content-Disposition"),
              "attachment; filename=\"trawl-" + id + ".jsonl\"");
    std::vector<json> lines = JsonLines(jsonl.body);
    ASSERT_EQ(lines.size(), 5u) << jsonl.body.substr(0, 500);
    for (size_t i = 0; i < 5; ++i) EXPECT_EQ(lines[i], expected[i]) << path << " line " << i;
  }

  // The approved profiles among them are the status's approved_data.
  Call status = Get(client, "/api/status/" + id);
  ASSERT_EQ(status.status, 200) << status.raw;
  ASSERT_EQ(status.body["approved_data"].size(), 2u) << status.raw;
  for (size_t i = 0; i < 2; ++i) {
    json with_approval = status.body["approved_data"][i];
    with_approval["approval"] = "approved";
    EXPECT_EQ(with_approval, expected[i == 0 ? 1 : 3]);
  }

  // One JSON array.
  ApiReply array = Fetch(client, base + "?format=json");
  ASSERT_EQ(array.status, 200) << array.body.substr(0, 300);
  EXPECT_TRUE(array.Header("Content-Type").starts_with("application/json"));
  EXPECT_EQ(array.Header("Content-Disposition"), "attachment; filename=\"trawl-" + id + ".json\"");
  json parsed = json::parse(array.body, nullptr, false);
  ASSERT_TRUE(parsed.is_array()) << array.body.substr(0, 300);
  EXPECT_EQ(parsed, json(expected));

  // CSV: the header, then one row per profile.
  ApiReply csv = Fetch(client, base + "?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body.substr(0, 300);
  EXPECT_TRUE(csv.Header("Content-Type").starts_with("text/csv")) << csv.Header("Content-Type");
  EXPECT_EQ(csv.Header("Content-Disposition"), "attachment; filename=\"trawl-" + id + ".csv\"");
  EXPECT_TRUE(csv.body.starts_with(ProfileCsvHeader()));
  std::vector<std::vector<std::string>> rows = ParseCsv(csv.body);
  ASSERT_EQ(rows.size(), 6u) << csv.body.substr(0, 500);
  const std::vector<std::string>& header = rows[0];
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), header.size()) << "row " << i;
    EXPECT_EQ(rows[i][Column(header, "domain")], BulkDomains(0, 5)[i - 1]);
    EXPECT_EQ(rows[i][Column(header, "input_index")], std::to_string(i - 1));
    EXPECT_EQ(rows[i][Column(header, "status")], "ok");
    EXPECT_EQ(rows[i][Column(header, "company_name")],
              expected[i - 1]["company_name"].get<std::string>());
    ASSERT_FALSE(expected[i - 1]["emails"].empty());
    EXPECT_NE(rows[i][Column(header, "emails")].find(
                  expected[i - 1]["emails"][0]["value"].get<std::string>()),
              std::string::npos);
  }
  EXPECT_EQ(rows[4][Column(header, "company_name")], edited_name);

  // Approved only: exactly the two, in every format.
  std::vector<json> approved = JsonLines(Fetch(client, base + "?approved=1").body);
  ASSERT_EQ(approved.size(), 2u);
  EXPECT_EQ(approved[0], expected[1]);
  EXPECT_EQ(approved[1], expected[3]);
  json approved_array =
      json::parse(Fetch(client, base + "?format=json&approved=1").body, nullptr, false);
  EXPECT_EQ(approved_array, json::array({expected[1], expected[3]}));
  std::vector<std::vector<std::string>> approved_rows =
      ParseCsv(Fetch(client, base + "?format=csv&approved=1").body);
  ASSERT_EQ(approved_rows.size(), 3u);
  EXPECT_EQ(approved_rows[1][Column(header, "domain")], "bulk-1.test");
  EXPECT_EQ(approved_rows[2][Column(header, "company_name")], edited_name);

  // A job with nothing approved exports an empty list, still well formed.
  Call reject_all = Post(client, "/api/approvals",
                         json{{"job_id", id}, {"action", "reject"}, {"domains", "all"}}.dump());
  ASSERT_EQ(reject_all.status, 200) << reject_all.raw;
  Call unapprove =
      Post(client, "/api/approvals",
           json{{"job_id", id}, {"action", "reject"}, {"domains", {"bulk-1.test", "bulk-3.test"}}}
               .dump());
  ASSERT_EQ(unapprove.status, 200) << unapprove.raw;
  ApiReply none = Fetch(client, base + "?format=json&approved=1");
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(json::parse(none.body, nullptr, false), json::array());
  ApiReply none_csv = Fetch(client, base + "?format=csv&approved=true");
  EXPECT_EQ(none_csv.body, ProfileCsvHeader());
  EXPECT_EQ(Fetch(client, base + "?approved=1").body, "");

  // Refusals: JSON errors before any body.
  struct Case {
    std::string path;
    int status;
    std::string code;
    std::string names;
  };
  const std::string unknown = "0123456789abcdef";
  const std::vector<Case> cases = {
      {"/api/jobs/" + unknown + "/results", 404, "not_found", unknown},
      {"/api/jobs/" + unknown + "/results?format=csv", 404, "not_found", unknown},
      {base + "?format=xml", 400, "bad_request", "format"},
      {base + "?format=", 400, "bad_request", "format"},
      {base + "?format=CSV", 400, "bad_request", "format"},
      {base + "?approved=yes", 400, "bad_request", "approved"},
      {base + "?approved=", 400, "bad_request", "approved"},
      {base + "?approved=2&format=csv", 400, "bad_request", "approved"},
  };
  for (const Case& c : cases) {
    Call call = Get(client, c.path);
    EXPECT_EQ(call.status, c.status) << c.path << " → " << call.raw.substr(0, 300);
    EXPECT_EQ(ErrorCode(call), c.code) << c.path;
    EXPECT_NE(ErrorMessage(call).find(c.names), std::string::npos)
        << c.path << " → " << ErrorMessage(call);
  }
  Call post = Post(client, base, "{}");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.allow, "GET");
}

TEST(ApiExport, NeedsTheTokenWhenTheServerHasOne) {
  TempDir dir;
  ServeProcess server(
      EmbeddedServeArgs(dir, {"--token", "s3cret-export", "--allow-private", "--connect-to",
                              "::127.0.0.1:" + std::to_string(FreeLoopbackPort())}));
  ASSERT_SERVING(server);
  const std::string id = "e4e4e4e4e4e4e4e4";
  StoreJob(dir, id, 3);
  if (HasFatalFailure()) return;
  const std::string path = "/api/jobs/" + id + "/results?format=csv";

  ApiClient anonymous(server.url(), "");
  Call none = Get(anonymous, path);
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(ErrorCode(none), "unauthorized");
  ApiClient wrong(server.url(), "s3cret-exporT");
  Call bad = Get(wrong, path);
  EXPECT_EQ(bad.status, 401) << bad.raw;
  EXPECT_EQ(ErrorCode(bad), "unauthorized");
  // Unknown jobs are not told apart from known ones without the token.
  EXPECT_EQ(Get(anonymous, "/api/jobs/0123456789abcdef/results").status, 401);

  ApiClient right(server.url(), "s3cret-export");
  ApiReply ok = Fetch(right, path);
  ASSERT_EQ(ok.status, 200) << ok.body.substr(0, 300);
  std::vector<std::vector<std::string>> rows = ParseCsv(ok.body);
  ASSERT_EQ(rows.size(), 4u) << ok.body;
  EXPECT_EQ(rows[3][Column(rows[0], "domain")], "site-2.test");
  EXPECT_EQ(rows[3][Column(rows[0], "company_name")], "Site 2, Ltd");
}

TEST(ApiExport, ABigJobStreamsEveryPageInInputOrder) {
  // Three export pages (1000 profiles each) and a part page.
  constexpr int kProfiles = 3'000;
  constexpr int kApprovedEvery = 7;
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  const std::string id = "b16e4b16e4b16e4b";
  StoreJob(dir, id, kProfiles);
  if (HasFatalFailure()) return;
  const std::string base = "/api/jobs/" + id + "/results";

  ApiReply all = Fetch(client, base);
  ASSERT_EQ(all.status, 200) << all.body.substr(0, 300);
  EXPECT_EQ(all.Header("Transfer-Encoding"), "chunked");  // streamed, not one body
  std::vector<json> lines = JsonLines(all.body);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kProfiles));
  for (int i = 0; i < kProfiles; ++i) {
    ASSERT_EQ(lines[i]["domain"], "site-" + std::to_string(i) + ".test") << "line " << i;
    ASSERT_EQ(lines[i]["input_index"], i);
    ASSERT_EQ(lines[i]["approval"], "pending");
  }
  std::vector<std::vector<std::string>> rows = ParseCsv(Fetch(client, base + "?format=csv").body);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kProfiles + 1));
  EXPECT_EQ(rows.back()[Column(rows[0], "domain")],
            "site-" + std::to_string(kProfiles - 1) + ".test");
  json array = json::parse(Fetch(client, base + "?format=json").body, nullptr, false);
  ASSERT_TRUE(array.is_array());
  EXPECT_EQ(array.size(), static_cast<size_t>(kProfiles));

  // Approve every 7th profile: the approved export pages through the
  // approved ones only.
  std::vector<std::string> chosen;
  for (int i = 0; i < kProfiles; i += kApprovedEvery)
    chosen.push_back("site-" + std::to_string(i) + ".test");
  Call approve = Post(client, "/api/approvals",
                      json{{"job_id", id}, {"action", "approve"}, {"domains", chosen}}.dump());
  ASSERT_EQ(approve.status, 200) << approve.raw.substr(0, 300);
  ASSERT_EQ(approve.body["updated"], static_cast<int64_t>(chosen.size()));
  std::vector<json> approved = JsonLines(Fetch(client, base + "?approved=1").body);
  EXPECT_EQ(DomainsOf(approved), chosen);
}

}  // namespace
}  // namespace trawl::testing
