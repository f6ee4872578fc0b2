// The jobs list and the approval queue of the API (`GET /api/jobs`,
// `GET /api/approvals`, `POST /api/approvals`; docs/api.md) as a black box:
// the real `trawl serve` on a free loopback port with a temporary SQLite
// file, embedded jobs crawling the site farm so that their profiles queue
// for review. Every refused request is checked to have changed nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/client.h"
#include "api_call_util.h"
#include "child_util.h"
#include "process_util.h"
#include "serve_util.h"
#include "store/store.h"

namespace trawl::testing {
namespace {

using nlohmann::json;

// ---- helpers ---------------------------------------------------------------

Call Review(ApiClient& c, const json& body) { return Post(c, "/api/approvals", body.dump()); }

// Polls the status until the job is completed or cancelled.

std::vector<std::string> Domains(const json& list, const char* key = "domain") {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.value(key, ""));
  return out;
}

// Submits an embedded review job for `domains` and waits for it to finish.
std::string RunEmbeddedJob(ApiClient& client, const std::vector<std::string>& domains) {
  Call submit = Post(client, "/api/process", json{{"domains", domains}}.dump());
  EXPECT_EQ(submit.status, 202) << submit.raw;
  if (submit.status != 202) return "";
  std::string id = submit.body["job_id"];
  json done = WaitForJob(client, id);
  EXPECT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["completed"], static_cast<int64_t>(domains.size())) << done.dump();
  return id;
}

// The review state of every profile of a job, for "nothing changed" checks.
json ReviewSnapshot(ApiClient& client, const std::string& id) {
  json out = json::object();
  for (const char* state : {"pending", "approved", "rejected"}) {
    Call c = Get(client, "/api/approvals?job_id=" + id + "&state=" + state + "&limit=1000");
    EXPECT_EQ(c.status, 200) << c.raw;
    out[state] = c.body["profiles"];
  }
  return out;
}

const char* const kJobKeys[] = {
    "job_id",         "status",     "mode",       "total",       "completed",
    "failed",         "created_at", "started_at", "finished_at", "domains_per_minute",
    "fallback_reason"};

// ---- GET /api/jobs ---------------------------------------------------------------

TEST(ApiApprovals, JobsListIsNewestFirstPagedAndCountedLikeTheStatus) {
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");

  Call empty = Get(client, "/api/jobs");
  ASSERT_EQ(empty.status, 200) << empty.raw;
  EXPECT_TRUE(empty.body["jobs"].empty());
  EXPECT_EQ(empty.body["total"], 0);
  EXPECT_EQ(empty.body["limit"], 100);
  EXPECT_EQ(empty.body["offset"], 0);

  // Four jobs of 1..4 domains; the last asks for Redis, which is not there.
  std::vector<std::string> ids;
  for (int n = 1; n <= 4; ++n) {
    std::string path = n == 4 ? "/api/process_redis" : "/api/process";
    Call submit = Post(client, path, json{{"domains", BulkDomains(0, n)}}.dump());
    ASSERT_EQ(submit.status, 202) << submit.raw;
    ids.push_back(submit.body["job_id"]);
    // Distinct creation milliseconds, so that "newest first" is one order.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (const std::string& id : ids) WaitForJob(client, id);

  Call all = Get(client, "/api/jobs");
  ASSERT_EQ(all.status, 200) << all.raw;
  EXPECT_EQ(all.body["total"], 4);
  ASSERT_EQ(all.body["jobs"].size(), 4u) << all.raw;
  EXPECT_EQ(Domains(all.body["jobs"], "job_id"),
            (std::vector<std::string>{ids[3], ids[2], ids[1], ids[0]}));
  for (size_t i = 0; i < 4; ++i) {
    const json& job = all.body["jobs"][i];
    EXPECT_EQ(job["total"], 4 - static_cast<int>(i)) << job.dump();
    EXPECT_EQ(job["mode"], "sequential");
    // The same view as the status route's, field for field.
    Call status = Get(client, "/api/status/" + job.value("job_id", "") + "?limit=0");
    ASSERT_EQ(status.status, 200) << status.raw;
    for (const char* key : kJobKeys) {
      ASSERT_TRUE(job.contains(key)) << key << " missing in " << job.dump();
      EXPECT_EQ(job[key], status.body[key]) << key << " of " << job.dump();
    }
    EXPECT_FALSE(job.contains("approved_data"));
  }
  EXPECT_EQ(all.body["jobs"][0]["fallback_reason"], "redis not configured");
  EXPECT_TRUE(all.body["jobs"][1]["fallback_reason"].is_null());
  EXPECT_EQ(all.body["jobs"][3]["status"], "completed");
  EXPECT_EQ(all.body["jobs"][3]["failed"], 1);  // nothing answers at the closed port
  EXPECT_TRUE(all.body["jobs"][3]["finished_at"].is_string());

  Call page = Get(client, "/api/jobs?limit=2&offset=1");
  ASSERT_EQ(page.status, 200) << page.raw;
  EXPECT_EQ(Domains(page.body["jobs"], "job_id"), (std::vector<std::string>{ids[2], ids[1]}));
  EXPECT_EQ(page.body["total"], 4);
  EXPECT_EQ(page.body["limit"], 2);
  EXPECT_EQ(page.body["offset"], 1);
  Call counters_only = Get(client, "/api/jobs?limit=0");
  EXPECT_TRUE(counters_only.body["jobs"].empty());
  EXPECT_EQ(counters_only.body["total"], 4);
  Call beyond = Get(client, "/api/jobs?offset=10");
  EXPECT_TRUE(beyond.body["jobs"].empty());
  EXPECT_EQ(beyond.body["total"], 4);

  for (const char* bad : {"?limit=5000", "?limit=-1", "?limit=x", "?offset=-1", "?offset=1.5"}) {
    Call c = Get(client, std::string("/api/jobs") + bad);
    EXPECT_EQ(c.status, 400) << bad << " → " << c.raw;
    EXPECT_EQ(ErrorCode(c), "bad_request") << bad;
  }
  Call wrong_method = Post(client, "/api/jobs", "{}");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.allow, "GET");
}

// ---- the approval queue ------------------------------------------------------------

TEST(ApiApprovals, ReviewApprovesRejectsAndEditsWithWhoAndWhen) {
  FarmProcess farm({"--bulk", "6"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir, FarmFlags(farm)));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  std::string id = RunEmbeddedJob(client, BulkDomains(0, 6));
  ASSERT_FALSE(id.empty());

  // Everything waits for review, in input order, with its evidence.
  Call pending = Get(client, "/api/approvals?job_id=" + id);
  ASSERT_EQ(pending.status, 200) << pending.raw;
  EXPECT_EQ(pending.body["job_id"], id);
  EXPECT_EQ(pending.body["state"], "pending");
  EXPECT_EQ(pending.body["total"], 6);
  EXPECT_EQ(pending.body["limit"], 100);
  EXPECT_EQ(pending.body["offset"], 0);
  ASSERT_EQ(pending.body["profiles"].size(), 6u) << pending.raw;
  EXPECT_EQ(Domains(pending.body["profiles"]), BulkDomains(0, 6));
  for (size_t i = 0; i < 6; ++i) {
    const json& entry = pending.body["profiles"][i];
    EXPECT_EQ(entry["job_id"], id);
    EXPECT_EQ(entry["input_index"], static_cast<int>(i));
    EXPECT_EQ(entry["approval"], "pending");
    EXPECT_TRUE(entry["reviewed_by"].is_null());
    EXPECT_TRUE(entry["reviewed_at"].is_null());
    EXPECT_TRUE(entry["edited"].is_null());
    const json& profile = entry["profile"];
    EXPECT_EQ(profile["domain"], entry["domain"]);
    EXPECT_EQ(profile["status"], "ok") << profile.dump();
    ASSERT_FALSE(profile["emails"].empty()) << profile.dump();
    // The evidence: the page each value came from.
    EXPECT_TRUE(profile["emails"][0]["source"].get<std::string>().starts_with("http"))
        << profile.dump();
    EXPECT_TRUE(profile["sources"]["company_name"].is_string()) << profile.dump();
  }
  std::string original_name = pending.body["profiles"][0]["profile"]["company_name"];
  ASSERT_NE(original_name, "X Ltd");
  Call page = Get(client, "/api/approvals?job_id=" + id + "&limit=2&offset=2");
  EXPECT_EQ(Domains(page.body["profiles"]), BulkDomains(2, 2));
  EXPECT_EQ(page.body["total"], 6);

  // Approve two (one edited; the input is normalized like a job's), reject one.
  Call approve = Review(client, {{"job_id", id},
                                 {"action", "approve"},
                                 {"domains", {"BULK-0.test", "bulk-1.test", "nosuch.test"}},
                                 {"edits", {{"bulk-0.test", {{"company_name", "X Ltd"}}}}},
                                 {"reviewer", "alice"}});
  ASSERT_EQ(approve.status, 200) << approve.raw;
  EXPECT_EQ(approve.body["job_id"], id);
  EXPECT_EQ(approve.body["action"], "approve");
  EXPECT_EQ(approve.body["updated"], 2);
  EXPECT_EQ(approve.body["not_found"], json::array({"nosuch.test"}));
  Call reject =
      Review(client, {{"job_id", id}, {"action", "reject"}, {"domains", {"bulk-2.test"}}});
  ASSERT_EQ(reject.status, 200) << reject.raw;
  EXPECT_EQ(reject.body["updated"], 1);
  EXPECT_TRUE(reject.body["not_found"].empty());

  Call approved = Get(client, "/api/approvals?job_id=" + id + "&state=approved");
  ASSERT_EQ(approved.status, 200) << approved.raw;
  EXPECT_EQ(approved.body["total"], 2);
  ASSERT_EQ(Domains(approved.body["profiles"]), BulkDomains(0, 2));
  const json& edited = approved.body["profiles"][0];
  EXPECT_EQ(edited["approval"], "approved");
  EXPECT_EQ(edited["reviewed_by"], "alice");
  EXPECT_TRUE(edited["reviewed_at"].is_string());
  EXPECT_EQ(edited["edited"], (json{{"company_name", "X Ltd"}}));
  EXPECT_EQ(edited["profile"]["company_name"], "X Ltd");
  EXPECT_FALSE(edited["profile"]["emails"].empty());  // the rest is as crawled
  EXPECT_TRUE(approved.body["profiles"][1]["edited"].is_null());
  EXPECT_EQ(approved.body["profiles"][1]["reviewed_by"], "alice");
  Call rejected = Get(client, "/api/approvals?job_id=" + id + "&state=rejected");
  ASSERT_EQ(Domains(rejected.body["profiles"]), BulkDomains(2, 1));
  EXPECT_EQ(rejected.body["profiles"][0]["reviewed_by"], "api");  // the default reviewer
  EXPECT_TRUE(rejected.body["profiles"][0]["reviewed_at"].is_string());
  Call still_pending = Get(client, "/api/approvals?job_id=" + id + "&state=pending");
  EXPECT_EQ(still_pending.body["total"], 3);
  EXPECT_EQ(Domains(still_pending.body["profiles"]), BulkDomains(3, 3));

  // The status shows the approved profiles with the edit laid over.
  Call status = Get(client, "/api/status/" + id);
  ASSERT_EQ(status.status, 200) << status.raw;
  EXPECT_EQ(status.body["approved_total"], 2);
  EXPECT_EQ(status.body["pending_approval"], 3);
  ASSERT_EQ(Domains(status.body["approved_data"]), BulkDomains(0, 2));
  EXPECT_EQ(status.body["approved_data"][0]["company_name"], "X Ltd");

  // A second edit keeps the first one's corrections.
  Call again = Review(client, {{"job_id", id},
                               {"action", "approve"},
                               {"domains", {"bulk-0.test"}},
                               {"edits",
                                {{"bulk-0.test",
                                  {{"description", "Edited"},
                                   {"emails", {{{"value", "sales@x.test"}, {"source", nullptr}}}},
                                   {"social", {{"linkedin", nullptr}}}}}}},
                               {"reviewer", "carol"}});
  ASSERT_EQ(again.status, 200) << again.raw;
  Call merged = Get(client, "/api/approvals?job_id=" + id + "&state=approved&limit=1");
  const json& m = merged.body["profiles"][0];
  EXPECT_EQ(m["edited"]["company_name"], "X Ltd") << m.dump();
  EXPECT_EQ(m["edited"]["description"], "Edited");
  EXPECT_EQ(m["profile"]["description"], "Edited");
  EXPECT_EQ(m["profile"]["emails"], json::parse(R"([{"value": "sales@x.test", "source": null}])"));
  EXPECT_TRUE(m["profile"]["social"]["linkedin"].is_null());
  EXPECT_EQ(m["reviewed_by"], "carol");

  // "all" approves every pending profile (and only those): bulk-2 stays rejected.
  Call all = Review(client, {{"job_id", id},
                             {"action", "approve"},
                             {"domains", "all"},
                             {"edits", {{"bulk-4.test", {{"vat_number", "GB999999973"}}}}},
                             {"reviewer", "bob"}});
  ASSERT_EQ(all.status, 200) << all.raw;
  EXPECT_EQ(all.body["updated"], 3);
  EXPECT_TRUE(all.body["not_found"].empty());
  EXPECT_EQ(Get(client, "/api/approvals?job_id=" + id).body["total"], 0);
  Call after = Get(client, "/api/approvals?job_id=" + id + "&state=approved");
  EXPECT_EQ(after.body["total"], 5);
  ASSERT_EQ(Domains(after.body["profiles"]),
            (std::vector<std::string>{"bulk-0.test", "bulk-1.test", "bulk-3.test", "bulk-4.test",
                                      "bulk-5.test"}));
  EXPECT_EQ(after.body["profiles"][0]["reviewed_by"], "carol");
  for (size_t i = 2; i < 5; ++i) EXPECT_EQ(after.body["profiles"][i]["reviewed_by"], "bob");
  EXPECT_EQ(after.body["profiles"][3]["profile"]["vat_number"], "GB999999973");
  EXPECT_EQ(Get(client, "/api/approvals?job_id=" + id + "&state=rejected").body["total"], 1);
  Call nothing_left = Review(client, {{"job_id", id}, {"action", "reject"}, {"domains", "all"}});
  ASSERT_EQ(nothing_left.status, 200) << nothing_left.raw;
  EXPECT_EQ(nothing_left.body["updated"], 0);
  EXPECT_EQ(Get(client, "/api/status/" + id + "?limit=0").body["approved_total"], 5);

  // A rejected profile can be approved after all, by name.
  Call change =
      Review(client, {{"job_id", id}, {"action", "approve"}, {"domains", {"bulk-2.test"}}});
  EXPECT_EQ(change.body["updated"], 1) << change.raw;
  EXPECT_EQ(Get(client, "/api/approvals?job_id=" + id + "&state=rejected").body["total"], 0);
}

TEST(ApiApprovals, AllReviewsEveryPendingProfileOfABigJobBatchByBatch) {
  // More pending profiles than one batch of "all" (1000) holds, stored
  // straight into the server's database: crawling them would prove nothing
  // more and take minutes.
  constexpr int kProfiles = 2345;
  constexpr int kWithoutProfile = 5;
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  std::string id = "b16b16b16b16b16b";
  {
    auto store = Store::Open(dir.File("trawl.db"));
    ASSERT_TRUE(store) << store.error().message;
    JobRecord job;
    job.id = id;
    job.mode = kModeParallel;  // no embedded runner picks it up
    job.status = "completed";
    job.created_at_ms = 1;
    std::vector<std::string> domains;
    for (int i = 0; i < kProfiles + kWithoutProfile; ++i)
      domains.push_back("site-" + std::to_string(i) + ".test");
    ASSERT_TRUE((*store)->CreateJob(job, domains));
    for (int i = 0; i < kProfiles; ++i) {
      StoredProfile p;
      p.job_id = id;
      p.domain = domains[i];
      p.input_index = i;
      p.ok = true;
      p.profile_json = json{{"domain", domains[i]}, {"status", "ok"}}.dump();
      ASSERT_TRUE((*store)->PutProfile(p)) << i;
    }
  }
  ASSERT_EQ(Get(client, "/api/approvals?job_id=" + id + "&limit=0").body["total"], kProfiles);
  // One of them rejected first: "all" leaves it alone.
  Call reject =
      Review(client, {{"job_id", id}, {"action", "reject"}, {"domains", {"site-1500.test"}}});
  ASSERT_EQ(reject.body["updated"], 1) << reject.raw;

  Call all = Review(client, {{"job_id", id},
                             {"action", "approve"},
                             {"domains", "all"},
                             {"edits", {{"site-2000.test", {{"company_name", "Two Thousand"}}}}}});
  ASSERT_EQ(all.status, 200) << all.raw;
  EXPECT_EQ(all.body["updated"], kProfiles - 1);
  EXPECT_EQ(Get(client, "/api/approvals?job_id=" + id + "&limit=0").body["total"], 0);
  EXPECT_EQ(Get(client, "/api/approvals?job_id=" + id + "&state=rejected&limit=0").body["total"],
            1);
  Call tail = Get(client, "/api/approvals?job_id=" + id + "&state=approved&limit=1000&offset=1999");
  ASSERT_EQ(tail.status, 200) << tail.raw;
  EXPECT_EQ(tail.body["total"], kProfiles - 1);
  ASSERT_EQ(tail.body["profiles"].size(), static_cast<size_t>(kProfiles - 1 - 1999));
  // Offset 1999 of the approved list skips the rejected site-1500: site-2000.
  EXPECT_EQ(tail.body["profiles"][0]["domain"], "site-2000.test");
  EXPECT_EQ(tail.body["profiles"][0]["profile"]["company_name"], "Two Thousand");
  EXPECT_EQ(tail.body["profiles"].back()["domain"],
            "site-" + std::to_string(kProfiles - 1) + ".test");
  EXPECT_EQ(tail.body["profiles"].back()["reviewed_by"], "api");
  // The domains without a profile are named as such when reviewed by name.
  Call missing = Review(
      client,
      {{"job_id", id}, {"action", "reject"}, {"domains", {"site-0.test", "site-2345.test"}}});
  EXPECT_EQ(missing.body["updated"], 1) << missing.raw;
  EXPECT_EQ(missing.body["not_found"], json::array({"site-2345.test"}));
}

TEST(ApiApprovals, RefusedRequestsAnswerJsonErrorsAndChangeNothing) {
  FarmProcess farm({"--bulk", "2"});
  ASSERT_GT(farm.port(), 0);
  TempDir dir;
  ServeProcess server(EmbeddedServeArgs(dir, FarmFlags(farm)));
  ASSERT_SERVING(server);
  ApiClient client(server.url(), "");
  std::string id = RunEmbeddedJob(client, BulkDomains(0, 2));
  ASSERT_FALSE(id.empty());
  json before = ReviewSnapshot(client, id);
  ASSERT_EQ(before["pending"].size(), 2u) << before.dump();

  const std::string unknown = "0123456789abcdef";
  auto body = [&](json extra) {
    json b = {{"job_id", id}, {"action", "approve"}, {"domains", {"bulk-0.test", "bulk-1.test"}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) {
      if (it->is_null()) {
        b.erase(it.key());
      } else {
        b[it.key()] = it.value();
      }
    }
    return b.dump();
  };
  auto edit = [](json fields) { return json{{"edits", {{"bulk-0.test", fields}}}}; };
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
    std::string names;  // what the message must mention, "" for anything
  };
  const std::vector<Case> cases = {
      {"POST", "/api/approvals", "{not json", 400, "bad_json", ""},
      {"POST", "/api/approvals", "", 400, "bad_json", ""},
      {"POST", "/api/approvals", "[]", 400, "bad_request", ""},
      {"POST", "/api/approvals", body({{"job_id", nullptr}}), 400, "bad_request", "job_id"},
      {"POST", "/api/approvals", body({{"job_id", 5}}), 400, "bad_request", "job_id"},
      {"POST", "/api/approvals", body({{"job_id", ""}}), 400, "bad_request", "job_id"},
      {"POST", "/api/approvals", body({{"action", nullptr}}), 400, "bad_request", "action"},
      {"POST", "/api/approvals", body({{"action", "maybe"}}), 400, "bad_request", "action"},
      {"POST", "/api/approvals", body({{"action", true}}), 400, "bad_request", "action"},
      {"POST", "/api/approvals", body({{"domains", nullptr}}), 400, "bad_request", "domains"},
      {"POST", "/api/approvals", body({{"domains", 5}}), 400, "bad_request", "domains"},
      {"POST", "/api/approvals", body({{"domains", "some"}}), 400, "bad_request", "domains"},
      {"POST", "/api/approvals", body({{"domains", json::array()}}), 400, "bad_request", "domains"},
      {"POST", "/api/approvals", body({{"domains", {"bulk-0.test", 3}}}), 400, "bad_request",
       "domains[1]"},
      {"POST", "/api/approvals", body({{"reviewer", 7}}), 400, "bad_request", "reviewer"},
      {"POST", "/api/approvals", body({{"reviewer", std::string(300, 'r')}}), 400, "bad_request",
       "reviewer"},
      {"POST", "/api/approvals", body({{"domain", "bulk-0.test"}}), 400, "bad_request", "'domain'"},
      {"POST", "/api/approvals", body({{"edits", "x"}}), 400, "bad_request", "edits"},
      {"POST", "/api/approvals", body({{"edits", {{"bulk-0.test", "x"}}}}), 400, "bad_request",
       "bulk-0.test"},
      // Every field is checked before anything is written, so the valid
      // bulk-1.test of these requests is not approved either.
      {"POST", "/api/approvals", body(edit({{"colour", "red"}})), 400, "bad_request", "colour"},
      {"POST", "/api/approvals", body(edit({{"domain", "x.test"}})), 400, "bad_request",
       "'domain'"},
      {"POST", "/api/approvals", body(edit({{"company_name", 5}})), 400, "bad_request",
       "company_name"},
      {"POST", "/api/approvals", body(edit({{"description", {"a"}}})), 400, "bad_request",
       "description"},
      {"POST", "/api/approvals", body(edit({{"emails", "a@b.test"}})), 400, "bad_request",
       "emails"},
      {"POST", "/api/approvals", body(edit({{"emails", {{{"value", 1}}}}})), 400, "bad_request",
       "emails[0]"},
      {"POST", "/api/approvals", body(edit({{"emails", {{{"source", "x"}}}}})), 400, "bad_request",
       "emails[0].value"},
      {"POST", "/api/approvals", body(edit({{"phones", {{{"value", "+441"}, {"kind", "pager"}}}}})),
       400, "bad_request", "kind"},
      {"POST", "/api/approvals", body(edit({{"addresses", {{{"flat", "1"}}}}})), 400, "bad_request",
       "flat"},
      {"POST", "/api/approvals", body(edit({{"social", {{"myspace", "x"}}}})), 400, "bad_request",
       "myspace"},
      {"POST", "/api/approvals", body(edit({{"social", "x"}})), 400, "bad_request", "social"},
      {"POST", "/api/approvals",
       body({{"action", "reject"}, {"edits", {{"bulk-0.test", {{"company_name", "X"}}}}}}), 400,
       "bad_request", "approve"},
      {"POST", "/api/approvals",
       body({{"domains", {"bulk-1.test"}}, {"edits", {{"bulk-0.test", {{"company_name", "X"}}}}}}),
       400, "bad_request", "bulk-0.test"},
      {"POST", "/api/approvals",
       body({{"domains", "all"}, {"edits", {{"nosuch.test", {{"company_name", "X"}}}}}}), 400,
       "bad_request", "nosuch.test"},
      {"POST", "/api/approvals",
       body({{"domains", "all"}, {"edits", {{"bulk-0.test", {{"colour", "red"}}}}}}), 400,
       "bad_request", "colour"},
      {"POST", "/api/approvals", body({{"job_id", unknown}}), 404, "not_found", unknown},
      {"POST", "/api/approvals", body({{"job_id", unknown}, {"domains", "all"}}), 404, "not_found",
       unknown},
      {"GET", "/api/approvals", "", 400, "bad_request", "job_id"},
      {"GET", "/api/approvals?job_id=", "", 400, "bad_request", "job_id"},
      {"GET", "/api/approvals?job_id=" + id + "&state=maybe", "", 400, "bad_request", "state"},
      {"GET", "/api/approvals?job_id=" + id + "&state=", "", 400, "bad_request", "state"},
      {"GET", "/api/approvals?job_id=" + id + "&limit=5000", "", 400, "bad_request", "limit"},
      {"GET", "/api/approvals?job_id=" + id + "&offset=-2", "", 400, "bad_request", "offset"},
      {"GET", "/api/approvals?job_id=" + unknown, "", 404, "not_found", unknown},
      {"PUT", "/api/approvals", "{}", 405, "method_not_allowed", ""},
      {"DELETE", "/api/jobs", "", 405, "method_not_allowed", ""},
  };
  for (const Case& c : cases) {
    Call call = Send(client, c.method, c.path, c.body);
    std::string what = c.method + " " + c.path + " " + c.body.substr(0, 160);
    EXPECT_EQ(call.status, c.status) << what << " → " << call.raw.substr(0, 300);
    EXPECT_EQ(ErrorCode(call), c.code) << what;
    EXPECT_NE(ErrorMessage(call).find(c.names), std::string::npos)
        << what << " → " << ErrorMessage(call);
    EXPECT_EQ(ReviewSnapshot(client, id), before) << "a refused request changed a review: " << what;
  }
  EXPECT_EQ(Send(client, "PUT", "/api/approvals", "{}").allow, "GET, POST");

  // The same requests, made right, do what they say.
  Call ok = Post(client, "/api/approvals", body(edit({{"company_name", "X Ltd"}})));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["updated"], 2);
  json after = ReviewSnapshot(client, id);
  EXPECT_TRUE(after["pending"].empty());
  ASSERT_EQ(after["approved"].size(), 2u);
  EXPECT_EQ(after["approved"][0]["profile"]["company_name"], "X Ltd");
}

}  // namespace
}  // namespace trawl::testing
