// RedisClient: URL parsing (a table), redaction, backoff, and the client
// against a real redis-server: replies, pipelines, scripts, timeouts,
// reconnection after the server dies, AUTH and SELECT.
#include "queue/redis_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "queue_fixture.h"

namespace trawl {
namespace {

struct UrlCase {
  const char* url;
  bool ok;
  const char* host = "";
  int port = 6379;
  int db = 0;
  const char* username = "";
  const char* password = "";
};

TEST(RedisUrl, ParsesTheFormsTheDocsShow) {
  const UrlCase cases[] = {
      {"redis://127.0.0.1:6379/0", true, "127.0.0.1", 6379, 0},
      {"redis://localhost", true, "localhost", 6379, 0},
      {"redis://redis.internal:6380/", true, "redis.internal", 6380, 0},
      {"redis://:pw@host:6380/2", true, "host", 6380, 2, "", "pw"},
      {"redis://user:p%40ss%2Fw@host/3", true, "host", 6379, 3, "user", "p@ss/w"},
      {"redis://:p@ss@host:1234/0", true, "host", 1234, 0, "", "p@ss"},
      {"redis://:a:b@host", true, "host", 6379, 0, "", "a:b"},
      {"redis://[::1]:7000/1", true, "::1", 7000, 1},
      {"redis://host/15", true, "host", 6379, 15},
      {"redis://host/42", true, "host", 6379, 42},
      {"host:6390", true, "host", 6390, 0},
      {"myhost", true, "myhost", 6379, 0},
      {"10.0.0.7:6379/4", true, "10.0.0.7", 6379, 4},
      {"http://host:6379", false},
      {"rediss://host:6379", false},
      {"redis://", false},
      {"redis://host:abc", false},
      {"redis://host:", false},
      {"redis://host:0", false},
      {"redis://host:70000", false},
      {"redis://host/-1", false},
      {"redis://host/x", false},
      {"redis://host/1/2", false},
      {"redis://host?db=1", false},
      {"redis://ho st", false},
      {"redis://[::1", false},
      {"redis://:pw%zz@host", false},
      {"redis://pwonly@host", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto parsed = ParseRedisUrl(c.url);
    ASSERT_EQ(parsed.has_value(), c.ok) << (parsed ? "" : parsed.error().message);
    if (!c.ok) {
      EXPECT_EQ(parsed.error().code, ErrorCode::kUsage);
      continue;
    }
    EXPECT_EQ(parsed->host, c.host);
    EXPECT_EQ(parsed->port, c.port);
    EXPECT_EQ(parsed->db, c.db);
    EXPECT_EQ(parsed->username, c.username);
    EXPECT_EQ(parsed->password, c.password);
    EXPECT_EQ(parsed->prefix, "trawl:");
  }
}

TEST(RedisUrl, ErrorsNeverRepeatThePassword) {
  for (const char* url :
       {"redis://:topsecret@host:badport", "redis://:topsecret%zz@host", "redis://topsecret@host",
        "redis://:topsecret@host/x", "redis://u:topsecret@/0"}) {
    SCOPED_TRACE(url);
    auto parsed = ParseRedisUrl(url);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message.find("topsecret"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(RedisUrl, RedactsThePassword) {
  RedisConfig config;
  EXPECT_EQ(RedactRedisUrl(config), "redis://127.0.0.1:6379/0");
  config.password = "hunter2";
  config.db = 3;
  EXPECT_EQ(RedactRedisUrl(config), "redis://:***@127.0.0.1:6379/3");
  config.username = "app";
  config.host = "::1";
  EXPECT_EQ(RedactRedisUrl(config), "redis://app:***@[::1]:6379/3");
  auto round_trip = ParseRedisUrl(RedactRedisUrl(config));
  ASSERT_TRUE(round_trip.has_value());
  EXPECT_EQ(round_trip->host, "::1");
  EXPECT_EQ(round_trip->db, 3);
}

TEST(RetryDelay, DoublesFromAHundredMillisecondsUpToFiveSecondsWithJitter) {
  for (int i = 0; i < 200; ++i) {
    int64_t first = RetryDelayMs(0);
    EXPECT_GE(first, 80);
    EXPECT_LE(first, 120);
    int64_t third = RetryDelayMs(2);
    EXPECT_GE(third, 320);
    EXPECT_LE(third, 480);
    for (int attempt : {6, 10, 100, 100000}) {
      int64_t capped = RetryDelayMs(attempt);
      EXPECT_GE(capped, 4000);
      EXPECT_LE(capped, 6000);
    }
    EXPECT_LE(RetryDelayMs(-5), 120);
  }
}

TEST(RedisScript, ShaIsTheSha1OfTheSource) {
  // sha1("return 1"), as `printf 'return 1' | sha1sum` prints it.
  RedisScript script("return 1");
  EXPECT_EQ(script.sha(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

// ---- Against a real server -----------------------------------------------

TEST(RedisClientLive, CommandsAreBinarySafeAndErrorRepliesAreValues) {
  TRAWL_REQUIRE_SHARED_REDIS();
  RedisClient client(ConfigFor(*SharedRedis()));
  std::string value("a\0b\r\nc", 6);
  auto set = client.Command({"SET", client.Key("bin"), value});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->type, RedisReply::Type::kStatus);
  auto get = client.Command({"GET", client.Key("bin")});
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->str, value);
  auto missing = client.Command({"GET", client.Key("missing")});
  ASSERT_TRUE(missing.has_value());
  EXPECT_TRUE(missing->is_nil());
  auto wrong = client.Command({"NOSUCHCOMMAND"});
  ASSERT_TRUE(wrong.has_value());
  EXPECT_TRUE(wrong->is_error());
  EXPECT_TRUE(client.connected());  // an error reply does not drop the connection
  auto incr = client.Command({"INCRBY", client.Key("n"), "41"});
  ASSERT_TRUE(incr.has_value());
  EXPECT_EQ(incr->AsInt(), 41);
  EXPECT_EQ(incr->AsString(), "41");
  EXPECT_EQ(get->AsInt(-1), -1);
}

TEST(RedisClientLive, PipelineAnswersInOrder) {
  TRAWL_REQUIRE_SHARED_REDIS();
  RedisClient client(ConfigFor(*SharedRedis()));
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 500; ++i)
    commands.push_back({"RPUSH", client.Key("list"), std::to_string(i)});
  commands.push_back({"LRANGE", client.Key("list"), "0", "2"});
  commands.push_back({"BADCMD"});
  commands.push_back({"LLEN", client.Key("list")});
  auto replies = client.Pipeline(commands);
  ASSERT_TRUE(replies.has_value()) << replies.error().message;
  ASSERT_EQ(replies->size(), 503u);
  EXPECT_EQ((*replies)[0].AsInt(), 1);
  EXPECT_EQ((*replies)[499].AsInt(), 500);
  ASSERT_EQ((*replies)[500].elements.size(), 3u);
  EXPECT_EQ((*replies)[500].elements[2].AsString(), "2");
  EXPECT_TRUE((*replies)[501].is_error());
  EXPECT_EQ((*replies)[502].AsInt(), 500);
  auto none = client.Pipeline({});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST(RedisClientLive, EvalFallsBackToEvalWhenTheServerForgotTheScript) {
  TRAWL_REQUIRE_SHARED_REDIS();
  RedisClient client(ConfigFor(*SharedRedis()));
  RedisScript script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  auto load = client.Command({"SCRIPT", "LOAD", script.source()});
  ASSERT_TRUE(load.has_value());
  EXPECT_EQ(load->AsString(), script.sha());
  ASSERT_TRUE(client.Command({"SCRIPT", "FLUSH"}).has_value());
  auto first = client.Eval(script, {client.Key("counter")}, {"5"});
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->AsInt(), 5);
  auto second = client.Eval(script, {client.Key("counter")}, {"2"});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->AsInt(), 7);
  auto exists = client.Command({"SCRIPT", "EXISTS", script.sha()});
  ASSERT_TRUE(exists.has_value());
  ASSERT_EQ(exists->elements.size(), 1u);
  EXPECT_EQ(exists->elements[0].AsInt(), 1);
  auto broken = client.Eval(RedisScript("return redis.call('NOPE')"), {}, {});
  ASSERT_TRUE(broken.has_value());
  EXPECT_TRUE(broken->is_error());
}

TEST(RedisClientLive, ATimeoutDropsTheConnectionAndTheNextCallRedials) {
  TRAWL_REQUIRE_SHARED_REDIS();
  RedisConfig config = ConfigFor(*SharedRedis());
  config.command_timeout_ms = 200;
  RedisClient client(config);
  ASSERT_TRUE(client.Ping().has_value());
  // BLPOP waits 5 s for a list that stays empty; the 200 ms read timeout
  // fires first.
  auto timed_out = client.Command({"BLPOP", client.Key("empty"), "5"});
  ASSERT_FALSE(timed_out.has_value());
  EXPECT_EQ(timed_out.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(client.connected());
  auto again = client.Ping();
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(client.connected());
}

TEST(RedisClientLive, BlockingCommandWaitsPastTheCommandTimeout) {
  TRAWL_REQUIRE_SHARED_REDIS();
  RedisConfig config = ConfigFor(*SharedRedis());
  config.command_timeout_ms = 1000;
  RedisClient client(config);
  // BLPOP for 1.5 s with 1.5 s added to the 1 s timeout: the server's nil
  // answer arrives well before the client gives up.
  auto reply = client.BlockingCommand({"BLPOP", client.Key("empty"), "1.5"}, 1500);
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_TRUE(reply->is_nil());
  EXPECT_TRUE(client.connected());
  // The extra time was for that call only.
  auto plain = client.Command({"BLPOP", client.Key("empty"), "5"});
  EXPECT_FALSE(plain.has_value());
}

TEST(RedisClientLive, SelectsTheDatabaseFromTheUrl) {
  TRAWL_REQUIRE_SHARED_REDIS();
  RedisConfig config = ConfigFor(*SharedRedis());
  config.db = 3;
  RedisClient in_three(config);
  ASSERT_TRUE(in_three.Command({"SET", in_three.Key("where"), "three"}).has_value());
  config.db = 0;
  RedisClient in_zero(config);
  auto zero = in_zero.Command({"GET", in_zero.Key("where")});
  ASSERT_TRUE(zero.has_value());
  EXPECT_TRUE(zero->is_nil());
  auto three = in_three.Command({"GET", in_three.Key("where")});
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->AsString(), "three");
  config.db = 100000;  // more than the server's 16 databases
  RedisClient out_of_range(config);
  auto refused = out_of_range.Ping();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
}

TEST(RedisClientLive, ReconnectsAfterTheServerComesBack) {
  TRAWL_REQUIRE_REDIS();
  testing::RedisServer server;
  ASSERT_TRUE(server.ok());
  RedisConfig config = ConfigFor(server);
  config.connect_timeout_ms = 500;
  RedisClient client(config);
  ASSERT_TRUE(client.Command({"SET", client.Key("kept"), "yes"}).has_value());
  server.Kill();
  auto down = client.Command({"GET", client.Key("kept")});
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(client.connected());
  auto still_down = client.Ping();  // re-dial fails too, without hanging
  ASSERT_FALSE(still_down.has_value());
  EXPECT_EQ(still_down.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(server.Start());
  auto back = client.Command({"GET", client.Key("kept")});
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->AsString(), "yes");  // appendfsync always kept the write
}

TEST(RedisClientLive, AuthenticatesWithThePasswordFromTheUrl) {
  TRAWL_REQUIRE_REDIS();
  testing::RedisServerOptions options;
  options.password = "p@ss:w0rd/x%";
  testing::RedisServer server(options);
  ASSERT_TRUE(server.ok());
  EXPECT_NE(server.url().find("%40"), std::string::npos);  // encoded in the URL
  auto config = ParseRedisUrl(server.url());
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->password, options.password);
  RedisClient good(*config);
  // Ping's figure is the round trip it measured (connect and AUTH included,
  // in microseconds): more than nothing, and within the time the call took
  // as seen from outside. Then the server answers on that connection.
  auto outside_start = std::chrono::steady_clock::now();
  auto ping = good.Ping();
  auto outside_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - outside_start)
                        .count();
  ASSERT_TRUE(ping.has_value()) << ping.error().message;
  EXPECT_GT(*ping, 0);
  EXPECT_LE(*ping, outside_us);
  auto pong = good.Command({"PING"});
  ASSERT_TRUE(pong.has_value()) << pong.error().message;
  EXPECT_EQ(pong->type, RedisReply::Type::kStatus);
  EXPECT_EQ(pong->str, "PONG");
  auto echo = good.Command({"PING", "authenticated"});
  ASSERT_TRUE(echo.has_value()) << echo.error().message;
  EXPECT_EQ(echo->AsString(), "authenticated");

  RedisConfig wrong = *config;
  wrong.password = "not-the-password";
  RedisClient bad(wrong);
  auto refused = bad.Ping();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().message.find("not-the-password"), std::string::npos);

  RedisConfig none = *config;
  none.password.clear();
  RedisClient anonymous(none);
  auto noauth = anonymous.Command({"GET", "x"});
  ASSERT_TRUE(noauth.has_value());
  EXPECT_TRUE(noauth->is_error());
  EXPECT_EQ(noauth->str.rfind("NOAUTH", 0), 0u) << noauth->str;
}

TEST(RedisClientLive, AuthenticatesAsAnAclUser) {
  TRAWL_REQUIRE_SHARED_REDIS();
  RedisConfig admin_config = ConfigFor(*SharedRedis());
  RedisClient admin(admin_config);
  auto acl =
      admin.Command({"ACL", "SETUSER", "trawl_app", "on", ">app-secret", "~*", "&*", "+@all"});
  ASSERT_TRUE(acl.has_value());
  ASSERT_FALSE(acl->is_error()) << acl->str;
  auto config = ParseRedisUrl(
      "redis://trawl_app:app-secret@127.0.0.1:" + std::to_string(SharedRedis()->port()) + "/0");
  ASSERT_TRUE(config.has_value());
  RedisClient app(*config);
  auto whoami = app.Command({"ACL", "WHOAMI"});
  ASSERT_TRUE(whoami.has_value()) << whoami.error().message;
  EXPECT_EQ(whoami->AsString(), "trawl_app");
}

}  // namespace
}  // namespace trawl
