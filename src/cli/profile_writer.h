// Writes profiles as JSON lines, a JSON array or CSV to a stream. JSONL and
// CSV stream one profile at a time (bounded memory); a JSON array is written
// in input order, so it holds the profiles until Close. Not thread-safe.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "extract/profile.h"

namespace trawl {

enum class OutputFormat { kJsonl, kJson, kCsv };

// Parses "jsonl", "json" or "csv". Fails with kUsage otherwise.
Result<OutputFormat> ParseOutputFormat(const std::string& name);

class ProfileWriter {
 public:
  // Does not own `out`. Writes the CSV header at once.
  ProfileWriter(FILE* out, OutputFormat format);
  ~ProfileWriter();

  void Write(Profile&& profile);

  // Writes what is held (the JSON array) and flushes. Call once.
  void Close();

 private:
  FILE* out_;
  OutputFormat format_;
  std::vector<Profile> held_;
  bool closed_ = false;
};

}  // namespace trawl
