// `trawl score --truth DIR PROFILES.jsonl [--json] [--verbose]`: measures
// extracted profiles against the fixture corpus's truth files (score.h).
#include <cstdio>

#include "cli/commands.h"
#include "cli/score.h"

namespace trawl {

int RunScore(Settings& s) {
  auto truth = score::LoadTruthDir(s.truth_dir);
  if (!truth) {
    std::fprintf(stderr, "trawl score: %s\n", truth.error().message.c_str());
    return 2;
  }
  int bad_lines = 0;
  auto profiles = score::LoadProfiles(s.profiles_path, &bad_lines);
  if (!profiles) {
    std::fprintf(stderr, "trawl score: %s\n", profiles.error().message.c_str());
    return 2;
  }
  if (bad_lines) {
    std::fprintf(stderr, "trawl score: skipped %d line(s) that are not JSON objects\n", bad_lines);
  }
  score::Report report = score::Score(*truth, *profiles);
  if (s.json) {
    std::printf("%s\n", score::ToJson(report, s.verbose).dump(2).c_str());
  } else {
    std::fputs(score::FormatText(report, s.verbose).c_str(), stdout);
  }
  return 0;
}

}  // namespace trawl
