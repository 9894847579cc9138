// scenario.cpp: request targets and bodies of the benchmark scenarios.
#include "scenario.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <utility>

namespace csms_bench {
namespace {

namespace http = boost::beast::http;

constexpr std::array<std::pair<std::string_view, Scenario>, 6> kScenarios{{
    {"read-latest", Scenario::kReadLatest},
    {"read-stage", Scenario::kReadStage},
    {"create-version", Scenario::kCreateVersion},
    {"move-stage", Scenario::kMoveStage},
    {"list", Scenario::kList},
    {"mixed", Scenario::kMixed},
}};

}  // namespace

std::optional<Scenario> parse_scenario(std::string_view name) {
  for (const auto& [text, scenario] : kScenarios) {
    if (text == name) return scenario;
  }
  return std::nullopt;
}

std::string_view scenario_name(Scenario scenario) {
  for (const auto& [text, value] : kScenarios) {
    if (value == scenario) return text;
  }
  return "?";
}

std::string secret_name(std::size_t index) { return "bench-" + std::to_string(index); }

RequestSource::RequestSource(Scenario scenario, std::string project, std::size_t secrets, std::uint64_t seed)
    : scenario_(scenario), project_(std::move(project)), secrets_(secrets), random_(seed), stage_on_second_(secrets) {}

RequestSpec RequestSource::read_latest(std::size_t secret) const {
  return {http::verb::get, "/v1/" + project_ + "/secrets/" + secret_name(secret) + "/versions/latest", {}};
}

RequestSpec RequestSource::create_version(std::size_t secret) {
  // A distinct small value each time, so the daemon really seals and stores a new version.
  return {http::verb::post, "/v1/" + project_ + "/secrets/" + secret_name(secret) + "/versions",
          R"({"secret_string":"bench-value-)" + std::to_string(sent_) + R"("})"};
}

RequestSpec RequestSource::next() {
  ++sent_;
  const std::size_t secret = static_cast<std::size_t>(random_() % secrets_);
  switch (scenario_) {
    case Scenario::kReadLatest:
      return read_latest(secret);
    case Scenario::kReadStage:
      return {http::verb::get, "/v1/" + project_ + "/secrets/" + secret_name(secret) + "/stages/SYSCURRENT", {}};
    case Scenario::kCreateVersion:
      return create_version(secret);
    case Scenario::kMoveStage: {
      // v1 and v2 are pinned by BENCH-A and BENCH-B at prepare time, so both survive create-version churn and the
      // grace-period pruning; every visit moves BENCH to the other one.
      const bool second = !stage_on_second_[secret];
      stage_on_second_[secret] = second;
      return {http::verb::put, "/v1/" + project_ + "/secrets/" + secret_name(secret) + "/stages/BENCH",
              second ? R"({"version_id":"v2"})" : R"({"version_id":"v1"})"};
    }
    case Scenario::kList: {
      std::string target = "/v1/" + project_ + "/secrets?limit=50";
      if (!list_marker_.empty()) target += "&marker=" + list_marker_;
      return {http::verb::get, std::move(target), {}};
    }
    case Scenario::kMixed:
      return random_() % 10 == 0 ? create_version(secret) : read_latest(secret);
  }
  return read_latest(secret);
}

void RequestSource::observe(unsigned status, std::string_view body) {
  if (scenario_ != Scenario::kList) return;
  list_marker_.clear();  // on any failure or the last page, start over at the first page
  if (status != 200) return;
  boost::system::error_code ec;
  const boost::json::value reply = boost::json::parse(body, ec);
  if (ec || !reply.is_object()) return;
  const auto* page_info = reply.as_object().if_contains("page_info");
  if (page_info == nullptr || !page_info->is_object()) return;
  const auto* marker = page_info->as_object().if_contains("next_marker");
  if (marker != nullptr && marker->is_string()) list_marker_ = std::string(marker->as_string());
}

}  // namespace csms_bench
