// The corpus floor: `trawl crawl` over the fixture corpus (tests/fixtures/sites,
// served by `trawl sitefarm` on loopback) must score micro-F1 >= 0.95 and
// company-name accuracy >= 0.9 against tests/fixtures/truth, with no negatives.
// Starts real processes (process_util.h); every wait is bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/score.h"
#include "process_util.h"

namespace trawl {
namespace {

namespace fs = std::filesystem;

constexpr int kCrawlTimeoutMs = 120'000;

TEST(CorpusTest, CrawlOfTheFixtureCorpusMeetsTheFloor) {
  const std::string source = testing::SourceDir();
  auto truth = score::LoadTruthDir(source + "/tests/fixtures/truth");
  ASSERT_TRUE(truth.has_value()) << truth.error().message;
  ASSERT_GE(truth->size(), 26u);

  fs::path tmp = fs::path(::testing::TempDir()) / ("trawl_corpus_" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  {
    std::ofstream domains(tmp / "domains.txt");
    // IDNs go in as typed by a person (U-labels), to exercise normalization.
    for (const auto& t : *truth) domains << t.domain_unicode << "\n";
  }

  testing::FarmProcess farm({"--sites", source + "/tests/fixtures/sites"});
  ASSERT_GT(farm.port(), 0) << "the site farm did not start";

  fs::path out = tmp / "profiles.jsonl";
  testing::ProcessResult crawl = testing::RunProcess(
      {testing::TrawlBinary(), "crawl", "--allow-private", "--connect-to", farm.connect_to(), "-f",
       (tmp / "domains.txt").string(), "-o", out.string()},
      kCrawlTimeoutMs);
  ASSERT_FALSE(crawl.timed_out) << "crawl overran " << kCrawlTimeoutMs / 1000 << " s; stderr:\n"
                                << crawl.err;
  ASSERT_EQ(crawl.exit_code, 0) << "crawl failed; stderr:\n" << crawl.err;

  auto profiles = score::LoadProfiles(out.string());
  ASSERT_TRUE(profiles.has_value()) << profiles.error().message;
  score::Report report = score::Score(*truth, *profiles);
  std::string detail = score::FormatText(report, /*verbose=*/true);
  EXPECT_EQ(profiles->size(), truth->size()) << detail;
  EXPECT_EQ(report.profiled, report.domains) << detail;
  EXPECT_EQ(report.duplicate_profiles, 0) << detail;
  EXPECT_GE(report.micro.F1(), 0.95) << detail;
  EXPECT_GE(report.NameAccuracy(), 0.9) << detail;
  EXPECT_EQ(report.negatives, 0) << detail;
  if (!HasFailure()) fs::remove_all(tmp);
}

}  // namespace
}  // namespace trawl
