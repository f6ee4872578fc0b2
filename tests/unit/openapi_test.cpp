// Keeps docs/openapi.yaml true: every route of the server's table
// (api::RouteTable()) is described there and every described operation is a
// route, and each operation has an operationId and a success response.
//
// There is no YAML library in the build, so the file is read line by line and
// must keep its layout (documented at the top of docs/openapi.yaml): `paths:`
// at column 0, each path a key indented 2 spaces, each operation a method key
// indented 4 spaces, its `operationId:` and `responses:` indented 6 and the
// status keys indented 8. When python3-yaml is installed, a real YAML parser
// cross-checks that reading.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "api/routes.h"
#include "servers/require.h"

namespace trawl {
namespace {

const std::string kSpecPath = std::string(TRAWL_SOURCE_DIR) + "/docs/openapi.yaml";

struct Operation {
  std::string method;  // upper case: "GET"
  std::string path;    // as written: "/api/status/{job_id}"
  std::string operation_id;
  std::set<std::string> statuses;  // response keys: "200", "404", "default"
};

size_t Indent(const std::string& line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool IsBlankOrComment(const std::string& line) {
  size_t i = Indent(line);
  return i == line.size() || line[i] == '#';
}

// "  '/api/x':  # note" → "/api/x"; the key of a `key:` or `key: value` line.
std::string KeyOf(const std::string& line) {
  std::string rest = line.substr(Indent(line));
  size_t colon = rest.find(':');
  // A key may itself hold no ':' (paths and statuses do not), so the first
  // colon ends it.
  std::string key = colon == std::string::npos ? rest : rest.substr(0, colon);
  while (!key.empty() && key.back() == ' ') key.pop_back();
  if (key.size() >= 2 && (key.front() == '\'' || key.front() == '"') && key.back() == key.front())
    key = key.substr(1, key.size() - 2);
  return key;
}

// The value of a `key: value` line, unquoted; "" when there is none.
std::string ValueOf(const std::string& line) {
  std::string rest = line.substr(Indent(line));
  size_t colon = rest.find(':');
  if (colon == std::string::npos) return "";
  std::string value = rest.substr(colon + 1);
  size_t hash = value.find(" #");
  if (hash != std::string::npos) value.resize(hash);
  while (!value.empty() && value.front() == ' ') value.erase(value.begin());
  while (!value.empty() && value.back() == ' ') value.pop_back();
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
      value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  return value;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "/api/jobs/{job_id}/cancel" → "/api/jobs/{}/cancel", the route table's form.
std::string PatternOf(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      size_t close = path.find('}', i);
      if (close != std::string::npos) {
        out += "{}";
        i = close;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

// The operations under `paths:` in the line layout described above.
std::vector<Operation> ReadOperations(std::istream& in) {
  static const std::set<std::string> kMethods = {"get",   "put",  "post",    "delete",
                                                 "patch", "head", "options", "trace"};
  std::vector<Operation> ops;
  std::string line;
  bool in_paths = false;
  bool in_responses = false;
  std::string path;
  Operation* op = nullptr;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (IsBlankOrComment(line)) continue;
    size_t indent = Indent(line);
    if (indent == 0) {
      in_paths = KeyOf(line) == "paths";
      op = nullptr;
      continue;
    }
    if (!in_paths) continue;
    if (indent == 2) {
      path = KeyOf(line);
      op = nullptr;
    } else if (indent == 4) {
      std::string key = KeyOf(line);
      op = nullptr;
      if (kMethods.count(key)) {
        ops.push_back(Operation{Upper(key), path, "", {}});
        op = &ops.back();
      }
      in_responses = false;
    } else if (op != nullptr && indent == 6) {
      std::string key = KeyOf(line);
      in_responses = key == "responses";
      if (key == "operationId") op->operation_id = ValueOf(line);
    } else if (op != nullptr && indent == 8 && in_responses) {
      op->statuses.insert(KeyOf(line));
    }
  }
  return ops;
}

std::vector<Operation> ReadSpec() {
  std::ifstream in(kSpecPath);
  EXPECT_TRUE(in.good()) << "cannot read " << kSpecPath;
  return ReadOperations(in);
}

using MethodPath = std::pair<std::string, std::string>;

std::string Describe(const std::set<MethodPath>& pairs) {
  std::string out;
  for (const auto& [method, path] : pairs) out += "\n  " + method + " " + path;
  return out;
}

TEST(OpenApi, ReaderFindsOperationsInTheDocumentedLayout) {
  // The reader itself, on a small document: paths at 2, methods at 4, a
  // non-method key at 4 (parameters) ignored, a later top-level key ending
  // the paths.
  std::istringstream doc(
      "openapi: 3.0.3\n"
      "paths:\n"
      "  # a comment\n"
      "  /api/a/{id}:\n"
      "    parameters: []\n"
      "    get:\n"
      "      operationId: getA\n"
      "      responses:\n"
      "        '200':\n"
      "          description: ok\n"
      "        \"404\":\n"
      "          description: no\n"
      "    post:\n"
      "      summary: no id here\n"
      "      responses:\n"
      "        202:\n"
      "          description: accepted\n"
      "  '/api/b':\n"
      "    delete:\n"
      "      operationId: deleteB  # trailing comment\n"
      "components:\n"
      "  /not/a/path:\n"
      "    get:\n"
      "      operationId: nope\n");
  std::vector<Operation> ops = ReadOperations(doc);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].method, "GET");
  EXPECT_EQ(ops[0].path, "/api/a/{id}");
  EXPECT_EQ(PatternOf(ops[0].path), "/api/a/{}");
  EXPECT_EQ(ops[0].operation_id, "getA");
  EXPECT_EQ(ops[0].statuses, (std::set<std::string>{"200", "404"}));
  EXPECT_EQ(ops[1].method, "POST");
  EXPECT_EQ(ops[1].operation_id, "");
  EXPECT_EQ(ops[1].statuses, (std::set<std::string>{"202"}));
  EXPECT_EQ(ops[2].method, "DELETE");
  EXPECT_EQ(ops[2].path, "/api/b");
  EXPECT_EQ(ops[2].operation_id, "deleteB");
  EXPECT_TRUE(ops[2].statuses.empty());
}

TEST(OpenApi, DescribesEveryRouteAndNoOther) {
  std::vector<Operation> ops = ReadSpec();
  ASSERT_FALSE(ops.empty()) << kSpecPath
                            << " has no operations under 'paths:' in the expected layout";

  std::set<MethodPath> documented;
  for (const Operation& op : ops) {
    bool fresh = documented.emplace(op.method, PatternOf(op.path)).second;
    EXPECT_TRUE(fresh) << "described twice: " << op.method << " " << op.path;
  }
  std::set<MethodPath> served;
  for (const auto& [method, pattern] : api::RouteTable()) served.emplace(method, pattern);
  ASSERT_FALSE(served.empty());

  std::set<MethodPath> undocumented, unserved;
  for (const MethodPath& route : served) {
    if (!documented.count(route)) undocumented.insert(route);
  }
  for (const MethodPath& op : documented) {
    if (!served.count(op)) unserved.insert(op);
  }
  EXPECT_TRUE(undocumented.empty())
      << "routes of the server missing from docs/openapi.yaml:" << Describe(undocumented);
  EXPECT_TRUE(unserved.empty()) << "operations in docs/openapi.yaml the server has no route for:"
                                << Describe(unserved);
}

TEST(OpenApi, EveryOperationHasAnIdAndASuccessResponse) {
  std::vector<Operation> ops = ReadSpec();
  ASSERT_FALSE(ops.empty());
  std::map<std::string, std::string> ids;  // operationId → "METHOD path"
  for (const Operation& op : ops) {
    std::string where = op.method + " " + op.path;
    EXPECT_FALSE(op.operation_id.empty()) << where << " has no operationId";
    if (!op.operation_id.empty()) {
      auto [it, fresh] = ids.emplace(op.operation_id, where);
      EXPECT_TRUE(fresh) << "operationId " << op.operation_id << " of " << where
                         << " is also used by " << it->second;
    }
    EXPECT_TRUE(op.statuses.count("200") || op.statuses.count("202"))
        << where << " has no '200' or '202' response";
    // Every route can answer an error; the JSON error object must be described.
    bool has_error = false;
    for (const std::string& s : op.statuses)
      has_error |= !s.empty() && (s[0] == '4' || s[0] == '5');
    EXPECT_TRUE(has_error) << where << " describes no 4xx/5xx response";
  }
}

// Runs `command`, returns its exit status and stdout (at most `max_bytes`).
std::pair<int, std::string> RunCommand(const std::string& command, size_t max_bytes = 1 << 20) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0 && out.size() < max_bytes) out.append(buf, n);
  int status = pclose(pipe);
  return {status, out};
}

TEST(OpenApi, RealYamlParserAgreesWithTheLineReader) {
  TRAWL_REQUIRE_PYTHON_MODULE("yaml", "python3-yaml");
  // Parses the file with a real YAML parser and prints "METHOD path" for
  // every operation, so a layout the line reader misreads shows up here.
  std::string script =
      "import sys, yaml\n"
      "d = yaml.safe_load(open(sys.argv[1]))\n"
      "assert d['openapi'].startswith('3.'), d['openapi']\n"
      "methods = {'get','put','post','delete','patch','head','options','trace'}\n"
      "for p, item in d['paths'].items():\n"
      "    for m in item:\n"
      "        if m in methods: print(m.upper(), p)\n";
  auto [status, out] =
      RunCommand(testing::DebianPython() + " -c \"" + script + "\" '" + kSpecPath + "' 2>&1");
  ASSERT_EQ(status, 0) << "python3 yaml could not read " << kSpecPath << ":\n" << out;

  std::set<MethodPath> parsed;
  std::istringstream lines(out);
  std::string method, path;
  while (lines >> method >> path) parsed.emplace(method, path);
  std::set<MethodPath> read;
  for (const Operation& op : ReadSpec()) read.emplace(op.method, op.path);
  EXPECT_FALSE(parsed.empty());
  EXPECT_EQ(parsed, read) << "the line reader and YAML disagree; keep the layout described at the "
                             "top of docs/openapi.yaml";
}

}  // namespace
}  // namespace trawl
