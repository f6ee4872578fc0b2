// The approval queue: GET /api/approvals lists a job's profiles in one review
// state, each with its evidence (the source page of each value is inside the
// profile); POST /api/approvals approves or rejects some profiles, or every
// pending one of a job, keeping the reviewer's edits with who and when.
// Everything a request can be refused for is checked before the first write,
// so a 4xx changes nothing.
#include <fmt/core.h>

#include <map>
#include <span>
#include <string_view>
#include <unordered_set>

#include "api/request_parsing.h"
#include "api/routes.h"
#include "core/clock.h"
#include "core/domain.h"
#include "extract/profile.h"

namespace trawl::api {
namespace {

using nlohmann::json;

// "all" approves pending profiles this many at a time, so no one list call
// (nor the memory of the request) grows with the size of the job.
constexpr size_t kMaxReviewerLength = 200;
constexpr const char* kDefaultReviewer = "api";

// --- what a reviewer may edit ---------------------------------------------------

enum class EditKind { kText, kEmails, kPhones, kAddresses, kSocial };

struct EditableField {
  const char* name;
  EditKind kind;
};

// The fields of the profile (DESIGN.md §4) a reviewer may correct. The rest
// (domain, status, error, pages, sources, …) is what the crawl saw and stays.
constexpr EditableField kEditableFields[] = {
    {"company_name", EditKind::kText},   {"description", EditKind::kText},
    {"emails", EditKind::kEmails},       {"phones", EditKind::kPhones},
    {"addresses", EditKind::kAddresses}, {"social", EditKind::kSocial},
    {"company_number", EditKind::kText}, {"vat_number", EditKind::kText},
    {"country", EditKind::kText},
};

// The members an item of each list has in a stored profile.
constexpr const char* kEmailMembers[] = {"value", "source"};
constexpr const char* kPhoneMembers[] = {"value", "display", "kind", "source"};
constexpr const char* kAddressMembers[] = {"street",  "locality", "region", "postcode",
                                           "country", "text",     "source"};
constexpr const char* kPhoneKinds[] = {"phone", "mobile", "fax"};

bool OneOf(std::string_view word, std::span<const char* const> words) {
  for (const char* w : words) {
    if (word == w) return true;
  }
  return false;
}

std::string JoinWords(std::span<const char* const> words) {
  std::string out;
  for (const char* w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

tl::unexpected<ApiError> BadRequest(std::string message) {
  return Refuse(400, "bad_request", std::move(message));
}

// One item of emails, phones or addresses: an object of the members the
// profile has, each a string or null; an email or phone needs its "value".
ApiResult<void> CheckListItem(const json& item, const std::string& where,
                              std::span<const char* const> members, bool needs_value) {
  if (!item.is_object()) {
    return BadRequest(fmt::format("{} must be an object, not {}", where, item.type_name()));
  }
  for (auto it = item.begin(); it != item.end(); ++it) {
    if (!OneOf(it.key(), members)) {
      return BadRequest(
          fmt::format("{}: unknown member '{}' (known: {})", where, it.key(), JoinWords(members)));
    }
    if (!it->is_string() && !it->is_null()) {
      return BadRequest(
          fmt::format("{}.{} must be a string or null, not {}", where, it.key(), it->type_name()));
    }
  }
  if (needs_value) {
    auto value = item.find("value");
    if (value == item.end() || !value->is_string() || value->get_ref<const std::string&>().empty())
      return BadRequest(fmt::format("{}.value must be a non-empty string", where));
  }
  return {};
}

ApiResult<void> CheckList(const json& value, const std::string& where, EditKind kind) {
  if (!value.is_array()) {
    return BadRequest(fmt::format("{} must be an array, not {}", where, value.type_name()));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    std::string at = fmt::format("{}[{}]", where, i);
    ApiResult<void> ok;
    if (kind == EditKind::kEmails) ok = CheckListItem(item, at, kEmailMembers, true);
    if (kind == EditKind::kPhones) ok = CheckListItem(item, at, kPhoneMembers, true);
    if (kind == EditKind::kAddresses) ok = CheckListItem(item, at, kAddressMembers, false);
    if (!ok) return ok;
    if (kind == EditKind::kPhones) {
      auto k = item.find("kind");
      if (k != item.end() && k->is_string() &&
          !OneOf(k->get_ref<const std::string&>(), kPhoneKinds))
        return BadRequest(fmt::format("{}.kind must be one of {}", at, JoinWords(kPhoneKinds)));
    }
  }
  return {};
}

ApiResult<void> CheckEditValue(const EditableField& field, const json& value,
                               const std::string& where) {
  switch (field.kind) {
    case EditKind::kText:
      if (value.is_string() || value.is_null()) return {};
      return BadRequest(
          fmt::format("{} must be a string or null, not {}", where, value.type_name()));
    case EditKind::kSocial:
      if (!value.is_object()) {
        return BadRequest(fmt::format("{} must be an object, not {}", where, value.type_name()));
      }
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!OneOf(it.key(), kSocialNetworks)) {
          return BadRequest(fmt::format("{}: unknown network '{}' (known: {})", where, it.key(),
                                        JoinWords(kSocialNetworks)));
        }
        if (!it->is_string() && !it->is_null()) {
          return BadRequest(fmt::format("{}.{} must be a string or null, not {}", where, it.key(),
                                        it->type_name()));
        }
      }
      return {};
    default:
      return CheckList(value, where, field.kind);
  }
}

// One domain's edit object: editable fields only, each of its profile type.
ApiResult<void> CheckEdit(const json& edit, const std::string& where) {
  if (!edit.is_object()) {
    return BadRequest(fmt::format("{} must be an object, not {}", where, edit.type_name()));
  }
  for (auto it = edit.begin(); it != edit.end(); ++it) {
    const EditableField* field = nullptr;
    for (const EditableField& f : kEditableFields) {
      if (it.key() == f.name) field = &f;
    }
    if (!field) {
      std::string names;
      for (const EditableField& f : kEditableFields)
        names += (names.empty() ? "" : ", ") + std::string(f.name);
      return BadRequest(
          fmt::format("{}: '{}' is not an editable field (editable: {})", where, it.key(), names));
    }
    if (auto ok = CheckEditValue(*field, *it, where + "." + it.key()); !ok) return ok;
  }
  return {};
}

// --- the review request -----------------------------------------------------------

struct ReviewTarget {
  std::string domain;  // as stored (normalized)
  std::string input;   // as the client sent it, for not_found
};

struct ReviewRequest {
  std::string job_id;
  std::string action;                 // approve | reject
  std::string approval;               // approved | rejected
  bool all = false;                   // every pending profile of the job
  std::vector<ReviewTarget> targets;  // distinct, in the order sent (empty with all)
  std::map<std::string, json> edits;  // normalized domain → edit object
  std::string reviewer = kDefaultReviewer;
};

// The domain as the store keys it; an input that is no domain stays as it
// is (it then matches no profile and is reported in not_found).
std::string StoredDomain(const std::string& input) {
  auto domain = NormalizeDomain(input);
  return domain ? domain->ascii : input;
}

// A required non-empty string member.
ApiResult<std::string> RequiredString(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null())
    return BadRequest(fmt::format("field '{}' is required", name));
  if (!it->is_string()) {
    return BadRequest(fmt::format("field '{}' must be a string, not {}", name, it->type_name()));
  }
  if (it->get_ref<const std::string&>().empty())
    return BadRequest(fmt::format("field '{}' must not be empty", name));
  return it->get<std::string>();
}

ApiResult<void> ReadDomains(const json& body, int64_t max_domains, ReviewRequest& out) {
  auto it = body.find("domains");
  if (it == body.end() || it->is_null()) {
    return BadRequest("field 'domains' is required: an array of domains or \"all\"");
  }
  if (it->is_string()) {
    if (*it != "all") {
      return BadRequest("field 'domains' must be an array of domains or \"all\", not the string '" +
                        it->get<std::string>() + "'");
    }
    out.all = true;
    return {};
  }
  if (!it->is_array()) {
    return BadRequest(fmt::format("field 'domains' must be an array of domains or \"all\", not {}",
                                  it->type_name()));
  }
  if (it->empty()) return BadRequest("field 'domains' is empty: name a domain, or send \"all\"");
  if (static_cast<int64_t>(it->size()) > max_domains) {
    return BadRequest(fmt::format("field 'domains' holds {} items; a job has at most {}",
                                  it->size(), max_domains));
  }
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    if (!item.is_string()) {
      return BadRequest(
          fmt::format("field 'domains[{}]' must be a string, not {}", i, item.type_name()));
    }
    std::string input = item.get<std::string>();
    std::string domain = StoredDomain(input);
    if (seen.insert(domain).second) out.targets.push_back({std::move(domain), std::move(input)});
  }
  return {};
}

ApiResult<void> ReadEdits(const json& body, ReviewRequest& out) {
  auto it = body.find("edits");
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_object()) {
    return BadRequest(
        fmt::format("field 'edits' must be an object of domain → fields, not {}", it->type_name()));
  }
  if (out.action != "approve") {
    return BadRequest("field 'edits' is only allowed with action 'approve'");
  }
  std::unordered_set<std::string> targets;
  for (const ReviewTarget& t : out.targets) targets.insert(t.domain);
  for (auto e = it->begin(); e != it->end(); ++e) {
    std::string where = "edits['" + e.key() + "']";
    if (auto ok = CheckEdit(*e, where); !ok) return ok;
    std::string domain = StoredDomain(e.key());
    if (!out.all && !targets.count(domain)) {
      return BadRequest(fmt::format("{}: '{}' is not in 'domains'", where, e.key()));
    }
    if (!out.edits.emplace(domain, *e).second) {
      return BadRequest(fmt::format("{}: another key of 'edits' names the same domain", where));
    }
  }
  return {};
}

// Parses {"job_id", "action", "domains", "edits"?, "reviewer"?}. Refuses with
// 400 bad_json (not JSON) or bad_request (not an object, an unknown field, a
// field missing or of the wrong type, an edit of a field that is not
// editable; the message names the field).
ApiResult<ReviewRequest> ParseReviewRequest(std::string_view text, int64_t max_domains) {
  json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Refuse(400, "bad_json", "the request body is not valid JSON");
  if (!body.is_object()) {
    return BadRequest(
        fmt::format("the request body must be a JSON object, not {}", body.type_name()));
  }
  constexpr const char* kFields[] = {"job_id", "action", "domains", "edits", "reviewer"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!OneOf(it.key(), kFields)) {
      return BadRequest(
          fmt::format("unknown field '{}' (known: {})", it.key(), JoinWords(kFields)));
    }
  }
  ReviewRequest out;
  auto job_id = RequiredString(body, "job_id");
  if (!job_id) return tl::unexpected(job_id.error());
  out.job_id = *job_id;
  auto action = RequiredString(body, "action");
  if (!action) return tl::unexpected(action.error());
  if (*action != "approve" && *action != "reject") {
    return BadRequest("field 'action' must be 'approve' or 'reject', not '" + *action + "'");
  }
  out.action = *action;
  out.approval =
      ToString(out.action == "approve" ? ApprovalState::kApproved : ApprovalState::kRejected);
  if (auto it = body.find("reviewer"); it != body.end() && !it->is_null()) {
    auto reviewer = RequiredString(body, "reviewer");
    if (!reviewer) return tl::unexpected(reviewer.error());
    if (reviewer->size() > kMaxReviewerLength) {
      return BadRequest(
          fmt::format("field 'reviewer' is longer than {} bytes", kMaxReviewerLength));
    }
    out.reviewer = *reviewer;
  }
  if (auto ok = ReadDomains(body, max_domains, out); !ok) return tl::unexpected(ok.error());
  if (auto ok = ReadEdits(body, out); !ok) return tl::unexpected(ok.error());
  return out;
}

// --- the store side -----------------------------------------------------------------

ApiResponse DatabaseFailure(const Error& error) {
  return ErrorResponse(FromLibraryError(error, "database"));
}

// With "all", an edit must name a pending profile of the job: anything else
// would be silently dropped. Returns the 400 to send, or a database error.
Expected<void, ApiResponse> CheckEditsArePending(Store& store, const ReviewRequest& review) {
  for (const auto& [domain, edit] : review.edits) {
    auto stored = store.GetProfile(review.job_id, domain);
    if (!stored) return tl::unexpected(DatabaseFailure(stored.error()));
    if (!*stored || !Is((*stored)->approval, ApprovalState::kPending)) {
      return tl::unexpected(ErrorResponse(
          400, "bad_request",
          "edits['" + domain + "']: no pending profile of the job has that domain, and \"all\" " +
              "reviews pending profiles only"));
    }
  }
  return {};
}

// The edit to store for `domain`: `edit` laid over the reviewer's earlier
// edits of the same profile, so that a second review does not drop the
// first's corrections. "" when there is nothing to change. nullopt when the
// profile does not exist. Fails only on a database error.
Result<std::optional<std::string>> MergedEdit(Store& store, const std::string& job_id,
                                              const std::string& domain, const json& edit) {
  auto stored = store.GetProfile(job_id, domain);
  if (!stored) return tl::unexpected(stored.error());
  if (!*stored) return std::optional<std::string>();
  if (edit.empty()) return std::optional<std::string>("");
  json merged = json::object();
  if (!(*stored)->edited_json.empty()) {
    json before = json::parse((*stored)->edited_json, nullptr, false);
    if (before.is_object()) merged = std::move(before);
  }
  for (auto it = edit.begin(); it != edit.end(); ++it) merged[it.key()] = it.value();
  return std::optional<std::string>(merged.dump());
}

struct ReviewOutcome {
  int64_t updated = 0;
  json not_found = json::array();
};

// Applies the review to the named domains.
Result<ReviewOutcome> ReviewNamed(Store& store, const ReviewRequest& review, int64_t now_ms) {
  ReviewOutcome outcome;
  for (const ReviewTarget& target : review.targets) {
    std::string edited;
    if (auto e = review.edits.find(target.domain); e != review.edits.end()) {
      auto merged = MergedEdit(store, review.job_id, target.domain, e->second);
      if (!merged) return tl::unexpected(merged.error());
      if (!*merged) {
        outcome.not_found.push_back(target.input);
        continue;
      }
      edited = **merged;
    }
    auto set = store.SetApproval(review.job_id, target.domain, review.approval, review.reviewer,
                                 edited, now_ms);
    if (!set) return tl::unexpected(set.error());
    if (*set) {
      ++outcome.updated;
    } else {
      outcome.not_found.push_back(target.input);
    }
  }
  return outcome;
}

// Applies the review to every pending profile of the job: the profiles with
// edits one by one (their edits merged), then all the others in one
// statement, so that approving a 100,000-domain job is one UPDATE.
Result<ReviewOutcome> ReviewAllPending(Store& store, const ReviewRequest& review, int64_t now_ms) {
  ReviewOutcome outcome;
  for (const auto& [domain, edit] : review.edits) {
    if (edit.empty()) continue;
    auto stored = store.GetProfile(review.job_id, domain);
    if (!stored) return tl::unexpected(stored.error());
    if (!*stored || !Is((*stored)->approval, ApprovalState::kPending)) continue;
    std::string edited;
    auto merged = MergedEdit(store, review.job_id, domain, edit);
    if (!merged) return tl::unexpected(merged.error());
    if (*merged) edited = **merged;
    auto set =
        store.SetApproval(review.job_id, domain, review.approval, review.reviewer, edited, now_ms);
    if (!set) return tl::unexpected(set.error());
    if (*set) ++outcome.updated;
  }
  auto rest = store.ReviewAllPending(review.job_id, review.approval, review.reviewer, now_ms);
  if (!rest) return tl::unexpected(rest.error());
  outcome.updated += *rest;
  return outcome;
}

// One entry of the approval list.
json ReviewEntry(const StoredProfile& p) {
  json edited = nullptr;
  if (!p.edited_json.empty()) {
    json parsed = json::parse(p.edited_json, nullptr, false);
    if (parsed.is_object()) edited = std::move(parsed);
  }
  return {{"job_id", p.job_id},
          {"domain", p.domain},
          {"input_index", p.input_index},
          {"approval", p.approval},
          {"reviewed_by", p.reviewed_by.empty() ? json(nullptr) : json(p.reviewed_by)},
          {"reviewed_at", IsoOrNull(p.reviewed_at_ms)},
          {"edited", std::move(edited)},
          {"profile", ProfileForClient(p)}};
}

}  // namespace

// --- the handlers --------------------------------------------------------------------

ApiResponse HandleListApprovals(ApiContext& ctx, const ApiRequest& request) {
  auto paging = ParsePaging(request.Query("limit"), request.Query("offset"));
  if (!paging) return ErrorResponse(paging.error());
  std::string job_id = request.Query("job_id").value_or("");
  if (job_id.empty()) {
    return ErrorResponse(400, "bad_request",
                         "parameter 'job_id' is required (the approval queue is per job)");
  }
  std::string state = request.Query("state").value_or(ToString(ApprovalState::kPending));
  if (!ParseApprovalState(state)) {
    return ErrorResponse(
        400, "bad_request",
        "parameter 'state' must be pending, approved or rejected, not '" + state + "'");
  }
  auto job = LoadJob(ctx, job_id);
  if (!job) return job.error();

  json profiles = json::array();
  if (paging->limit > 0) {
    ProfileQuery query;
    query.job_id = job_id;
    query.approval = state;
    query.limit = paging->limit;
    query.offset = paging->offset;
    auto listed = ctx.store->ListProfiles(query);
    if (!listed) return DatabaseFailure(listed.error());
    for (const StoredProfile& p : *listed) profiles.push_back(ReviewEntry(p));
  }
  auto total = ctx.store->CountProfiles(job_id, state);
  if (!total) return DatabaseFailure(total.error());
  ApiResponse res;
  res.body = {{"job_id", job_id}, {"state", state},         {"profiles", std::move(profiles)},
              {"total", *total},  {"limit", paging->limit}, {"offset", paging->offset}};
  return res;
}

ApiResponse HandleReview(ApiContext& ctx, const ApiRequest& request) {
  auto parsed = ParseReviewRequest(request.body, ctx.options.max_job_domains);
  if (!parsed) return ErrorResponse(parsed.error());
  const ReviewRequest& review = *parsed;
  auto job = LoadJob(ctx, review.job_id);
  if (!job) return job.error();
  if (review.all) {
    if (auto ok = CheckEditsArePending(*ctx.store, review); !ok) return ok.error();
  }
  // One time for the whole review: it is one decision.
  int64_t now_ms = NowMs();
  auto outcome = review.all ? ReviewAllPending(*ctx.store, review, now_ms)
                            : ReviewNamed(*ctx.store, review, now_ms);
  // A database failure part way leaves the profiles reviewed so far as they
  // are; repeating the request is harmless.
  if (!outcome) return DatabaseFailure(outcome.error());
  ApiResponse res;
  res.body = {{"job_id", review.job_id},
              {"action", review.action},
              {"updated", outcome->updated},
              {"not_found", std::move(outcome->not_found)}};
  return res;
}

}  // namespace trawl::api
