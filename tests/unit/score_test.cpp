// Unit tests of the scorer's maths (src/cli/score.h) on small hand-made
// truth/profile pairs, plus consistency checks of the fixture corpus's truth files.
#include "cli/score.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace trawl::score {
namespace {

using nlohmann::json;

json BaseTruth() {
  return json::parse(R"({
    "domain": "brackenfield-joinery.co.uk",
    "domain_unicode": "brackenfield-joinery.co.uk",
    "country": "GB",
    "company_name": "Brackenfield Joinery Ltd",
    "company_name_alternatives": ["Brackenfield Joinery"],
    "emails": ["info@brackenfield-joinery.co.uk"],
    "phones": [{"value": "+441134960123", "kind": "phone"}, {"value": "+441134960124", "kind": "fax"}],
    "postcodes": ["LS5 3BW"],
    "social": {"linkedin": null, "facebook": "https://www.facebook.com/brackenfieldjoinery"},
    "company_number": "08412573",
    "vat_number": "GB312456779",
    "must_not": {"emails": ["logo@2x.png"], "phones": ["+441134960999"],
                 "social": ["https://www.facebook.com/sharer"], "company_number": ["512347"],
                 "vat_number": ["GB312456778"], "postcodes": ["BS8 1TH"]}
  })");
}

// A profile that extracts exactly what BaseTruth expects.
json PerfectProfile() {
  return json::parse(R"({
    "domain": "brackenfield-joinery.co.uk", "status": "ok",
    "company_name": "Brackenfield Joinery Ltd",
    "emails": [{"value": "info@brackenfield-joinery.co.uk", "source": "x"}],
    "phones": [{"value": "+441134960123", "kind": "phone"}, {"value": "+441134960124", "kind": "fax"}],
    "addresses": [{"postcode": "LS5 3BW"}],
    "social": {"facebook": "https://www.facebook.com/brackenfieldjoinery", "twitter": null},
    "company_number": "08412573",
    "vat_number": "GB312456779"
  })");
}

Report ScoreOne(const json& truth, const std::vector<json>& profiles) {
  auto t = ParseTruth(truth);
  EXPECT_TRUE(t.has_value()) << (t ? "" : t.error().message);
  return Score({*t}, profiles);
}

TEST(FieldCountsTest, PrecisionRecallAndF1FollowTheirDefinitions) {
  struct Case {
    FieldCounts c;
    double p, r, f1;
  } cases[] = {
      {{8, 2, 2}, 0.8, 0.8, 0.8}, {{3, 1, 0}, 0.75, 1.0, 6.0 / 7.0},
      {{0, 0, 5}, 1.0, 0.0, 0.0},  // nothing extracted: precision vacuously 1
      {{0, 4, 0}, 0.0, 1.0, 0.0},  // nothing expected: recall vacuously 1
      {{0, 0, 0}, 1.0, 1.0, 1.0},
  };
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(c.c.Precision(), c.p);
    EXPECT_DOUBLE_EQ(c.c.Recall(), c.r);
    EXPECT_DOUBLE_EQ(c.c.F1(), c.f1);
  }
}

TEST(NormalizeTest, NamesFoldCaseSpacesAndTrailingPunctuation) {
  std::pair<const char*, const char*> cases[] = {
      {"  Summit View Heating &  Air, Inc. ", "summit view heating & air, inc"},
      {"THISTLEDOWN CAFÉ", "thistledown café"},
      {"Red Oak Legal Group, PLLC.", "red oak legal group, pllc"},
      {"Acme\tLtd!", "acme ltd"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(NormalizeName(in), want) << in;
}

TEST(NormalizeTest, IdsKeepLettersAndDigitsUpperCase) {
  EXPECT_EQ(NormalizeId("HRB 234 517"), "HRB234517");
  EXPECT_EQ(NormalizeId("gb 312-4567.79"), "GB312456779");
  EXPECT_EQ(NormalizePostcode(" ls5 3bw"), "LS53BW");
}

TEST(ScoreTest, PerfectProfileScoresOneWithNoNegatives) {
  Report r = ScoreOne(BaseTruth(), {PerfectProfile()});
  EXPECT_EQ(r.micro.tp, 7);  // 1 email, 2 phones, 1 social, company no., VAT, postcode
  EXPECT_EQ(r.micro.fp, 0);
  EXPECT_EQ(r.micro.fn, 0);
  EXPECT_DOUBLE_EQ(r.micro.F1(), 1.0);
  EXPECT_EQ(r.names_correct, 1);
  EXPECT_EQ(r.negatives, 0);
  EXPECT_EQ(r.profiled, 1);
}

TEST(ScoreTest, MissingDomainCountsEverythingAsFalseNegative) {
  Report r = ScoreOne(BaseTruth(), {});
  EXPECT_EQ(r.micro.tp, 0);
  EXPECT_EQ(r.micro.fn, 7);
  EXPECT_EQ(r.micro.fp, 0);
  EXPECT_EQ(r.names_correct, 0);
  EXPECT_EQ(r.profiled, 0);
  EXPECT_DOUBLE_EQ(r.micro.F1(), 0.0);
}

TEST(ScoreTest, FaxReportedAsPhoneIsWrongAndANegative) {
  json p = PerfectProfile();
  p["phones"][1]["kind"] = "phone";
  Report r = ScoreOne(BaseTruth(), {p});
  EXPECT_EQ(r.fields.at("phones").tp, 1);
  EXPECT_EQ(r.fields.at("phones").fp, 1);
  EXPECT_EQ(r.fields.at("phones").fn, 1);
  EXPECT_EQ(r.negatives, 1);
}

TEST(ScoreTest, MobileAndPhoneKindsAreInterchangeable) {
  json p = PerfectProfile();
  p["phones"][0]["kind"] = "mobile";
  Report r = ScoreOne(BaseTruth(), {p});
  EXPECT_EQ(r.fields.at("phones").tp, 2);
  EXPECT_EQ(r.negatives, 0);
}

TEST(ScoreTest, EveryMustNotValueIsCountedAsANegative) {
  json p = PerfectProfile();
  p["emails"].push_back({{"value", "LOGO@2x.png"}});
  p["phones"].push_back({{"value", "+441134960999"}, {"kind", "phone"}});
  p["social"]["twitter"] = "https://www.facebook.com/sharer/sharer.php";
  p["addresses"].push_back({{"postcode", "bs81th"}});
  Report r = ScoreOne(BaseTruth(), {p});
  EXPECT_EQ(r.negatives, 4);
  EXPECT_EQ(r.fields.at("emails").fp, 1);
  EXPECT_EQ(r.fields.at("postcode").fp, 1);

  json q = PerfectProfile();
  q["company_number"] = "512347";
  q["vat_number"] = "GB 312 4567 78";
  Report s = ScoreOne(BaseTruth(), {q});
  EXPECT_EQ(s.negatives, 2);
  EXPECT_EQ(s.fields.at("company_number").fp, 1);
  EXPECT_EQ(s.fields.at("company_number").fn, 1);
}

TEST(ScoreTest, SocialMatchesPerNetworkIgnoringCase) {
  json p = PerfectProfile();
  p["social"]["facebook"] = "https://www.facebook.com/BrackenfieldJoinery";
  EXPECT_EQ(ScoreOne(BaseTruth(), {p}).fields.at("social").tp, 1);

  p["social"].erase("facebook");
  p["social"]["instagram"] = "https://www.facebook.com/brackenfieldjoinery";
  Report r = ScoreOne(BaseTruth(), {p});
  EXPECT_EQ(r.fields.at("social").tp, 0);
  EXPECT_EQ(r.fields.at("social").fp, 1);
  EXPECT_EQ(r.fields.at("social").fn, 1);
}

TEST(ScoreTest, IdentifiersIgnoreSpacingAndVatMayOmitTheCountryPrefix) {
  json p = PerfectProfile();
  p["company_number"] = "0841 2573";
  p["vat_number"] = "312 4567 79";
  Report r = ScoreOne(BaseTruth(), {p});
  EXPECT_EQ(r.fields.at("company_number").tp, 1);
  EXPECT_EQ(r.fields.at("vat_number").tp, 1);
}

TEST(ScoreTest, CompanyNumberMayCarryARegisterLabelButNotLoseOne) {
  struct Case {
    const char* truth;
    const char* got;
    bool match;
  } cases[] = {
      {"812453678", "SIREN 812 453 678", true},
      {"MI-2075413", "REA MI-2075413", true},
      {"HRB 234517", "HRB 234517", true},
      {"HRB 234517", "234517", false},
      {"HRA 118524", "HRB 118524", false},
      {"08412573", "108412573", false},
      {"08412573", "Registered in England 08412573", false},
  };
  for (const auto& c : cases) {
    json t = BaseTruth();
    t["company_number"] = c.truth;
    json p = PerfectProfile();
    p["company_number"] = c.got;
    EXPECT_EQ(ScoreOne(t, {p}).fields.at("company_number").tp, c.match ? 1 : 0)
        << c.truth << " / " << c.got;
  }
}

TEST(ScoreTest, EmailsAndPostcodesCompareCaseInsensitively) {
  json p = PerfectProfile();
  p["emails"][0]["value"] = "INFO@Brackenfield-Joinery.co.uk";
  p["addresses"][0]["postcode"] = "ls53bw";
  p["addresses"].push_back({{"postcode", "LS5 3BW"}});  // the same postcode twice counts once
  Report r = ScoreOne(BaseTruth(), {p});
  EXPECT_EQ(r.fields.at("emails").tp, 1);
  EXPECT_EQ(r.fields.at("postcode").tp, 1);
  EXPECT_EQ(r.fields.at("postcode").fp, 0);
}

TEST(ScoreTest, CompanyNameMatchesAlternativesNotOtherNames) {
  struct Case {
    const char* name;
    bool correct;
  } cases[] = {{"brackenfield joinery", true},
               {"Brackenfield Joinery Ltd.", true},
               {"Brackenfield", false},
               {"", false}};
  for (const auto& c : cases) {
    json p = PerfectProfile();
    p["company_name"] = c.name;
    EXPECT_EQ(ScoreOne(BaseTruth(), {p}).names_correct, c.correct ? 1 : 0) << c.name;
  }
}

TEST(ScoreTest, IdnProfileMatchesByUnicodeOrAsciiDomain) {
  json t = BaseTruth();
  t["domain"] = "xn--bckerei-mllenhoff-qqb46a.de";
  t["domain_unicode"] = "bäckerei-möllenhoff.de";
  for (const char* d : {"xn--bckerei-mllenhoff-qqb46a.de", "bäckerei-möllenhoff.de",
                        "WWW.xn--bckerei-mllenhoff-qqb46a.de"}) {
    json p = PerfectProfile();
    p["domain"] = d;
    EXPECT_EQ(ScoreOne(t, {p}).profiled, 1) << d;
  }
}

TEST(ScoreTest, ExtraAndDuplicateProfilesAreCountedNotScored) {
  json other = PerfectProfile();
  other["domain"] = "unknown.test";
  Report r = ScoreOne(BaseTruth(), {PerfectProfile(), PerfectProfile(), other});
  EXPECT_EQ(r.extra_profiles, 1);
  EXPECT_EQ(r.duplicate_profiles, 1);
  EXPECT_DOUBLE_EQ(r.micro.F1(), 1.0);
}

TEST(ScoreTest, JsonReportCarriesTheHeadlineFigures) {
  json p = PerfectProfile();
  p["emails"].push_back({{"value", "x@y.test"}});
  json j = ToJson(ScoreOne(BaseTruth(), {p}), /*verbose=*/true);
  EXPECT_EQ(j["fields"]["emails"]["fp"], 1);
  EXPECT_DOUBLE_EQ(j["micro_f1"].get<double>(), 14.0 / 15.0);
  EXPECT_EQ(j["per_domain"][0]["false_positives"]["emails"][0], "x@y.test");
  EXPECT_NE(FormatText(ScoreOne(BaseTruth(), {p}), true).find("FP emails x@y.test"),
            std::string::npos);
}

TEST(ParseTruthTest, RejectsMalformedTruth) {
  for (const char* bad : {R"({"company_name": "x"})", R"({"domain": "a.test", "emails": "a@b"})",
                          R"({"domain": "a.test", "phones": [{"kind": "fax"}]})",
                          R"({"domain": "a.test", "must_not": {"emails": [1]}})"}) {
    EXPECT_FALSE(ParseTruth(json::parse(bad)).has_value()) << bad;
  }
}

TEST(LoadProfilesTest, SkipsBlankAndBrokenLines) {
  auto path = std::filesystem::temp_directory_path() / "trawl_score_test_profiles.jsonl";
  {
    std::ofstream out(path);
    out << R"({"domain": "a.test"})"
        << "\n\n"
        << "not json\n"
        << R"([1, 2])"
        << "\n"
        << R"({"domain": "b.test"})"
        << "\n";
  }
  int bad = 0;
  auto profiles = LoadProfiles(path.string(), &bad);
  std::filesystem::remove(path);
  ASSERT_TRUE(profiles.has_value());
  EXPECT_EQ(profiles->size(), 2u);
  EXPECT_EQ(bad, 2);
  EXPECT_FALSE(LoadProfiles("/nonexistent/profiles.jsonl").has_value());
}

// --- the corpus itself -------------------------------------------------------

const std::string kFixtures = std::string(TRAWL_SOURCE_DIR) + "/tests/fixtures";

// The truth written back as the profile a perfect extractor would produce.
json ProfileFromTruth(const Truth& t) {
  json p = {{"domain", t.domain},      {"company_name", t.company_name}, {"emails", json::array()},
            {"phones", json::array()}, {"addresses", json::array()},     {"social", t.social}};
  for (const auto& e : t.emails) p["emails"].push_back({{"value", e}});
  for (const auto& ph : t.phones)
    p["phones"].push_back({{"value", ph.value}, {"kind", ph.fax ? "fax" : "phone"}});
  for (const auto& pc : t.postcodes) p["addresses"].push_back({{"postcode", pc}});
  if (t.company_number) p["company_number"] = *t.company_number;
  if (t.vat_number) p["vat_number"] = *t.vat_number;
  return p;
}

TEST(CorpusTruthTest, EveryTruthFileParsesAndHasItsSite) {
  auto truth = LoadTruthDir(kFixtures + "/truth");
  ASSERT_TRUE(truth.has_value()) << truth.error().message;
  EXPECT_GE(truth->size(), 26u);
  std::set<std::string> countries;
  for (const auto& t : *truth) {
    countries.insert(t.country);
    EXPECT_TRUE(std::filesystem::exists(kFixtures + "/sites/" + t.domain + "/index.html"))
        << t.domain;
    EXPECT_FALSE(t.company_name.empty()) << t.domain;
    for (const auto& ph : t.phones)
      EXPECT_EQ(ph.value.rfind("+", 0), 0u) << t.domain << " " << ph.value;
  }
  for (const char* c : {"GB", "US", "DE", "FR", "AU", "IE", "NL", "ES", "IT"})
    EXPECT_TRUE(countries.count(c)) << c;
}

TEST(CorpusTruthTest, TruthScoredAgainstItselfIsPerfectAndContradictsNoMustNot) {
  auto truth = LoadTruthDir(kFixtures + "/truth");
  ASSERT_TRUE(truth.has_value()) << truth.error().message;
  std::vector<json> profiles;
  for (const auto& t : *truth) profiles.push_back(ProfileFromTruth(t));
  Report r = Score(*truth, profiles);
  EXPECT_DOUBLE_EQ(r.micro.F1(), 1.0);
  EXPECT_EQ(r.names_correct, r.domains);
  EXPECT_EQ(r.negatives, 0) << FormatText(r, true);
}

}  // namespace
}  // namespace trawl::score
