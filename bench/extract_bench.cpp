// Extraction cost alone (ProfileBuilder::AddPage + Finish), without the HTML
// parser: every page is parsed once before the benchmarks run, and each
// iteration feeds copies of the Documents to one ProfileBuilder per site.
//
// Benchmarks: BM_ExtractOnly (AddPage for every page of a site, then Finish),
// BM_AddPageOnly and BM_FinishOnly (the two halves; the other half's time is
// left out with PauseTiming). Figures: Google Benchmark's CPU time per
// iteration (one pass over the corpus) and the "pages" rate counter (pages
// per CPU second).
//
// Files: every *.html under $TRAWL_BENCH_DIRS (colon-separated), default
// /work/shared/realworld/sites and tests/fixtures/sites, one folder per site
// (as parse_bench). For the site farm's bulk pages, fetch them into such a
// folder first (bench/README.md shows how).
//
// TRAWL_BENCH_COLD=1: no warm-up pass (see main).
//
// `extract_bench --dump` prints, instead of benchmarking, one JSON line per
// page (the profile of that page alone) and one per site (the profile of all
// its pages), sorted: a before/after check that extraction output is unchanged.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_corpus.h"
#include "extract/document.h"
#include "extract/extractor.h"
#include "extract/profile_json.h"

namespace {

struct Site {
  std::string name;
  std::vector<trawl::Document> pages;  // sorted by URL
};

struct Corpus {
  std::vector<Site> sites;  // sorted by name
  int64_t bytes = 0;
  int64_t pages = 0;
};

const Corpus& TheCorpus() {
  static const Corpus corpus = [] {
    std::map<std::string, std::map<std::string, std::string>> html;  // site -> url -> html
    for (auto& f : trawl::bench::LoadBenchCorpus()) html[f.site][f.url] = std::move(f.html);
    Corpus c;
    for (auto& [host, pages] : html) {
      Site s{host, {}};
      for (auto& [url, text] : pages) {
        c.bytes += static_cast<int64_t>(text.size());
        ++c.pages;
        s.pages.push_back(trawl::ParseHtml(text, url));
      }
      c.sites.push_back(std::move(s));
    }
    return c;
  }();
  return corpus;
}

trawl::Profile Extract(const std::string& site, const std::vector<trawl::Document>& pages) {
  trawl::ProfileBuilder builder(site);
  for (const trawl::Document& d : pages) builder.AddPage(d);
  trawl::Profile profile;
  profile.domain = site;
  builder.Finish(profile);
  return profile;
}

void SetCounters(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  state.SetBytesProcessed(state.iterations() * c.bytes);
  state.counters["pages"] = benchmark::Counter(static_cast<double>(state.iterations() * c.pages),
                                               benchmark::Counter::kIsRate);
}

void BM_ExtractOnly(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::vector<trawl::Document>> copies;
    for (const Site& s : c.sites) copies.push_back(s.pages);
    state.ResumeTiming();
    for (size_t i = 0; i < c.sites.size(); ++i) {
      trawl::ProfileBuilder builder(c.sites[i].name);
      for (trawl::Document& d : copies[i]) builder.AddPage(std::move(d));
      trawl::Profile profile;
      builder.Finish(profile);
      benchmark::DoNotOptimize(profile);
    }
  }
  SetCounters(state);
}

void BM_AddPageOnly(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::vector<trawl::Document>> copies;
    for (const Site& s : c.sites) copies.push_back(s.pages);
    std::vector<std::unique_ptr<trawl::ProfileBuilder>> builders;
    for (const Site& s : c.sites)
      builders.push_back(std::make_unique<trawl::ProfileBuilder>(s.name));
    state.ResumeTiming();
    for (size_t i = 0; i < c.sites.size(); ++i) {
      for (trawl::Document& d : copies[i]) builders[i]->AddPage(std::move(d));
    }
    state.PauseTiming();
    builders.clear();
    state.ResumeTiming();
  }
  SetCounters(state);
}

void BM_FinishOnly(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::unique_ptr<trawl::ProfileBuilder>> builders;
    for (const Site& s : c.sites) {
      builders.push_back(std::make_unique<trawl::ProfileBuilder>(s.name));
      for (const trawl::Document& d : s.pages) builders.back()->AddPage(d);
    }
    state.ResumeTiming();
    for (auto& b : builders) {
      trawl::Profile profile;
      b->Finish(profile);
      benchmark::DoNotOptimize(profile);
    }
    state.PauseTiming();
    builders.clear();
    state.ResumeTiming();
  }
  SetCounters(state);
}

BENCHMARK(BM_ExtractOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AddPageOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FinishOnly)->Unit(benchmark::kMillisecond);

// One line per page and per site; see the file comment.
void Dump() {
  for (const Site& s : TheCorpus().sites) {
    for (const trawl::Document& d : s.pages) {
      nlohmann::json line = {{"page", d.url},
                             {"profile", trawl::ProfileToJson(Extract(s.name, {d}))}};
      std::cout << line.dump() << "\n";
    }
    nlohmann::json line = {{"site", s.name},
                           {"profile", trawl::ProfileToJson(Extract(s.name, s.pages))}};
    std::cout << line.dump() << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--dump") == 0) {
    Dump();
    return 0;
  }
  const Corpus& c = TheCorpus();
  std::cout << "corpus sites=" << c.sites.size() << " pages=" << c.pages << " bytes=" << c.bytes
            << "\n";
  // One pass before timing: patterns compiled, libphonenumber loaded, memos
  // filled, as in a crawl that has run for a while. TRAWL_BENCH_COLD=1 skips
  // it: a crawl meets each site once, so its first pages find the memos cold
  // (run one iteration: --benchmark_min_time=0).
  const char* cold = std::getenv("TRAWL_BENCH_COLD");
  if (cold == nullptr || std::string(cold) != "1") {
    for (const Site& s : c.sites) benchmark::DoNotOptimize(Extract(s.name, s.pages));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
