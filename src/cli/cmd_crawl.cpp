// `trawl crawl DOMAIN… [-f FILE] [-o OUT] [--format jsonl|json|csv]`: the
// embedded pipeline on the command line. One profile per input, always.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/profile_writer.h"
#include "cli/progress.h"
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

}  // namespace

int RunCrawl(Settings& s) {
  auto format = ParseOutputFormat(s.format);
  auto inputs = CollectInputs(s.inputs, s.files);
  if (!format || !inputs || inputs->empty()) {
    std::fprintf(stderr, "trawl crawl: %s\n",
                 !format   ? format.error().message.c_str()
                 : !inputs ? inputs.error().message.c_str()
                           : "no domains given (arguments or -f FILE)");
    return 2;
  }
  FILE* out = s.output == "-" ? stdout : std::fopen(s.output.c_str(), "w");
  if (!out) {
    std::fprintf(stderr, "trawl crawl: cannot write %s\n", s.output.c_str());
    return 2;
  }
  Crawler crawler(s.crawl);
  g_crawler = &crawler;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  ProfileWriter writer(out, *format);
  Progress progress(inputs->size(), !s.quiet && isatty(STDERR_FILENO));
  size_t next = 0;
  CrawlTotals live;
  auto source = [&]() -> std::optional<CrawlInput> {
    if (next >= inputs->size()) return std::nullopt;
    ++next;
    return CrawlInput{(*inputs)[next - 1], static_cast<int>(next - 1)};
  };
  auto sink = [&](Profile&& p) {
    ++(p.ok() ? live.domains_ok : live.domains_failed);
    writer.Write(std::move(p));
    progress.Update(live, crawler.in_flight());
  };
  CrawlTotals totals = crawler.Run(source, sink);
  writer.Close();
  if (out != stdout) std::fclose(out);
  g_crawler = nullptr;
  progress.Update(totals, 0, true);
  progress.Finish();
  if (!s.quiet) progress.Summary(totals);
  return 0;
}

}  // namespace trawl
