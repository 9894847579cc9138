// report.cpp: formatting the merged statistics as one table line or one JSON line.
#include "report.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>

namespace csms_bench {
namespace {

struct Quantile {
  const char* name;
  double q;
};
constexpr Quantile kQuantiles[] = {{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"p99.9", 0.999}};

double seconds(std::chrono::nanoseconds elapsed) { return std::chrono::duration<double>(elapsed).count(); }

double rate(const ConnectionStats& total, std::chrono::nanoseconds elapsed) {
  return elapsed.count() > 0 ? static_cast<double>(total.requests) / seconds(elapsed) : 0.0;
}

double micros(std::uint64_t nanos) { return static_cast<double>(nanos) / 1000.0; }

std::string status_label(unsigned status) { return status == 0 ? "transport" : std::to_string(status); }

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

}  // namespace

std::string human_report(const Options& options, const ConnectionStats& total, std::chrono::nanoseconds elapsed) {
  std::string line = std::string(scenario_name(options.scenario)) + " " + options.target.describe() +
                     (options.access_key.empty() ? "" : " signed") + " conns=" + std::to_string(options.connections) +
                     " threads=" + std::to_string(options.threads) + ": " + std::to_string(total.requests) +
                     " requests in " + format("%.2f", seconds(elapsed)) + "s, " +
                     format("%.0f", rate(total, elapsed)) + " req/s, errors=" + std::to_string(total.errors);
  if (!total.errors_by_status.empty()) {
    line += " (";
    const char* separator = "";
    for (const auto& [status, count] : total.errors_by_status) {
      line += separator + status_label(status) + ":" + std::to_string(count);
      separator = " ";
    }
    line += ")";
  }
  line += " | latency ms";
  for (const auto& [name, q] : kQuantiles) {
    line += std::string(" ") + name + "=" + format("%.3f", micros(total.latency.quantile(q)) / 1000.0);
  }
  line += " max=" + format("%.3f", micros(total.latency.max()) / 1000.0);
  return line;
}

std::string json_report(const Options& options, const ConnectionStats& total, std::chrono::nanoseconds elapsed) {
  boost::json::object errors;
  for (const auto& [status, count] : total.errors_by_status) errors[status_label(status)] = count;
  boost::json::object latency;
  for (const auto& [name, q] : kQuantiles) latency[name] = micros(total.latency.quantile(q));
  latency["max"] = micros(total.latency.max());
  const boost::json::object report{
      {"scenario", scenario_name(options.scenario)},
      {"target", options.target.describe()},
      {"signed", !options.access_key.empty()},
      {"connections", options.connections},
      {"threads", options.threads},
      {"elapsed_s", seconds(elapsed)},
      {"requests", total.requests},
      {"errors", total.errors},
      {"errors_by_status", std::move(errors)},
      {"requests_per_s", rate(total, elapsed)},
      {"latency_us", std::move(latency)},
  };
  return boost::json::serialize(report);
}

}  // namespace csms_bench
