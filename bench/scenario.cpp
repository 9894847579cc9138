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

RequestSource::RequestSource(Scenario scenario, std::string project, std::size_t secrets, std::uint64_t seed,
                             unsigned connection, unsigned connections)
    : scenario_(scenario),
      project_(std::move(project)),
      secrets_(secrets),
      random_(seed),
      connection_(connection),
      connections_(connections),
      placement_(scenario == Scenario::kMoveStage ? secrets : 0, Placement::kUnknown) {}

RequestSpec RequestSource::read_latest(std::size_t secret) const {
  return {http::verb::get, "/v1/" + project_ + "/secrets/" + secret_name(secret) + "/versions/latest", {}};
}

RequestSpec RequestSource::create_version(std::size_t secret) {
  // A distinct small value each time, so the daemon really seals and stores a new version.
  return {http::verb::post, "/v1/" + project_ + "/secrets/" + secret_name(secret) + "/versions",
          R"({"secret_string":"bench-value-)" + std::to_string(sent_) + R"("})"};
}

std::string RequestSource::stage_target(std::size_t secret) const {
  return "/v1/" + project_ + "/secrets/" + secret_name(secret) + "/stages/BENCH";
}

// A PUT that names the version BENCH is already on commits nothing (no fsync), so move-stage must never send one:
// each connection moves only its own secrets (those with index % connections == connection), so nobody moves BENCH
// behind its back, and before its first move of a secret it asks where BENCH is with one GET that is neither counted
// nor timed. Every measured PUT is then a real move between v1 and v2 (pinned by BENCH-A and BENCH-B at prepare
// time, so both survive create-version churn and the grace-period pruning).
RequestSpec RequestSource::next_move() {
  std::size_t secret = 0;
  if (connection_ < secrets_) {
    const std::size_t owned = (secrets_ - connection_ + connections_ - 1) / connections_;
    secret = connection_ + connections_ * static_cast<std::size_t>(random_() % owned);
  } else {
    secret = static_cast<std::size_t>(random_() % secrets_);  // more connections than secrets: some moves are no-ops
  }
  if (placement_[secret] == Placement::kUnknown) {
    looking_ = secret;
    return {http::verb::get, stage_target(secret), {}, false};
  }
  const bool second = placement_[secret] != Placement::kOnSecond;
  moving_.emplace(secret, second ? Placement::kOnSecond : Placement::kOnFirst);
  return {http::verb::put, stage_target(secret), second ? R"({"version_id":"v2"})" : R"({"version_id":"v1"})"};
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
    case Scenario::kMoveStage:
      return next_move();
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

namespace {

// page_info.next_marker of a list answer, or "" on the last page or anything unexpected.
std::string next_marker(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value reply = boost::json::parse(body, ec);
  if (ec || !reply.is_object()) return {};
  const auto* page_info = reply.as_object().if_contains("page_info");
  if (page_info == nullptr || !page_info->is_object()) return {};
  const auto* marker = page_info->as_object().if_contains("next_marker");
  if (marker == nullptr || !marker->is_string()) return {};
  return std::string(marker->as_string());
}

// stage.version_id of a stage answer, or "".
std::string stage_version(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value reply = boost::json::parse(body, ec);
  if (ec || !reply.is_object()) return {};
  const auto* stage = reply.as_object().if_contains("stage");
  if (stage == nullptr || !stage->is_object()) return {};
  const auto* version = stage->as_object().if_contains("version_id");
  if (version == nullptr || !version->is_string()) return {};
  return std::string(version->as_string());
}

}  // namespace

void RequestSource::observe(unsigned status, std::string_view body) {
  if (scenario_ == Scenario::kList) {
    // On any failure or the last page, start over at the first page.
    list_marker_ = status == 200 ? next_marker(body) : std::string();
  } else if (scenario_ == Scenario::kMoveStage && looking_) {
    const std::string version = status == 200 ? stage_version(body) : std::string();
    if (status == 404 || (status == 200 && version != "v1" && version != "v2")) {
      placement_[*looking_] = Placement::kAbsent;  // any PUT is a real move
    } else if (status == 200) {
      placement_[*looking_] = version == "v2" ? Placement::kOnSecond : Placement::kOnFirst;
    }  // otherwise still unknown: ask again on the next visit
    looking_.reset();
  } else if (scenario_ == Scenario::kMoveStage && moving_) {
    placement_[moving_->first] = status == 200 ? moving_->second : Placement::kUnknown;
    moving_.reset();
  }
}

}  // namespace csms_bench
