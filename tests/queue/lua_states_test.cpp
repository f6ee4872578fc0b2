// The Lua scripts take the job status words from core/states.h at load time:
// no placeholder is left, and the words are the stored ones.
#include <gtest/gtest.h>

#include <string>

#include "core/states.h"
#include "queue/lua_scripts.h"

namespace trawl {
namespace {

TEST(LuaStates, EveryPlaceholderIsReplacedByTheStoredWord) {
  for (const RedisScript* script :
       {&lua::Complete(), &lua::DeadLetter(), &lua::Cancel(), &lua::RetryDomains()}) {
    EXPECT_EQ(script->source().find("$JOB_"), std::string::npos) << script->source();
  }
  EXPECT_NE(lua::Complete().source().find("s[4] = 'completed'"), std::string::npos);
  EXPECT_NE(lua::Cancel().source().find("'status', 'cancelled'"), std::string::npos);
  EXPECT_NE(lua::RetryDomains().source().find("'status', 'processing'"), std::string::npos);
}

}  // namespace
}  // namespace trawl
