// The Prometheus text writer (src/api/metrics_text.h) against the exposition
// format, version 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats):
// escaping of label values and HELP text, sample values, histogram series.
// When Debian's python3-prometheus-client is installed, its parser reads the
// output back as a cross-check.
#include "api/metrics_text.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>

#include "fetch/fetch_metrics.h"
#include "servers/require.h"

namespace trawl::api {
namespace {

TEST(MetricsText, LabelValuesEscapeBackslashQuoteAndLineFeed) {
  struct Case {
    std::string in;
    std::string want;
  };
  const Case cases[] = {
      {"plain-worker-1", "plain-worker-1"},
      {R"(say "hi")", R"(say \"hi\")"},
      {R"(C:\path\x)", R"(C:\\path\\x)"},
      {"two\nlines", R"(two\nlines)"},
      {"\\\"\n", R"(\\\"\n)"},
      {"tab\tand\rreturn stay", "tab\tand\rreturn stay"},
      {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(EscapeLabelValue(c.in), c.want) << c.in;
}

TEST(MetricsText, InvalidUtf8InALabelValueBecomesTheReplacementCharacter) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(EscapeLabelValue("a\xFFz"), "a" + fffd + "z");
  EXPECT_EQ(EscapeLabelValue("\xC3"), fffd);                                   // cut short
  EXPECT_EQ(EscapeLabelValue("\xC0\xAF"), fffd + fffd);                        // overlong '/'
  EXPECT_EQ(EscapeLabelValue("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
  EXPECT_EQ(EscapeLabelValue("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
}

TEST(MetricsText, HelpEscapesBackslashAndLineFeedOnly) {
  EXPECT_EQ(EscapeHelp("a \"quoted\" \\ word\nnext"), "a \"quoted\" \\\\ word\\nnext");
}

TEST(MetricsText, ValuesAreShortAndSpecialValuesHaveTheirNames) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(120), "120");
  EXPECT_EQ(FormatMetricValue(0.05), "0.05");
  EXPECT_EQ(FormatMetricValue(2.5), "2.5");
  EXPECT_EQ(FormatMetricValue(-1.25), "-1.25");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatMetricValue(std::nan("")), "NaN");
  EXPECT_EQ(std::stod(FormatMetricValue(1.0 / 3.0)), 1.0 / 3.0);
}

TEST(MetricsText, FamilyAndSamplesAreWrittenInTheTextFormat) {
  MetricsText out;
  out.Family("trawl_jobs", "gauge", "Jobs by status.");
  out.Sample("trawl_jobs", {{"status", "completed"}}, int64_t{3});
  out.Sample("trawl_jobs", {{"status", "pen\"ding"}}, int64_t{0});
  out.Family("trawl_up", "gauge", "Up.\nSecond line.");
  out.Sample("trawl_up", {}, 1.5);
  out.Sample("trawl_up", {{"a", "1"}, {"b", "x\\y"}}, int64_t{-2});
  EXPECT_EQ(out.text(),
            "# HELP trawl_jobs Jobs by status.\n"
            "# TYPE trawl_jobs gauge\n"
            "trawl_jobs{status=\"completed\"} 3\n"
            "trawl_jobs{status=\"pen\\\"ding\"} 0\n"
            "# HELP trawl_up Up.\\nSecond line.\n"
            "# TYPE trawl_up gauge\n"
            "trawl_up 1.5\n"
            "trawl_up{a=\"1\",b=\"x\\\\y\"} -2\n");
}

TEST(MetricsText, HistogramBucketsAreCumulativeAndInfEqualsCount) {
  MetricsText out;
  const double bounds[] = {0.1, 1, 10};
  const int64_t buckets[] = {2, 0, 3, 1};  // the last: above 10
  out.Histogram("lat_seconds", {{"worker", "w\"1"}}, bounds, buckets, 12.75);
  EXPECT_EQ(out.text(),
            "lat_seconds_bucket{worker=\"w\\\"1\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{worker=\"w\\\"1\",le=\"1\"} 2\n"
            "lat_seconds_bucket{worker=\"w\\\"1\",le=\"10\"} 5\n"
            "lat_seconds_bucket{worker=\"w\\\"1\",le=\"+Inf\"} 6\n"
            "lat_seconds_sum{worker=\"w\\\"1\"} 12.75\n"
            "lat_seconds_count{worker=\"w\\\"1\"} 6\n");
}

TEST(MetricsText, FetchLatencyBoundsPrintAsTheirDecimalNames) {
  MetricsText out;
  FetchMetricsSnapshot empty;
  out.Histogram("h", {}, kFetchLatencyBounds, empty.buckets, 0);
  for (const char* le : {"0.05", "0.1", "0.25", "0.5", "\"1\"", "2.5", "\"5\"", "10", "+Inf"}) {
    EXPECT_NE(out.text().find(le), std::string::npos) << le << "\n" << out.text();
  }
}

// The format's own reader: Debian's python3-prometheus-client. Label values
// with every escaped character must come back as they went in.
TEST(MetricsText, PrometheusClientParserReadsItBack) {
  TRAWL_REQUIRE_PYTHON_MODULE("prometheus_client", "python3-prometheus-client");
  MetricsText out;
  out.Family("t_workers", "gauge", "Help with \\ and\nnewline.");
  out.Sample("t_workers", {{"worker", "a \"b\" \\c\nd"}, {"host", "h\xFF"}}, int64_t{7});
  out.Family("t_fetched_total", "counter", "Counter.");
  out.Sample("t_fetched_total", {{"class", "2xx"}}, int64_t{5});
  out.Family("t_seconds", "histogram", "Histogram.");
  const double bounds[] = {0.5, 1};
  const int64_t buckets[] = {1, 2, 3};
  out.Histogram("t_seconds", {{"worker", "x"}}, bounds, buckets, 4.5);

  char dir[] = "/tmp/trawl-metrics-text-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string input = std::string(dir) + "/scrape.txt";
  const std::string script = std::string(dir) + "/check.py";
  std::ofstream(input, std::ios::binary) << out.text();
  std::ofstream(script) << R"(import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1], encoding='utf-8').read()
fams = {f.name: f for f in text_string_to_metric_families(text)}
assert set(fams) == {'t_workers', 't_fetched', 't_seconds'}, sorted(fams)
w = fams['t_workers']
assert w.type == 'gauge' and w.documentation == 'Help with \\ and\nnewline.', repr(w.documentation)
s = w.samples[0]
assert s.labels == {'worker': 'a "b" \\c\nd', 'host': 'h\ufffd'}, s.labels
assert s.value == 7
assert fams['t_fetched'].type == 'counter'
h = {(x.name, x.labels.get('le')): x.value for x in fams['t_seconds'].samples}
assert h[('t_seconds_bucket', '+Inf')] == 6 and h[('t_seconds_count', None)] == 6, h
assert h[('t_seconds_bucket', '0.5')] == 1 and h[('t_seconds_bucket', '1')] == 3, h
assert h[('t_seconds_sum', None)] == 4.5
print('ok')
)";
  std::string cmd = testing::DebianPython() + " " + script + " " + input + " 2>&1";
  std::string output;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
    int rc = pclose(p);
    EXPECT_EQ(rc, 0) << output << "\n" << out.text();
  } else {
    ADD_FAILURE() << "popen failed";
  }
  EXPECT_EQ(output, "ok\n") << out.text();
  std::remove(input.c_str());
  std::remove(script.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace trawl::api
