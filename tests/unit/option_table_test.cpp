// The option table (cli/option_table.h): precedence, the config file's
// errors, units, what `trawl up` forwards, and that --help, the docs and the
// sample config file agree with the table.
#include "cli/option_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace trawl {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A config file that lives as long as the test.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("trawl_options_test_" + std::to_string(getpid()) + "_" + std::to_string(counter_++) +
               ".toml")) {
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

std::string last_stderr;  // of the last Parse

// Parses `args` as `trawl <command>`'s arguments; the exit status ParseOptions
// asked for, or -1 when the command would run.
int Parse(Command command, std::vector<std::string> args, Settings& s) {
  args.insert(args.begin(), "trawl test");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  auto rc = ParseOptions(command, static_cast<int>(argv.size()), argv.data(), s);
  ::testing::internal::GetCapturedStdout();
  last_stderr = ::testing::internal::GetCapturedStderr();
  return rc ? *rc : -1;
}

TEST(OptionTable, CommandLineBeatsEnvironmentBeatsConfigFileBeatsDefault) {
  ConfigFile config("max-pages = 4\ntimeout = 9\nconcurrency = 5\n");
  ScopedEnv env("TRAWL_MAX_PAGES", "6");
  Settings s;
  ASSERT_EQ(Parse(kCrawl, {"--config", config.path(), "--concurrency", "7"}, s), -1) << last_stderr;
  EXPECT_EQ(s.crawl.concurrency, 7);                                   // command line over file
  EXPECT_EQ(s.crawl.max_pages, 6);                                     // environment over file
  EXPECT_EQ(s.crawl.fetch.timeout_ms, 9000);                           // file over default
  EXPECT_EQ(s.crawl.fetch.per_host, Settings().crawl.fetch.per_host);  // default
}

TEST(OptionTable, SecondsAndMebibytesAreStoredInMillisecondsAndBytes) {
  Settings s;
  ASSERT_EQ(Parse(kServe, {"--timeout", "0.25", "--max-body-mb", "2", "--delay", "1.5"}, s), -1)
      << last_stderr;
  EXPECT_EQ(s.crawl.fetch.timeout_ms, 250);
  EXPECT_EQ(s.crawl.fetch.per_host_delay_ms, 1500);
  EXPECT_EQ(s.server.max_body_bytes, int64_t{2} << 20);
}

TEST(OptionTable, NegatedFlagAndListsFromTheConfigFile) {
  ConfigFile config("no-sitemap = true\nconnect-to = [\"a:1:b:2\", \"c:3:d:4\"]\nresolve = []\n");
  Settings s;
  ASSERT_EQ(Parse(kWorker, {"--config", config.path()}, s), -1) << last_stderr;
  EXPECT_FALSE(s.crawl.use_sitemap);
  EXPECT_EQ(s.crawl.fetch.connect_to, (std::vector<std::string>{"a:1:b:2", "c:3:d:4"}));
  EXPECT_TRUE(s.crawl.fetch.resolve.empty());
}

TEST(OptionTable, ConfigFileErrorsNameTheFileAndTheKey) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"max-pagez = 5\n", "unknown key 'max-pagez'"},
      {"max-pages = 5000\n", "max-pages"},
      {"[fetch]\nmax-pages = 5\n", "sections are not used"},
      {"timeout = \"soon\"\n", "timeout"},
  };
  for (const Case& c : cases) {
    ConfigFile config(c.text);
    Settings s;
    EXPECT_EQ(Parse(kCrawl, {"--config", config.path()}, s), 2) << c.text;
    EXPECT_NE(last_stderr.find(config.path()), std::string::npos) << last_stderr;
    EXPECT_NE(last_stderr.find(c.says), std::string::npos) << last_stderr;
  }
  Settings s;
  EXPECT_EQ(Parse(kCrawl, {"--config", "/nonexistent/trawl.toml"}, s), 2);
}

TEST(OptionTable, AnotherCommandsKeyIsIgnored) {
  ConfigFile config("ui-port = 3000\nvisibility = 12\nmax-pages = 3\n");
  Settings s;
  ASSERT_EQ(Parse(kCrawl, {"--config", config.path()}, s), -1) << last_stderr;
  EXPECT_EQ(s.crawl.max_pages, 3);
  EXPECT_EQ(s.server.ui_port, 0);
  EXPECT_EQ(s.worker.visibility_ms, Settings().worker.visibility_ms);
}

TEST(OptionTable, UnknownFlagsAndBadValuesAreUsageErrors) {
  Settings s;
  EXPECT_EQ(Parse(kWorker, {"--ui-port", "3000"}, s), 2);  // a server option
  EXPECT_EQ(Parse(kCrawl, {"--max-pages", "0"}, s), 2);
  EXPECT_EQ(Parse(kCrawl, {"--format", "xml"}, s), 2);
  EXPECT_EQ(Parse(kStatus, {}, s), 2);  // job_id is required
  EXPECT_EQ(Parse(kCrawl, {"--help"}, s), 0);
}

// What `trawl up` hands its workers: worker options that differ from their
// defaults, secrets by environment, nothing the workers do not take.
TEST(OptionTable, UpForwardsWorkerOptionsOnlyAndSecretsByEnvironment) {
  Settings s;
  ASSERT_EQ(
      Parse(kUp,
            {"--ui-port", "3000", "--webhook-secret", "hook-key", "--token", "tok", "--max-pages",
             "3", "--visibility", "45", "--allow-private", "--connect-to", "::127.0.0.1:1", "--db",
             "postgresql://u:db-password@h/db", "--port", "0", "-n", "3"},
            s),
      -1)
      << last_stderr;
  ForwardedOptions f = ForwardToWorkers(kUp, s);
  std::set<std::string> args(f.args.begin(), f.args.end());
  EXPECT_EQ(args, (std::set<std::string>{"--max-pages=3", "--visibility=45", "--allow-private=true",
                                         "--connect-to=::127.0.0.1:1"}));
  EXPECT_EQ(f.env, (std::vector<std::string>{"TRAWL_DB_URL=postgresql://u:db-password@h/db"}));
}

TEST(OptionTable, AValueEqualToTheDefaultIsForwardedWhenTheEnvironmentSaysOtherwise) {
  ScopedEnv env("TRAWL_TIMEOUT", "5");
  Settings s;
  ASSERT_EQ(Parse(kUp, {"--timeout", "30"}, s), -1) << last_stderr;
  ForwardedOptions f = ForwardToWorkers(kUp, s);
  EXPECT_NE(std::find(f.args.begin(), f.args.end(), "--timeout=30"), f.args.end());
}

TEST(OptionTable, EveryCommandBuildsItsCommandLineAndHelpListsExactlyItsOptions) {
  for (const CommandInfo& c : Commands()) {
    std::string help = HelpText(c.bit);
    std::set<std::string> listed;
    std::regex flag("--[a-z][a-z0-9-]*");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), flag);
         it != std::sregex_iterator(); ++it) {
      std::string f = it->str();
      if (help.find(" " + f) != std::string::npos || help.find("," + f) != std::string::npos)
        listed.insert(f);
    }
    std::set<std::string> expected = {"--help"};
    for (const OptionRow& row : OptionTable()) {
      if ((row.commands & c.bit) && row.flags[0] == '-') expected.insert("--" + OptionName(row));
    }
    // Option names that appear only inside help texts are not flags of the command.
    std::set<std::string> extra;
    for (const std::string& f : listed) {
      if (!expected.count(f)) extra.insert(f);
    }
    for (const std::string& f : expected) EXPECT_TRUE(listed.count(f)) << c.name << " " << f;
    for (const std::string& f : extra) {
      EXPECT_EQ(help.find("\n  " + f), std::string::npos) << c.name << " lists " << f;
    }
  }
}

TEST(OptionTable, DocsTablesAndSampleConfigAreTheTables) {
  std::string docs = ReadFile(std::string(TRAWL_SOURCE_DIR) + "/docs/configuration.md");
  size_t begin = docs.find("<!-- options:begin");
  size_t end = docs.find("<!-- options:end -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  begin = docs.find("-->", begin) + 3;
  EXPECT_EQ(docs.substr(begin, end - begin), "\n\n" + OptionsMarkdown())
      << "docs/configuration.md is stale: run bash scripts/gen_options.sh";
  EXPECT_EQ(ReadFile(std::string(TRAWL_SOURCE_DIR) + "/docs/trawl.toml"), SampleToml())
      << "docs/trawl.toml is stale: run bash scripts/gen_options.sh";
}

// Every key of the sample, uncommented, is accepted by every command and
// changes nothing (the sample holds the defaults).
TEST(OptionTable, TheSampleWithEveryKeyActiveLoadsEverywhereAndChangesNothing) {
  std::string sample = SampleToml();
  std::string active;
  std::istringstream in(sample);
  std::set<std::string> keys;
  for (std::string line; std::getline(in, line);) {
    if (line.size() > 1 && line[0] == '#' && std::islower(static_cast<unsigned char>(line[1]))) {
      line.erase(0, 1);
      keys.insert(line.substr(0, line.find(' ')));
    }
    active += line + "\n";
  }
  std::set<std::string> settings;
  for (const OptionRow& row : OptionTable()) {
    if (row.scope == Scope::kSetting) settings.insert(OptionName(row));
  }
  EXPECT_EQ(keys, settings);
  ConfigFile config(active);
  std::map<Command, std::vector<std::string>> required = {
      {kStatus, {"job1"}}, {kScore, {"--truth", ".", "p.jsonl"}}, {kRobots, {"r", "a", "/"}}};
  for (const CommandInfo& c : Commands()) {
    Settings s;
    std::vector<std::string> args = {"--config", config.path()};
    for (const std::string& a : required[c.bit]) args.push_back(a);
    ASSERT_EQ(Parse(c.bit, args, s), -1) << c.name << ": " << last_stderr;
    Settings defaults;
    for (const OptionRow& row : OptionTable()) {
      if (!(row.commands & c.bit) || row.scope != Scope::kSetting || row.shown_default) continue;
      EXPECT_EQ(OptionValue(row, s), OptionValue(row, defaults)) << c.name << " " << row.flags;
    }
  }
}

}  // namespace
}  // namespace trawl
