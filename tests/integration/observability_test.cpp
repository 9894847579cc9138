// observability_test.cpp: /healthz, /readyz and /metrics on the real daemon; the scrape is parsed line by line as
// Prometheus text format 0.0.4 and its counters compared with the requests this test made.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;
using namespace std::chrono_literals;

namespace {

using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

/// A scrape as the format defines it. Every line is checked: "# HELP name text", "# TYPE name type" (once per
/// family, before its samples) or "name{label="value",...} value"; anything else fails the test.
struct Scrape {
  std::map<std::string, std::string> types;
  std::set<std::string> helps;
  std::vector<Sample> samples;

  std::optional<double> value(const std::string& name, const Labels& labels = {}) const {
    for (const Sample& sample : samples) {
      if (sample.name == name && sample.labels == labels) return sample.value;
    }
    return std::nullopt;
  }
  double value_or_zero(const std::string& name, const Labels& labels) const { return value(name, labels).value_or(0); }
};

const std::regex kMetricName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");

std::optional<double> parse_value(const std::string& text) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used != text.size()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The family a sample belongs to: histograms add _bucket, _sum and _count to the family name.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.ends_with(s)) {
      const std::string base = name.substr(0, name.size() - s.size());
      if (auto type = types.find(base); type != types.end() && type->second == "histogram") return base;
    }
  }
  return name;
}

// Reads `name{a="x",b="y\"z"} value` into `sample`; false when the line is not one.
bool parse_sample(const std::string& line, const std::map<std::string, std::string>& types, Sample& sample) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample.name = line.substr(0, i);
  if (!std::regex_match(sample.name, kMetricName)) return false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const std::size_t equals = line.find('=', i);
      if (equals == std::string::npos) return false;
      const std::string label = line.substr(i, equals - i);
      if (!std::regex_match(label, kLabelName) || sample.labels.count(label) != 0) return false;
      i = equals + 1;
      if (i >= line.size() || line[i] != '"') return false;
      ++i;
      std::string value;
      for (;; ++i) {
        if (i >= line.size()) return false;
        if (line[i] == '"') break;
        if (line[i] == '\\') {
          if (++i >= line.size()) return false;
          if (line[i] == 'n') value += '\n';
          else if (line[i] == '\\' || line[i] == '"') value += line[i];
          else return false;
        } else {
          value += line[i];
        }
      }
      ++i;  // the closing quote
      sample.labels[label] = value;
      if (i < line.size() && line[i] == ',') ++i;
      else if (i >= line.size() || line[i] != '}') return false;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return false;
  const auto value = parse_value(line.substr(i + 1));
  if (!value) return false;
  sample.value = *value;
  return types.count(family_of(sample.name, types)) != 0;
}

Scrape parse_scrape(const std::string& body) {
  Scrape scrape;
  REQUIRE(!body.empty());
  REQUIRE(body.back() == '\n');
  std::set<std::string> families_with_samples;
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    INFO("line: " << line);
    if (line.rfind("# HELP ", 0) == 0) {
      const std::string rest = line.substr(7);
      const std::string name = rest.substr(0, rest.find(' '));
      CHECK(std::regex_match(name, kMetricName));
      CHECK(scrape.helps.insert(name).second);
      CHECK(scrape.types.count(name) == 0);  // HELP first, as the daemon writes it
    } else if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type, extra;
      words >> name >> type;
      CHECK_FALSE(static_cast<bool>(words >> extra));
      CHECK(std::regex_match(name, kMetricName));
      CHECK(std::set<std::string>{"counter", "gauge", "histogram", "summary", "untyped"}.count(type) == 1);
      CHECK(scrape.types.count(name) == 0);
      CHECK(families_with_samples.count(name) == 0);
      scrape.types[name] = type;
    } else {
      Sample sample;
      const bool valid = parse_sample(line, scrape.types, sample);
      CHECK(valid);
      if (!valid) continue;
      families_with_samples.insert(family_of(sample.name, scrape.types));
      scrape.samples.push_back(std::move(sample));
    }
  }
  return scrape;
}

Scrape scrape(HttpClient& client) {
  const auto response = client.get("/metrics");
  INFO(response.body);
  REQUIRE(response.status == 200);
  CHECK(response.header("Content-Type") == std::optional<std::string>("text/plain; version=0.0.4; charset=utf-8"));
  return parse_scrape(response.body);
}

double requests(const Scrape& scrape, const std::string& operation, const std::string& status) {
  return scrape.value_or_zero("csmsd_requests_total", {{"operation", operation}, {"status", status}});
}

// Every histogram: buckets in increasing le are cumulative, end at +Inf, and +Inf equals _count.
void check_histograms(const Scrape& scrape, bool expect_series = true) {
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;  // operation -> (le, count)
  for (const Sample& sample : scrape.samples) {
    if (sample.name != "csmsd_request_duration_seconds_bucket") continue;
    const auto le = parse_value(sample.labels.at("le"));
    REQUIRE(le);
    buckets[sample.labels.at("operation")].emplace_back(*le, sample.value);
  }
  if (expect_series) CHECK_FALSE(buckets.empty());
  for (auto& [operation, series] : buckets) {
    INFO("operation " << operation);
    REQUIRE(std::is_sorted(series.begin(), series.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; }));
    for (std::size_t i = 1; i < series.size(); ++i) CHECK(series[i].second >= series[i - 1].second);
    CHECK(std::isinf(series.back().first));
    const auto count = scrape.value("csmsd_request_duration_seconds_count", {{"operation", operation}});
    REQUIRE(count);
    CHECK(series.back().second == *count);
    const auto sum = scrape.value("csmsd_request_duration_seconds_sum", {{"operation", operation}});
    REQUIRE(sum);
    CHECK(*sum >= 0);
  }
}

}  // namespace

TEST_CASE("healthz and readyz answer a monitor without credentials", "[integration][observability]") {
  Daemon daemon;
  auto anonymous = daemon.anonymous_tcp_client();
  auto health = anonymous.get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  auto ready = anonymous.get("/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.body == "ready\n");
  auto unix_client = daemon.client();
  CHECK(unix_client.get("/healthz").status == 200);
  CHECK(unix_client.get("/readyz").status == 200);
  // Nothing else is open to them.
  CHECK(anonymous.get("/metrics").status == 401);
  CHECK(anonymous.get(secrets_url()).status == 401);
}

TEST_CASE("metrics scrape is valid exposition text whose counters count exactly the requests made",
          "[integration][observability]") {
  Daemon daemon;
  auto client = daemon.client();
  const Scrape before = scrape(client);
  check_histograms(before, false);  // nothing was answered before the first scrape

  const std::string name = unique_name("metrics");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  for (int i = 0; i < 3; ++i) REQUIRE(client.get(secret_url(name)).status == 200);
  REQUIRE(client.get(secret_url(unique_name("absent"))).status == 404);
  auto anonymous = daemon.anonymous_tcp_client();
  REQUIRE(anonymous.get("/healthz").status == 200);
  REQUIRE(anonymous.get("/healthz").status == 200);
  REQUIRE(anonymous.get(secrets_url()).status == 401);

  const Scrape after = scrape(client);
  check_histograms(after);
  const auto delta = [&](const std::string& operation, const std::string& status) {
    return requests(after, operation, status) - requests(before, operation, status);
  };
  CHECK(delta("CreateSecret", "200") == 1);
  CHECK(delta("CreateSecretVersion", "200") == 1);
  CHECK(delta("ShowSecret", "200") == 3);
  CHECK(delta("ShowSecret", "404") == 1);
  CHECK(delta("Healthz", "200") == 2);
  // The first scrape counts once it has been answered; this one is not in its own body yet.
  CHECK(delta("Metrics", "200") == 1);
  // Refused for want of credentials, counted under the operation the path names (as the audit record names it).
  CHECK(delta("ListSecrets", "401") == 1);
  // Every request made between the scrapes, and nothing else.
  double total_before = 0;
  double total_after = 0;
  for (const Sample& sample : before.samples) {
    if (sample.name == "csmsd_requests_total") total_before += sample.value;
  }
  for (const Sample& sample : after.samples) {
    if (sample.name == "csmsd_requests_total") total_after += sample.value;
  }
  CHECK(total_after - total_before == 10);
  const auto show_count = after.value("csmsd_request_duration_seconds_count", {{"operation", "ShowSecret"}});
  CHECK(show_count == std::optional<double>(4));

  CHECK(after.types.at("csmsd_requests_total") == "counter");
  CHECK(after.types.at("csmsd_request_duration_seconds") == "histogram");
  CHECK(after.value("csmsd_secrets") == std::optional<double>(1));
  CHECK(after.value("csmsd_versions") == std::optional<double>(2));
  CHECK(after.value("csmsd_stages") == std::optional<double>(2));
  CHECK(after.value("csmsd_database_size_bytes").value_or(0) > 0);
  const auto locked = after.value("csmsd_memory_locked");
  REQUIRE(locked);
  CHECK((*locked == 0 || *locked == 1));
  // The only instance on its vault always runs the background work (SQLite, or a PostgreSQL database of its own).
  CHECK(after.types.at("csmsd_background_lease_held") == "gauge");
  CHECK(after.value("csmsd_background_lease_held") == std::optional<double>(1));
  for (const char* name_of : {"csmsd_prune_runs_total", "csmsd_pruned_versions_total"}) {
    CHECK(after.types.at(name_of) == "counter");
  }
  CHECK(after.value("csmsd_build_info", {{"version", "0.1.0"}}) == std::optional<double>(1));
}

TEST_CASE("metrics count the prune passes and the versions they deleted", "[integration][observability]") {
  Daemon daemon;  // prune every 200ms with a grace of 1s
  auto client = daemon.client();
  const std::string name = unique_name("metrics-prune");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  create_version(client, name, "three");  // v1 loses SYSPREVIOUS and is pruned after the grace
  CHECK(poll_until([&] { return !version_exists(client, name, "v1"); }, 10s, 100ms));
  const Scrape after = scrape(client);
  CHECK(after.value("csmsd_pruned_versions_total") == std::optional<double>(1));
  CHECK(after.value("csmsd_prune_runs_total").value_or(0) >= 1);
  CHECK(after.value("csmsd_versions") == std::optional<double>(2));
}
