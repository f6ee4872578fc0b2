// Domain lists from arguments and files (inputs.h).
#include "cli/inputs.h"

#include <fstream>
#include <iostream>

#include "api/request_parsing.h"

namespace trawl {

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
    while (std::getline(*in, line)) {
      // The server's splitter, so `crawl -f` and `submit -f` read a list alike.
      for (std::string& input :
           api::SplitDomainText(std::string_view(line).substr(0, line.find('#'))))
        out.push_back(std::move(input));
    }
  }
  return out;
}

}  // namespace trawl
