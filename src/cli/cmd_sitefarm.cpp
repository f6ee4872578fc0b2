// STUB until implemented.
#include <cstdio>
#include "cli/commands.h"
namespace trawl {
int RunSitefarm(int, char**) { std::fprintf(stderr, "not implemented yet\n"); return 2; }
}  // namespace trawl
