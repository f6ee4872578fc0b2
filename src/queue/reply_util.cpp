#include "queue/reply_util.h"

#include <charconv>

namespace trawl::queue_detail {

Error ReplyError(std::string_view what, const RedisReply& reply) {
  static constexpr std::string_view kTransient[] = {
      "OOM",    "LOADING", "BUSY",      "MASTERDOWN", "READONLY",   "MISCONF",
      "NOAUTH", "NOPERM",  "WRONGPASS", "TRYAGAIN",   "CLUSTERDOWN"};
  ErrorCode code = ErrorCode::kInternal;
  for (std::string_view prefix : kTransient) {
    if (IsErrorReply(reply, prefix)) code = ErrorCode::kUnavailable;
  }
  std::string text = reply.is_error() ? reply.str : "unexpected reply";
  return Error{code, "redis " + std::string(what) + ": " + text};
}

bool IsErrorReply(const RedisReply& reply, std::string_view prefix) {
  return reply.is_error() && std::string_view(reply.str).substr(0, prefix.size()) == prefix;
}

std::map<std::string, std::string> FieldMap(const RedisReply& reply) {
  std::map<std::string, std::string> out;
  if (reply.type != RedisReply::Type::kArray) return out;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    out[reply.elements[i].AsString()] = reply.elements[i + 1].AsString();
  }
  return out;
}

int64_t FieldInt(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end()) return 0;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

std::string Field(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

void AppendEntries(const RedisReply& list, std::vector<StreamEntry>* out,
                   std::vector<std::string>* deleted) {
  for (const auto& item : list.elements) {
    if (item.type != RedisReply::Type::kArray || item.elements.empty()) continue;
    if (item.elements.size() < 2 || item.elements[1].type != RedisReply::Type::kArray) {
      deleted->push_back(item.elements[0].AsString());
      continue;
    }
    out->push_back({item.elements[0].AsString(), FieldMap(item.elements[1])});
  }
}

std::vector<std::string> EvalShaArgv(const RedisScript& script, const EvalCall& call) {
  std::vector<std::string> argv{"EVALSHA", script.sha(), std::to_string(call.keys.size())};
  argv.insert(argv.end(), call.keys.begin(), call.keys.end());
  argv.insert(argv.end(), call.args.begin(), call.args.end());
  return argv;
}

Result<std::vector<RedisReply>> EvalPipelined(RedisClient& client, const RedisScript& script,
                                              const std::vector<EvalCall>& calls) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(calls.size());
  for (const auto& call : calls) commands.push_back(EvalShaArgv(script, call));
  auto replies = client.Pipeline(commands);
  if (!replies) return replies;
  std::vector<size_t> missing;
  for (size_t i = 0; i < replies->size(); ++i) {
    if (IsErrorReply((*replies)[i], "NOSCRIPT")) missing.push_back(i);
  }
  if (missing.empty()) return replies;
  auto load = client.Command({"SCRIPT", "LOAD", script.source()});
  if (!load) return tl::unexpected(load.error());
  if (load->is_error()) return tl::unexpected(ReplyError("SCRIPT LOAD", *load));
  std::vector<std::vector<std::string>> again;
  again.reserve(missing.size());
  for (size_t i : missing) again.push_back(std::move(commands[i]));
  auto retried = client.Pipeline(again);
  if (!retried) return retried;
  for (size_t k = 0; k < missing.size(); ++k) (*replies)[missing[k]] = std::move((*retried)[k]);
  return replies;
}

}  // namespace trawl::queue_detail
