// What the option table (option_table.h) turns into: command lines (CLI11),
// the environment, config files, help, docs and what parents forward.
#include "cli/option_table.h"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

namespace trawl {
namespace {

bool Takes(const OptionRow& row, Command command) { return (row.commands & command) != 0; }

bool IsPositional(const OptionRow& row) { return row.flags[0] != '-'; }

bool HasBounds(const OptionRow& row) { return row.min <= row.max; }

std::string Number(double v) { return fmt::format("{}", v); }

}  // namespace

std::vector<std::string> OptionValue(const OptionRow& row, Settings& s) {
  Target t = row.bind(s);
  if (auto* b = std::get_if<bool*>(&t)) {
    bool on = row.unit == Unit::kNegated ? !**b : **b;
    return {on ? "true" : "false"};
  }
  if (auto* v = std::get_if<int64_t*>(&t)) {
    if (row.unit == Unit::kSeconds) return {Number(static_cast<double>(**v) / 1000.0)};
    if (row.unit == Unit::kMebibytes) return {std::to_string(**v >> 20)};
    return {std::to_string(**v)};
  }
  if (auto* v = std::get_if<int*>(&t)) return {std::to_string(**v)};
  if (auto* v = std::get_if<size_t*>(&t)) return {std::to_string(**v)};
  if (auto* v = std::get_if<double*>(&t)) return {Number(**v)};
  if (auto* v = std::get_if<std::string*>(&t)) return {**v};
  return *std::get<std::vector<std::string>*>(t);
}

namespace {

Settings& Defaults() {
  static Settings defaults;  // only ever read through Bind, never written
  return defaults;
}

template <typename T>
CLI::Range Bounds(const OptionRow& row) {
  return CLI::Range(static_cast<T>(row.min), static_cast<T>(row.max));
}

// Adds `row` to `app`, writing into `s`. Returns the CLI11 option.
CLI::Option* AddRow(CLI::App& app, const OptionRow& row, Settings& s) {
  Target t = row.bind(s);
  CLI::Option* opt = nullptr;
  bool integral = false;
  if (auto* b = std::get_if<bool*>(&t)) {
    bool* field = *b;
    if (row.unit == Unit::kNegated) {
      opt = app.add_flag_function(
          row.flags, [field](int64_t n) { *field = n <= 0; }, row.help);
    } else {
      opt = app.add_flag(row.flags, *field, row.help);
    }
  } else if (auto* v = std::get_if<int64_t*>(&t)) {
    int64_t* field = *v;
    if (row.unit == Unit::kSeconds) {
      opt = app.add_option_function<double>(
          row.flags, [field](const double& sec) { *field = std::llround(sec * 1000); }, row.help);
    } else if (row.unit == Unit::kMebibytes) {
      integral = true;
      opt = app.add_option_function<int64_t>(
          row.flags, [field](const int64_t& mib) { *field = mib << 20; }, row.help);
    } else {
      integral = true;
      opt = app.add_option(row.flags, *field, row.help);
    }
  } else if (auto* v = std::get_if<int*>(&t)) {
    integral = true;
    opt = app.add_option(row.flags, **v, row.help);
  } else if (auto* v = std::get_if<size_t*>(&t)) {
    integral = true;
    opt = app.add_option(row.flags, **v, row.help);
  } else if (auto* v = std::get_if<double*>(&t)) {
    opt = app.add_option(row.flags, **v, row.help);
  } else if (auto* v = std::get_if<std::string*>(&t)) {
    opt = app.add_option(row.flags, **v, row.help);
  } else {
    opt = app.add_option(row.flags, *std::get<std::vector<std::string>*>(t), row.help);
    if (!IsPositional(row)) opt->allow_extra_args(false);  // repeat the flag instead
  }
  if (HasBounds(row)) opt->check(integral ? Bounds<int64_t>(row) : Bounds<double>(row));
  if (row.choices) {
    std::vector<std::string> allowed;
    std::string_view rest = row.choices;
    for (size_t bar; (bar = rest.find('|')) != std::string_view::npos; rest.remove_prefix(bar + 1))
      allowed.emplace_back(rest.substr(0, bar));
    allowed.emplace_back(rest);
    opt->check(CLI::IsMember(allowed));
  }
  if (row.required) opt->required();
  if (std::string env = OptionEnv(row); !env.empty()) opt->envname(env);
  if (std::string d = OptionDefault(row); !d.empty() && !std::holds_alternative<bool*>(t))
    opt->default_str(d);
  return opt;
}

const CommandInfo& Info(Command command) {
  for (const CommandInfo& c : Commands()) {
    if (c.bit == command) return c;
  }
  std::abort();  // every Command has a row in Commands()
}

// The command line of `command`, bound to `s`; its CLI11 option per row.
struct App {
  CLI::App app;
  std::map<const OptionRow*, CLI::Option*> options;

  App(Command command, Settings& s) : app(Info(command).description) {
    app.name(std::string("trawl ") + Info(command).name);
    for (const OptionRow& row : OptionTable()) {
      if (Takes(row, command)) options[&row] = AddRow(app, row, s);
    }
  }
};

// Applies the config file's keys that neither the command line nor the
// environment set. Returns "" or the error message.
std::string ApplyConfigFile(Command command, const std::string& path, App& parsed) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    return fmt::format("--config {}: {}", path, e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // CLI11's section markers
    if (!item.parents.empty()) {
      return fmt::format("{}: [{}]: sections are not used; write every key at the top level", path,
                         item.parents.front());
    }
    const OptionRow* known = nullptr;
    const OptionRow* ours = nullptr;
    for (const OptionRow& row : OptionTable()) {
      if (row.scope != Scope::kSetting || OptionName(row) != item.name) continue;
      known = &row;
      if (Takes(row, command)) ours = &row;
    }
    if (!known) {
      return fmt::format("{}: unknown key '{}' (trawl options toml lists every key)", path,
                         item.name);
    }
    if (!ours) continue;  // another command's setting
    CLI::Option* opt = parsed.options.at(ours);
    if (opt->count() > 0) continue;     // the command line or the environment set it
    if (item.inputs.empty()) continue;  // an empty list: the default, which is empty
    try {
      for (const std::string& input : item.inputs) opt->add_result(input);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      return fmt::format("{}: {}: {}", path, item.name, e.what());
    }
  }
  return "";
}

std::string Metavar(const OptionRow& row) {
  Target t = row.bind(Defaults());
  if (std::holds_alternative<bool*>(t)) return "";
  if (row.unit == Unit::kSeconds) return " S";
  if (row.unit == Unit::kMebibytes) return " MIB";
  if (std::holds_alternative<double*>(t)) return " X";
  if (std::holds_alternative<std::string*>(t) ||
      std::holds_alternative<std::vector<std::string>*>(t))
    return " VALUE";
  return " N";
}

std::string Flags(const OptionRow& row) {
  std::string out;
  std::string_view rest = row.flags;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    if (!out.empty()) out += ", ";
    out += rest.substr(0, comma);
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
  }
  return out;
}

std::string TomlValue(const OptionRow& row, Settings& s) {
  Target t = row.bind(s);
  std::vector<std::string> values = OptionValue(row, s);
  auto quote = [](const std::string& v) {
    std::string q = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  };
  if (std::holds_alternative<std::vector<std::string>*>(t)) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + quote(values[i]);
    return out + "]";
  }
  if (std::holds_alternative<std::string*>(t)) return quote(values.front());
  return values.front();
}

// `text` as "# " comment lines of at most 80 characters.
std::string Comment(const std::string& text) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t space = text.find(' ', start);
    if (space == std::string::npos) space = text.size();
    std::string word = text.substr(start, space - start);
    if (!line.empty() && line.size() + 1 + word.size() > 78) {
      out += "# " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = space + 1;
  }
  if (!line.empty()) out += "# " + line + "\n";
  return out;
}

std::vector<std::string> Groups() {
  std::vector<std::string> groups;
  for (const OptionRow& row : OptionTable()) {
    if (std::find(groups.begin(), groups.end(), row.group) == groups.end())
      groups.emplace_back(row.group);
  }
  return groups;
}

std::string MarkdownCell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
      continue;
    }
    if (c == '|') out += "\\";
    out += c;
  }
  return out;
}

}  // namespace

const CommandInfo* FindCommand(std::string_view name) {
  for (const CommandInfo& c : Commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string OptionName(const OptionRow& row) {
  std::string_view flags = row.flags;
  size_t dd = flags.find("--");
  if (dd != std::string_view::npos) return std::string(flags.substr(dd + 2));
  if (flags.starts_with("-")) return std::string(flags.substr(1));
  return std::string(flags);
}

std::string OptionEnv(const OptionRow& row) {
  if (row.env) return row.env;
  if (row.scope != Scope::kSetting) return "";
  std::string env = "TRAWL_";
  for (char c : OptionName(row)) env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

std::string OptionDefault(const OptionRow& row) {
  if (row.shown_default) return row.shown_default;
  Target t = row.bind(Defaults());
  std::vector<std::string> values = OptionValue(row, Defaults());
  if (std::holds_alternative<bool*>(t)) return values.front() == "true" ? "on" : "";
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::string OptionCommands(const OptionRow& row) {
  if (row.commands == (static_cast<uint32_t>(kOptions) << 1) - 1) return "every command";
  std::string out;
  for (const CommandInfo& c : Commands()) {
    if (Takes(row, c.bit)) out += (out.empty() ? "" : ", ") + std::string(c.name);
  }
  return out;
}

std::optional<int> ParseOptions(Command command, int argc, char** argv, Settings& settings) {
  App parsed(command, settings);
  try {
    parsed.app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = parsed.app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!settings.config_path.empty()) {
    if (std::string error = ApplyConfigFile(command, settings.config_path, parsed);
        !error.empty()) {
      std::fprintf(stderr, "%s: %s\n", parsed.app.get_name().c_str(), error.c_str());
      return 2;
    }
  }
  FinishSettings(settings);
  return std::nullopt;
}

std::string HelpText(Command command) {
  Settings scratch;
  App app(command, scratch);
  return app.app.help();
}

ForwardedOptions ForwardToWorkers(Command from, Settings& settings) {
  ForwardedOptions out;
  for (const OptionRow& row : OptionTable()) {
    if (!Takes(row, from) || IsPositional(row) || OptionName(row) == "config") continue;
    const OptionRow* worker = nullptr;
    for (const OptionRow& w : OptionTable()) {
      if (Takes(w, kWorker) && OptionName(w) == OptionName(row)) worker = &w;
    }
    if (!worker) continue;  // the parent's own option (e.g. --workers, --ui-port)
    std::vector<std::string> value = OptionValue(row, settings);
    std::string env = OptionEnv(*worker);
    // A value equal to the workers' default is passed too when the
    // environment holds another one, which the workers would read instead.
    bool env_set = !env.empty() && std::getenv(env.c_str()) != nullptr;
    if (value == OptionValue(*worker, Defaults()) && !env_set) continue;
    std::string name = "--" + OptionName(row);
    if (row.secret) {
      out.env.push_back(env + "=" + value.front());
    } else if (std::holds_alternative<bool*>(row.bind(settings))) {
      out.args.push_back(name + "=" + value.front());
    } else {
      for (const std::string& v : value) out.args.push_back(fmt::format("{}={}", name, v));
    }
  }
  return out;
}

std::string OptionsMarkdown() {
  std::string out;
  for (const std::string& group : Groups()) {
    std::string rows;
    for (const OptionRow& row : OptionTable()) {
      if (row.group != group || IsPositional(row)) continue;
      std::string bounds = HasBounds(row) ? Number(row.min) + "–" + Number(row.max) : "";
      if (row.choices) bounds = row.choices;
      std::string env = OptionEnv(row);
      std::string def = OptionDefault(row);
      rows += fmt::format("| `{}{}` | {} | {} | {} | {} | {} |\n", Flags(row), Metavar(row),
                          OptionCommands(row), def.empty() ? "" : "`" + MarkdownCell(def) + "`",
                          MarkdownCell(bounds), env.empty() ? "" : "`" + env + "`",
                          MarkdownCell(row.help));
    }
    if (rows.empty()) continue;  // positional arguments only
    out += fmt::format("### {}\n\n", group);
    out += "| option | commands | default | bounds | environment | meaning |\n";
    out += "| --- | --- | --- | --- | --- | --- |\n";
    out += rows + "\n";
  }
  return out;
}

std::string SampleToml() {
  std::string out =
      "# trawl.toml: every key of `--config FILE`, commented out with its default.\n"
      "# Generated from trawl's option table (`trawl options toml`); each key is the\n"
      "# long option's name and is read only by the commands that take the option.\n"
      "# Precedence: the command line, then TRAWL_* variables, then this file.\n";
  std::set<std::string> seen;
  for (const std::string& group : Groups()) {
    std::string body;
    for (const OptionRow& row : OptionTable()) {
      if (row.group != group || row.scope != Scope::kSetting) continue;
      std::string name = OptionName(row);
      if (!seen.insert(name).second) continue;
      std::string notes = "Commands: " + OptionCommands(row);
      for (const OptionRow& other : OptionTable()) {
        if (&other != &row && OptionName(other) == name && other.scope == Scope::kSetting) {
          std::string d = OptionDefault(other);
          notes += fmt::format("; {}: {}", OptionCommands(other), d.empty() ? "none" : d);
        }
      }
      if (HasBounds(row))
        notes += fmt::format(". Bounds: {}..{}", Number(row.min), Number(row.max));
      if (row.choices) notes += fmt::format(". One of: {}", row.choices);
      notes += fmt::format(". Environment: {}.", OptionEnv(row));
      body += "\n" + Comment(row.help) + Comment(notes) +
              fmt::format("#{} = {}\n", name, TomlValue(row, Defaults()));
    }
    if (!body.empty()) out += fmt::format("\n# ---- {} ----\n{}", group, body);
  }
  return out;
}

void FinishSettings(Settings& s) {
  s.crawl.fetch.max_connections = std::max(64, s.crawl.concurrency * s.crawl.fetch.per_host + 16);
}

}  // namespace trawl
