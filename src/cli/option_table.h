// The one table of trawl's commands and options (DESIGN.md §2, "Options").
// Every option of every command is one row: its flag, the Settings field it
// sets, the commands that take it, help, bounds and environment variable.
// From the rows come each command's command line and --help, the TRAWL_*
// variables, the keys of `--config FILE` (TOML), the option tables of
// docs/configuration.md, the sample docs/trawl.toml, and what `trawl up` and
// `trawl workers` pass on to their workers.
//
// Precedence: the command line, then the environment, then the config file,
// then the default (a default-constructed Settings). Defaults are written
// only there, in the structs the fields belong to.
//
// The table is immutable and shared; everything here is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/settings.h"

namespace trawl {

// The commands, as bits of OptionRow::commands.
enum Command : uint32_t {
  kCrawl = 1u << 0,
  kWorker = 1u << 1,
  kWorkers = 1u << 2,
  kServe = 1u << 3,
  kUp = 1u << 4,
  kSubmit = 1u << 5,
  kStatus = 1u << 6,
  kMonitor = 1u << 7,
  kSitefarm = 1u << 8,
  kScore = 1u << 9,
  kRobots = 1u << 10,
  kOptions = 1u << 11,
};

struct CommandInfo {
  const char* name;  // "crawl"
  Command bit;
  const char* summary;      // one line, for `trawl --help`
  const char* description;  // the head of `trawl <name> --help`
};

// Every command, in the order `trawl --help` lists them.
const std::vector<CommandInfo>& Commands();
// The command called `name`, or nullptr.
const CommandInfo* FindCommand(std::string_view name);

// Where an option's value lives. Seconds and MiB options write a field in
// milliseconds or bytes (see Unit).
using Target =
    std::variant<bool*, int*, int64_t*, size_t*, double*, std::string*, std::vector<std::string>*>;
using Bind = Target (*)(Settings&);

enum class Unit {
  kNone,
  kSeconds,    // given in seconds, stored in an int64_t of milliseconds
  kMebibytes,  // given in MiB, stored in an int64_t of bytes
  kNegated,    // a flag that sets its bool field to false (--no-sitemap)
};

enum class Scope {
  kSetting,     // command line, environment and config file
  kInvocation,  // command line only: what to do now (inputs, output, --wait)
};

struct OptionRow {
  const char* flags;  // CLI11 names: "--max-pages", "-n,--workers"; no dash: positional
  Bind bind;
  uint32_t commands;  // Command bits
  const char* group;  // heading in the docs and the sample file
  const char* help;   // one line
  Scope scope = Scope::kSetting;
  double min = 0;  // bounds, in the unit given; checked only when min <= max
  double max = -1;
  Unit unit = Unit::kNone;
  const char* env = nullptr;            // nullptr: TRAWL_<NAME> for settings
  const char* choices = nullptr;        // "jsonl|json|csv": one of these
  const char* shown_default = nullptr;  // overrides the default --help shows
  bool required = false;
  bool secret = false;  // passed to workers by environment, never on argv
};

// Every row. Names repeat only where one setting has a different default
// for some commands (--redis: none for serve; --db: the data folder for up).
const std::vector<OptionRow>& OptionTable();

// "max-pages" from "--max-pages" / "-n,--workers" → "workers"; positional
// rows keep their name ("domains").
std::string OptionName(const OptionRow& row);
// The row's environment variable ("" for invocation options).
std::string OptionEnv(const OptionRow& row);
// The default, as --help and the docs show it ("" when there is none).
std::string OptionDefault(const OptionRow& row);
// The value of `row` in `settings` as config-file values: one per list
// item; a flag is "true" when it is on (for --no-sitemap: when sitemaps are
// off); seconds and MiB in those units.
std::vector<std::string> OptionValue(const OptionRow& row, Settings& settings);
// "crawl, worker, serve" (or "every command") for the docs.
std::string OptionCommands(const OptionRow& row);

// Parses `trawl <command>`'s arguments (argv[0] is "trawl <command>") into
// `settings`, then the environment, then --config FILE. Returns nullopt when
// the command should run; otherwise it has printed the help (returns 0) or
// the error (returns 2) and the command exits with that status.
std::optional<int> ParseOptions(Command command, int argc, char** argv, Settings& settings);

// The `trawl <command> --help` text.
std::string HelpText(Command command);

// What a parent passes to its worker processes so they run with its values:
// `--name=value` arguments (`args`) and NAME=value environment entries
// (`env`, for secrets). Only options the workers take and whose value differs
// from the workers' default; `from` is `trawl up` or `trawl workers`.
struct ForwardedOptions {
  std::vector<std::string> args;
  std::vector<std::string> env;
};
ForwardedOptions ForwardToWorkers(Command from, Settings& settings);

// The option tables of docs/configuration.md (Markdown) and the commented
// sample config file holding every key (docs/trawl.toml).
std::string OptionsMarkdown();
std::string SampleToml();

}  // namespace trawl
