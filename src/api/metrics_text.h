// Prometheus' text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): the writer
// GET /metrics renders with. Each family gets its # HELP and # TYPE lines,
// then its samples; label values are escaped (backslash, double quote, line
// feed) and invalid UTF-8 in them becomes U+FFFD, so whatever a worker puts
// in its id or host name cannot break a scrape.
//
// The caller keeps each family's samples together and calls Family once per
// name (the format requires both); names are the caller's constants and are
// not checked. A MetricsText is a plain value: one per response, one thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trawl::api {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class MetricsText {
 public:
  // Starts a family: "# HELP name help" and "# TYPE name type", where type
  // is counter, gauge or histogram. Cannot fail.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  // One sample line: name{labels} value. Cannot fail.
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  void Sample(std::string_view name, const MetricLabels& labels, int64_t value);
  // One histogram series: name_bucket{labels,le="…"} with cumulative counts
  // for each of `bounds` and +Inf, then name_sum and name_count (the +Inf
  // count). `buckets` holds bounds.size() + 1 non-cumulative counts (the last
  // is above every bound); a shorter span counts the missing ones as 0.
  // Cannot fail.
  void Histogram(std::string_view name, const MetricLabels& labels, std::span<const double> bounds,
                 std::span<const int64_t> buckets, double sum);

  const std::string& text() const { return text_; }

 private:
  void Line(std::string_view name, const MetricLabels& labels, std::string_view value);

  std::string text_;
};

// A label value as the format wants it inside its double quotes: \ → \\,
// " → \", line feed → \n; invalid UTF-8 → U+FFFD. Cannot fail.
std::string EscapeLabelValue(std::string_view value);
// A HELP text: \ → \\, line feed → \n. Cannot fail.
std::string EscapeHelp(std::string_view help);
// A sample value: the shortest text that reads back as `value`; +Inf, -Inf,
// NaN for those. Cannot fail.
std::string FormatMetricValue(double value);

}  // namespace trawl::api
