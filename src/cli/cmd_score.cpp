// `trawl score --truth DIR PROFILES.jsonl [--json] [--verbose]`: measures
// extracted profiles against the fixture corpus's truth files (score.h).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/score.h"

namespace trawl {

int RunScore(int argc, char** argv) {
  CLI::App app{"Score extracted profiles (JSON lines, DESIGN.md §4) against truth files.\n"
               "Prints per-field tp/fp/fn, precision, recall and F1, the micro-F1, company-name\n"
               "accuracy and the negatives extracted. Exit 0, or 2 on a usage error.",
               "trawl score"};
  std::string truth_dir, profiles_path;
  bool as_json = false, verbose = false;
  app.add_option("--truth", truth_dir, "directory of <domain>.json truth files")->required()->check(CLI::ExistingDirectory);
  app.add_option("profiles", profiles_path, "profiles, one JSON object per line")->required()->check(CLI::ExistingFile);
  app.add_flag("--json", as_json, "print one JSON object instead of a table");
  app.add_flag("--verbose,-v", verbose, "list every false positive and negative per domain");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  auto truth = score::LoadTruthDir(truth_dir);
  if (!truth) {
    std::fprintf(stderr, "trawl score: %s\n", truth.error().message.c_str());
    return 2;
  }
  int bad_lines = 0;
  auto profiles = score::LoadProfiles(profiles_path, &bad_lines);
  if (!profiles) {
    std::fprintf(stderr, "trawl score: %s\n", profiles.error().message.c_str());
    return 2;
  }
  if (bad_lines) std::fprintf(stderr, "trawl score: skipped %d line(s) that are not JSON objects\n", bad_lines);
  score::Report report = score::Score(*truth, *profiles);
  if (as_json) {
    std::printf("%s\n", score::ToJson(report, verbose).dump(2).c_str());
  } else {
    std::fputs(score::FormatText(report, verbose).c_str(), stdout);
  }
  return 0;
}

}  // namespace trawl
