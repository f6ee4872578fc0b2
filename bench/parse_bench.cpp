// Parse + extract throughput (MB/s, one core) over real HTML files, and
// trawl's own HTML parser against gumbo and libxml2's on speed and on broken
// markup.
//
// Benchmarks: the bare library parsers building their trees
// (BM_GumboTreeOnly, BM_Libxml2TreeOnly) or not (BM_Libxml2SaxOnly), the
// Document built through each (BM_ParseHtmlGumbo, BM_ParseHtmlLibxml2, and
// BM_ParseHtml: trawl's parser, the one the crawler uses), and
// BM_ParseAndExtract (ParseHtml + every field extractor).
//
// Files: every *.html under $TRAWL_BENCH_DIRS (colon-separated), default
// /work/shared/realworld/sites and tests/fixtures/sites. Figures: Google
// Benchmark's bytes_per_second per benchmark, computed from CPU time (use
// --benchmark_format=json), and one "robustness parser=... case=... text=0|1
// links=0|1" line per parser and broken-markup case, printed before the
// benchmarks run.
//
// Needs gumbo, libxml2 and Google Benchmark; bench/CMakeLists.txt defines
// TRAWL_PARSE_BENCH_DEPS and links trawl_reference_parsers (tests/parsers/,
// which brings gumbo and libxml2) and benchmark::benchmark (see
// docs/parser-choice.md). Without that it builds as a stub.
#ifndef TRAWL_PARSE_BENCH_DEPS
#include <cstdio>
int main() {
  std::puts(
      "parse_bench: built without libxml2/benchmark (define TRAWL_PARSE_BENCH_DEPS); nothing to "
      "do");
  return 0;
}
#else

#include <benchmark/benchmark.h>
#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_corpus.h"
#include "extract/document.h"
#include "extract/document_input.h"
#include "extract/extractor.h"
#include "parsers/depth_flattener.h"
#include "parsers/document_gumbo.h"
#include "parsers/document_libxml2.h"

namespace {

using Page = trawl::bench::CorpusFile;

std::vector<Page>& Corpus() {
  static std::vector<Page> pages = trawl::bench::LoadBenchCorpus();
  return pages;
}

int64_t CorpusBytes() {
  int64_t n = 0;
  for (const auto& p : Corpus()) n += static_cast<int64_t>(p.html.size());
  return n;
}

htmlDocPtr LibxmlParse(const std::string& html) {
  return htmlReadMemory(
      html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
}

void BM_GumboTreeOnly(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& p : Corpus()) {
      GumboOutput* out =
          gumbo_parse_with_options(&kGumboDefaultOptions, p.html.data(), p.html.size());
      benchmark::DoNotOptimize(out);
      gumbo_destroy_output(&kGumboDefaultOptions, out);
    }
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

void BM_Libxml2TreeOnly(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& p : Corpus()) {
      htmlDocPtr doc = LibxmlParse(p.html);
      benchmark::DoNotOptimize(doc);
      xmlFreeDoc(doc);
    }
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

// libxml2's SAX parser with callbacks that do nothing: the floor under BM_ParseHtmlLibxml2.
void BM_Libxml2SaxOnly(benchmark::State& state) {
  htmlSAXHandler handler;
  std::memset(&handler, 0, sizeof handler);
  handler.startElement = [](void*, const xmlChar*, const xmlChar**) {};
  handler.endElement = [](void*, const xmlChar*) {};
  handler.characters = [](void*, const xmlChar*, int) {};
  handler.cdataBlock = handler.characters;
  handler.ignorableWhitespace = handler.characters;
  for (auto _ : state) {
    for (const auto& p : Corpus()) {
      htmlParserCtxtPtr ctxt =
          htmlCreateMemoryParserCtxt(p.html.data(), static_cast<int>(p.html.size()));
      std::memcpy(ctxt->sax, &handler, sizeof handler);
      htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                   HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
      htmlParseDocument(ctxt);
      htmlFreeParserCtxt(ctxt);
    }
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

// The two linear input passes: the UTF-8 repair every parser gets, and the
// depth flattener gumbo and libxml2 need (ParseHtml caps depth itself).
void BM_InputPasses(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& p : Corpus()) {
      benchmark::DoNotOptimize(trawl::SanitizeUtf8ForParser(p.html));
      benchmark::DoNotOptimize(trawl::FlattenDeepNesting(p.html));
    }
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

void BM_ParseHtmlGumbo(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& p : Corpus()) benchmark::DoNotOptimize(trawl::ParseHtmlGumbo(p.html, p.url));
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

void BM_ParseHtmlLibxml2(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& p : Corpus()) benchmark::DoNotOptimize(trawl::ParseHtmlLibxml2(p.html, p.url));
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

void BM_ParseHtml(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& p : Corpus()) benchmark::DoNotOptimize(trawl::ParseHtml(p.html, p.url));
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

void BM_ParseAndExtract(benchmark::State& state) {
  for (auto _ : state) {
    std::map<std::string, std::unique_ptr<trawl::ProfileBuilder> > builders;
    for (const auto& p : Corpus()) {
      auto& b = builders[p.site];
      if (!b) b = std::make_unique<trawl::ProfileBuilder>(p.site);
      b->AddPage(trawl::ParseHtml(p.html, p.url));
    }
    for (auto& [site, b] : builders) {
      trawl::Profile profile;
      b->Finish(profile);
      benchmark::DoNotOptimize(profile);
    }
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

BENCHMARK(BM_GumboTreeOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Libxml2TreeOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Libxml2SaxOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InputPasses)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseHtmlGumbo)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseHtmlLibxml2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseHtml)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAndExtract)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------- robustness

struct Broken {
  const char* name;
  std::string html;
  std::string text;  // text a browser shows
  std::string href;  // link a browser has
};

std::vector<Broken> BrokenCases() {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "<p>deep text <a href=\"/deep\">x</a></p>";
  for (int i = 0; i < 100000; ++i) deep += "</div>";
  return {
      {"unclosed_tags", "<div><p>first<p>second text <a href=/x>link", "second text", "/x"},
      {"misnested", "<p><b><i>bold</b> italic text</i></p><a href=/y>y</a>", "italic text", "/y"},
      {"nested_100000_divs", deep, "deep text", "/deep"},
      {"invalid_utf8", std::string("<p>caf\xC3 \xFF\xFE ok text</p><a href=\"/u\">u</a>"),
       "ok text", "/u"},
      {"stray_html_end", "<body><p>one</p></html><p>after end</p><a href=/z>z</a>", "after end",
       "/z"},
      {"unquoted_attributes", "<a href=/contact class=btn>Contact us</a>", "Contact us",
       "/contact"},
      {"unclosed_comment_like",
       "<p>before</p><!- not a comment -><p>after text</p><a href=/c>c</a>", "after text", "/c"},
      {"table_in_p", "<p>intro<table><tr><td>cell text<a href=/t>t</a></td></tr></table>",
       "cell text", "/t"},
  };
}

void PrintCase(const char* parser, const Broken& c, const trawl::Document& d) {
  bool text = false, link = false;
  for (const auto& b : d.blocks) text = text || b.text.find(c.text) != std::string::npos;
  for (const auto& l : d.links) link = link || l.href == c.href;
  std::cout << "robustness parser=" << parser << " case=" << c.name << " text=" << text
            << " links=" << link << "\n";
}

void PrintRobustness() {
  for (const auto& c : BrokenCases()) {
    PrintCase("gumbo", c, trawl::ParseHtmlGumbo(c.html, "https://a.test/"));
    PrintCase("libxml2_sax", c, trawl::ParseHtmlLibxml2(c.html, "https://a.test/"));
    PrintCase("trawl", c, trawl::ParseHtml(c.html, "https://a.test/"));
  }
  std::cout << "corpus files=" << Corpus().size() << " bytes=" << CorpusBytes() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  PrintRobustness();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

#endif  // TRAWL_PARSE_BENCH_DEPS
