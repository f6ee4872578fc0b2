// `trawl crawl DOMAIN… [-f FILE] [-o OUT] [--format jsonl|json|csv]`: the
// embedded pipeline on the command line. One profile per input, always.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/fetch_options.h"
#include "cli/profile_writer.h"
#include "crawl/crawler.h"

namespace trawl {
namespace {

Crawler* g_crawler = nullptr;
std::atomic<int> g_interrupts{0};

void OnSignal(int) {
  // First Ctrl+C: finish the domains in flight; second: leave at once.
  if (g_interrupts.fetch_add(1) >= 1) _exit(130);
  if (g_crawler) g_crawler->RequestStop();
}

// Splits a line into inputs on whitespace and commas; '#' starts a comment.
void SplitInputs(const std::string& line, std::vector<std::string>& out) {
  std::string cur;
  for (char c : line) {
    if (c == '#') break;
    if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
}

Result<void> ReadInputFile(const std::string& path, std::vector<std::string>& out) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return Fail(ErrorCode::kIo, "cannot read " + path);
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) SplitInputs(line, out);
  return {};
}

class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled) {}

  void Update(const CrawlTotals& t, int in_flight, bool force = false) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    int64_t done = t.domains_ok + t.domains_failed;
    double min = Elapsed() / 60.0;
    double rate = min > 0 ? done / min : 0;
    constexpr int kWidth = 30;
    int filled = total_ ? static_cast<int>(kWidth * done / static_cast<int64_t>(total_)) : 0;
    std::string bar(filled, '=');
    bar.resize(kWidth, ' ');
    long long left_s = rate > 0 ? static_cast<long long>((total_ - done) * 60.0 / rate) : -1;
    std::string eta = left_s < 0 ? "--" : fmt::format("{}:{:02}", left_s / 60, left_s % 60);
    std::fprintf(stderr,
                 "\r[%s] %lld/%zu  ok %lld  failed %lld  in flight %d  %.0f domains/min  left %s ",
                 bar.c_str(), static_cast<long long>(done), total_,
                 static_cast<long long>(t.domains_ok), static_cast<long long>(t.domains_failed),
                 in_flight, rate, eta.c_str());
    std::fflush(stderr);
  }

  void Finish() {
    if (enabled_) std::fputc('\n', stderr);
  }

  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  size_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int RunCrawl(int argc, char** argv) {
  CLI::App app{"Crawl domains and write one company profile per input (embedded mode)."};
  app.name("trawl crawl");
  std::vector<std::string> domains;
  std::vector<std::string> files;
  std::string out_path = "-";
  std::string format_name = "jsonl";
  bool quiet = false;
  CrawlOptions options;
  FetchFlags flags;
  app.add_option("domains", domains, "domains or URLs to crawl");
  app.add_option("-f,--file", files, "read inputs from FILE ('-' for stdin), one or more per line")
      ->allow_extra_args(false);
  app.add_option("-o,--output", out_path, "write profiles to OUT instead of stdout")->capture_default_str();
  app.add_option("--format", format_name, "jsonl, json or csv")->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "no progress bar and no summary line");
  flags.Add(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  flags.Apply(options);
  auto format = ParseOutputFormat(format_name);
  if (!format) {
    std::fprintf(stderr, "trawl crawl: %s\n", format.error().message.c_str());
    return 2;
  }
  std::vector<std::string> inputs = domains;
  for (const auto& f : files) {
    if (auto ok = ReadInputFile(f, inputs); !ok) {
      std::fprintf(stderr, "trawl crawl: %s\n", ok.error().message.c_str());
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "trawl crawl: no domains given (arguments or -f FILE)\n");
    return 2;
  }
  FILE* out = stdout;
  if (out_path != "-") {
    out = std::fopen(out_path.c_str(), "w");
    if (!out) {
      std::fprintf(stderr, "trawl crawl: cannot write %s\n", out_path.c_str());
      return 2;
    }
  }

  Crawler crawler(options);
  g_crawler = &crawler;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  ProfileWriter writer(out, *format);
  Progress progress(inputs.size(), !quiet && isatty(STDERR_FILENO));
  size_t next = 0;
  CrawlTotals live;
  auto source = [&]() -> std::optional<CrawlInput> {
    if (next >= inputs.size()) return std::nullopt;
    CrawlInput in{inputs[next], static_cast<int>(next)};
    ++next;
    return in;
  };
  auto sink = [&](Profile&& p) {
    if (p.ok()) ++live.domains_ok;
    else ++live.domains_failed;
    writer.Write(std::move(p));
    progress.Update(live, crawler.in_flight());
  };
  CrawlTotals totals = crawler.Run(source, sink);
  writer.Close();
  if (out != stdout) std::fclose(out);
  g_crawler = nullptr;
  progress.Update(totals, 0, true);
  progress.Finish();
  if (!quiet) {
    double secs = progress.Elapsed();
    int64_t done = totals.domains_ok + totals.domains_failed;
    std::fprintf(stderr, "trawl: %lld domains: %lld ok, %lld failed; %lld pages; %.1f s; %.1f domains/min\n",
                 static_cast<long long>(done), static_cast<long long>(totals.domains_ok),
                 static_cast<long long>(totals.domains_failed),
                 static_cast<long long>(totals.pages), secs, secs > 0 ? done * 60.0 / secs : 0.0);
    if (static_cast<size_t>(done) < inputs.size()) {
      std::fprintf(stderr, "trawl: interrupted; %zu inputs were not crawled\n",
                   inputs.size() - static_cast<size_t>(done));
    }
  }
  return 0;
}

}  // namespace trawl
