// The in-process fan-out behind GET /api/events: per-job filtering, the cap
// on open streams, a slow subscriber losing its oldest events (and being
// told), closing for shutdown, and the event words made uniform.
#include "api/event_hub.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

namespace trawl::api {
namespace {

HubEvent Event(const std::string& job, int n) {
  return {job, "progress", "{\"n\":" + std::to_string(n) + "}", "processing"};
}

TEST(EventHub, DeliversEachJobsEventsToItsSubscribersAndAllJobsSubscribers) {
  EventHub hub(8);
  auto a = hub.Subscribe("a");
  auto all = hub.Subscribe("");
  ASSERT_TRUE(a && all);
  hub.Publish(Event("a", 1));
  hub.Publish(Event("b", 2));
  bool lagged = true;
  auto got = a->Next(100, lagged);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->json, "{\"n\":1}");
  EXPECT_FALSE(lagged);
  EXPECT_FALSE(a->Next(20, lagged)) << "b's event must not reach a's stream";
  auto first = all->Next(100, lagged);
  auto second = all->Next(100, lagged);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->job_id, "a");
  EXPECT_EQ(second->job_id, "b");
}

TEST(EventHub, RefusesSubscribersBeyondTheCapAndFreesASlotWhenOneEnds) {
  EventHub hub(2);
  auto one = hub.Subscribe("");
  auto two = hub.Subscribe("x");
  ASSERT_TRUE(one && two);
  EXPECT_EQ(hub.Subscribe(""), nullptr);
  EXPECT_EQ(hub.subscribers(), 2u);
  two.reset();
  EXPECT_NE(hub.Subscribe(""), nullptr);
}

TEST(EventHub, ASlowSubscriberLosesTheOldestEventsAndIsToldSo) {
  EventHub hub(4, 3);
  auto sub = hub.Subscribe("");
  for (int i = 0; i < 5; ++i) hub.Publish(Event("j", i));
  bool lagged = false;
  auto got = sub->Next(100, lagged);
  ASSERT_TRUE(got);
  EXPECT_TRUE(lagged);
  EXPECT_EQ(got->json, "{\"n\":2}") << "the three newest are kept";
  EXPECT_TRUE(sub->Next(100, lagged));
  EXPECT_FALSE(lagged) << "told once";
}

TEST(EventHub, CloseWakesAWaitingSubscriberAndRefusesNewOnes) {
  EventHub hub(4);
  auto sub = hub.Subscribe("");
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    hub.Close();
  });
  bool lagged = false;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sub->Next(30'000, lagged));
  closer.join();
  EXPECT_TRUE(sub->closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20))
      << "Next must return on Close, not at its timeout";
  EXPECT_EQ(hub.Subscribe(""), nullptr);
  hub.Publish(Event("j", 1));  // harmless after Close
}

TEST(EventHub, PublishJsonUsesOneWordForTheJobsState) {
  EventHub hub(4);
  auto sub = hub.Subscribe("");
  // The embedded runner says "status" for the job's state; the queue says
  // "job_status". Progress from the runner has no job state at all.
  hub.PublishJson(R"({"type":"job","job_id":"e1","status":"completed"})");
  hub.PublishJson(
      R"({"type":"progress","job_id":"e1","domain":"a.test","status":"ok","completed":1,"failed":0,"total":2})");
  hub.PublishJson(
      R"({"type":"progress","job_id":"e1","domain":"b.test","status":"failed","completed":1,"failed":1,"total":2})");
  hub.PublishJson("not json");
  hub.PublishJson(R"({"type":"progress"})");  // no job: dropped
  bool lagged = false;
  auto job = sub->Next(100, lagged);
  ASSERT_TRUE(job);
  auto j = nlohmann::json::parse(job->json);
  EXPECT_EQ(job->type, "job");
  EXPECT_EQ(j["job_status"], "completed");
  EXPECT_FALSE(j.contains("status"));
  auto p1 = sub->Next(100, lagged);
  auto p2 = sub->Next(100, lagged);
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(nlohmann::json::parse(p1->json)["job_status"], "processing");
  EXPECT_EQ(nlohmann::json::parse(p1->json)["status"], "ok") << "a domain's own status stays";
  EXPECT_EQ(nlohmann::json::parse(p2->json)["job_status"], "completed");
  EXPECT_EQ(p1->job_status, "processing") << "carried beside the text, read once";
  EXPECT_EQ(p2->job_status, "completed");
  EXPECT_FALSE(sub->Next(20, lagged));
}

}  // namespace
}  // namespace trawl::api
