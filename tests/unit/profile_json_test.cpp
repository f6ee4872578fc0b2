// The profile's JSON (DESIGN.md §4) and CSV forms.
#include "extract/profile_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace trawl {
namespace {

Profile Full() {
  Profile p;
  p.domain = "acme.co.uk";
  p.input_index = 3;
  p.final_url = "https://www.acme.co.uk/";
  p.company_name = Sourced{"Acme Ltd", "https://www.acme.co.uk/"};
  p.description = Sourced{"We make widgets, \"good\" ones", "https://www.acme.co.uk/about"};
  p.emails = {{"info@acme.co.uk", "https://www.acme.co.uk/contact"},
              {"sales@acme.co.uk", "https://www.acme.co.uk/"}};
  p.phones = {{"+441134960000", "0113 496 0000", "phone", "https://www.acme.co.uk/contact"}};
  Address a;
  a.street = "1 High Street";
  a.locality = "Leeds";
  a.postcode = "LS1 1AA";
  a.country = "GB";
  a.text = "1 High Street, Leeds LS1 1AA";
  a.source = "https://www.acme.co.uk/contact";
  p.addresses = {a};
  p.social["linkedin"] = {"https://www.linkedin.com/company/acme", "https://www.acme.co.uk/"};
  p.company_number = Sourced{"01234567", "https://www.acme.co.uk/legal"};
  p.vat_number = Sourced{"GB123456789", "https://www.acme.co.uk/legal"};
  p.country = "GB";
  p.pages = {{"https://www.acme.co.uk/", 200, 41234, 120}};
  p.elapsed_ms = 2310;
  return p;
}

TEST(ProfileToJson, HasEveryKeyOfTheContract) {
  Profile empty;
  empty.domain = "empty.test";
  nlohmann::json j = ProfileToJson(empty);
  for (const char* key :
       {"domain", "input_index", "status", "error", "final_url", "company_name", "description",
        "emails", "phones", "addresses", "social", "company_number", "vat_number", "country",
        "pages", "elapsed_ms", "sources"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["status"], "ok");
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_TRUE(j["company_name"].is_null());
  EXPECT_TRUE(j["country"].is_null());
  EXPECT_TRUE(j["emails"].is_array());
  for (const char* net : kSocialNetworks) {
    ASSERT_TRUE(j["social"].contains(net)) << net;
    EXPECT_TRUE(j["social"][net].is_null()) << net;
  }
  EXPECT_TRUE(j["sources"]["company_name"].is_null());
}

TEST(ProfileToJson, WritesValuesAndSources) {
  nlohmann::json j = ProfileToJson(Full());
  EXPECT_EQ(j["company_name"], "Acme Ltd");
  EXPECT_EQ(j["emails"][0]["value"], "info@acme.co.uk");
  EXPECT_EQ(j["phones"][0]["kind"], "phone");
  EXPECT_EQ(j["addresses"][0]["postcode"], "LS1 1AA");
  EXPECT_TRUE(j["addresses"][0]["region"].is_null());
  EXPECT_EQ(j["social"]["linkedin"], "https://www.linkedin.com/company/acme");
  EXPECT_TRUE(j["social"]["twitter"].is_null());
  EXPECT_EQ(j["sources"]["vat_number"], "https://www.acme.co.uk/legal");
  EXPECT_EQ(j["input_index"], 3);
}

TEST(ProfileToJson, WritesFailures) {
  Profile p;
  p.domain = "gone.test";
  p.error = Error{ErrorCode::kDnsFailure, "no such host"};
  nlohmann::json j = ProfileToJson(p);
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["error"]["code"], "dns_failure");
  EXPECT_EQ(j["error"]["message"], "no such host");
}

TEST(ProfileFromJson, RoundTrips) {
  Profile p = Full();
  auto back = ProfileFromJson(ProfileToJson(p));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(ProfileToJson(*back), ProfileToJson(p));
  Profile f;
  f.domain = "x.test";
  f.error = Error{ErrorCode::kTimeout, "slow"};
  auto fb = ProfileFromJson(ProfileToJson(f));
  ASSERT_TRUE(fb.has_value());
  ASSERT_TRUE(fb->error.has_value());
  EXPECT_EQ(fb->error->code, ErrorCode::kTimeout);
}

TEST(ProfileFromJson, RejectsWrongShapes) {
  EXPECT_FALSE(ProfileFromJson(nlohmann::json::array()).has_value());
  EXPECT_FALSE(ProfileFromJson(nlohmann::json{{"status", "ok"}}).has_value());
  EXPECT_FALSE(ProfileFromJson(nlohmann::json{{"domain", "a.test"}, {"emails", "x"}}).has_value());
  EXPECT_FALSE(ProfileFromJson(nlohmann::json{{"domain", 5}}).has_value());
}

TEST(ProfileCsv, QuotesPerRfc4180AndJoinsLists) {
  std::string header = ProfileCsvHeader();
  EXPECT_TRUE(header.starts_with("input_index,domain,status,"));
  EXPECT_TRUE(header.ends_with("\r\n"));
  EXPECT_NE(header.find(",linkedin,twitter,facebook,instagram,youtube,github,tiktok,"),
            std::string::npos);
  std::string row = ProfileToCsvRow(Full());
  EXPECT_NE(row.find("\"We make widgets, \"\"good\"\" ones\""), std::string::npos);
  EXPECT_NE(row.find("info@acme.co.uk; sales@acme.co.uk"), std::string::npos);
  EXPECT_NE(row.find("\"1 High Street, Leeds LS1 1AA\""), std::string::npos);
  auto count = [](const std::string& s) {
    int n = 0;
    bool quoted = false;
    for (char c : s) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) ++n;
    }
    return n;
  };
  EXPECT_EQ(count(row), count(header));
}

}  // namespace
}  // namespace trawl
