// The options every fetching command takes (DESIGN.md §3), in one table:
// flag, default, bounds, environment variable, help. `--help` shows them with
// their defaults; CLI11 reads each from its TRAWL_* variable when the flag is
// not given, and from `--config FILE` (TOML) when one is given.
#pragma once

#include <CLI/CLI.hpp>

#include "crawl/crawl_options.h"

namespace trawl {

// Holds the second-based flags until parsing is done. One per command line.
class FetchFlags {
 public:
  // Registers the fetching options on `app`, bound to `opts` (whose current
  // values are the defaults shown by --help). `opts` must outlive parsing.
  void Add(CLI::App& app, CrawlOptions& opts);

  // Moves the parsed values into `opts`. Call after a successful parse.
  void Apply(CrawlOptions& opts) const;

 private:
  double timeout_ = 30;
  double connect_timeout_ = 10;
  double domain_timeout_ = 120;
  double delay_ = 0;
};

}  // namespace trawl
