// Domain lists from arguments and files (inputs.h).
#include "cli/inputs.h"

#include <fstream>
#include <iostream>

namespace trawl {

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

Result<std::vector<std::string>> CollectInputs(const std::vector<std::string>& arguments,
                                               const std::vector<std::string>& files) {
  std::vector<std::string> out = arguments;
  for (const std::string& path : files) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
      file.open(path);
      if (!file) return Fail(ErrorCode::kIo, "cannot read " + path);
      in = &file;
    }
    std::string line;
    while (std::getline(*in, line)) SplitInputs(line, out);
  }
  return out;
}

}  // namespace trawl
