// Builds one company profile from the pages of one domain. Each page's
// Document is read once by every field extractor; Finish() merges, ranks and
// de-duplicates. Not thread-safe: one builder per domain, used by one thread.
#pragma once

#include <memory>
#include <string>

#include "extract/document.h"
#include "extract/profile.h"

namespace trawl {

class ProfileBuilder {
 public:
  // `domain` is the normalized ASCII domain; it decides which emails and
  // links are the company's own.
  explicit ProfileBuilder(std::string domain);
  ~ProfileBuilder();
  ProfileBuilder(const ProfileBuilder&) = delete;
  ProfileBuilder& operator=(const ProfileBuilder&) = delete;

  // Extracts every field from one page and keeps the candidates (and the
  // page, for the fields read in Finish). Pass an rvalue to avoid a copy.
  void AddPage(Document doc);

  // Fills the profile's extracted fields (name, description, emails, phones,
  // addresses, social, company/VAT numbers, country). Leaves domain, error,
  // pages, timings to the caller. Call once.
  void Finish(Profile& profile);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace trawl
