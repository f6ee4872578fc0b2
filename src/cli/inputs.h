// The domain lists of `trawl crawl` and `trawl submit`: arguments plus
// -f FILE (or '-' for stdin), split as the API splits domain text
// (SplitDomainText: whitespace, commas and semicolons),
// '#' starting a comment. Pure apart from reading the files; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace trawl {

// `arguments`, then the inputs of every file in order. Fails with kIo
// naming the file that cannot be read.
Result<std::vector<std::string>> CollectInputs(const std::vector<std::string>& arguments,
                                               const std::vector<std::string>& files);

}  // namespace trawl
