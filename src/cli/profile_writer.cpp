// Output formats of `trawl crawl`.
#include "cli/profile_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "extract/profile_json.h"

namespace trawl {

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  return Fail(ErrorCode::kUsage, "unknown format '" + name + "' (jsonl, json or csv)");
}

ProfileWriter::ProfileWriter(FILE* out, OutputFormat format) : out_(out), format_(format) {
  if (format_ == OutputFormat::kCsv) {
    std::string header = ProfileCsvHeader();
    std::fputs(header.c_str(), out_);
  }
}

ProfileWriter::~ProfileWriter() {
  // A destructor must not throw (it may run while unwinding); what Close
  // could not write is lost either way.
  try {
    Close();
  } catch (...) {
  }
}

void ProfileWriter::Write(Profile&& p) {
  switch (format_) {
    case OutputFormat::kJsonl: {
      std::string line =
          ProfileToJson(p).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), out_);
      std::fflush(out_);
      break;
    }
    case OutputFormat::kCsv: {
      std::string row = ProfileToCsvRow(p);
      std::fwrite(row.data(), 1, row.size(), out_);
      std::fflush(out_);
      break;
    }
    case OutputFormat::kJson:
      held_.push_back(std::move(p));
      break;
  }
}

void ProfileWriter::Close() {
  if (closed_) return;
  closed_ = true;
  if (format_ == OutputFormat::kJson) {
    std::sort(held_.begin(), held_.end(),
              [](const Profile& a, const Profile& b) { return a.input_index < b.input_index; });
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& p : held_) arr.push_back(ProfileToJson(p));
    std::string text = arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    text.push_back('\n');
    std::fwrite(text.data(), 1, text.size(), out_);
  }
  std::fflush(out_);
}

}  // namespace trawl
