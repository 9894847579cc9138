// version_policy_test.cpp: table-driven checks of the pure stage/version rules (csms-api.md decisions 2-4).
#include "domain/version_policy.hpp"

#include "common/unit_env.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

using csms::core::Errc;
using csms::core::VersionNumber;
using csms::domain::StageMap;
using csms::domain::StagePlan;
using namespace std::string_literals;

const std::string S = "SYSCURRENT";
const std::string P = "SYSPREVIOUS";

using Change = std::tuple<std::string, std::optional<VersionNumber>, VersionNumber>;

std::vector<Change> changes_of(const StagePlan& plan) {
  std::vector<Change> out;
  for (const auto& change : plan.changes) out.emplace_back(change.stage, change.from, change.to);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<VersionNumber> sorted(std::vector<VersionNumber> numbers) {
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

// Renders a stage map for failure messages.
std::string show(const StageMap& map) {
  std::string out = "{";
  for (const auto& [name, version] : map) out += name + ":v" + std::to_string(version) + " ";
  return out + "}";
}

// `count` custom stages C1..Ccount, all on `version`, plus `extra`.
StageMap with_customs(std::size_t count, VersionNumber version, StageMap extra) {
  for (std::size_t i = 1; i <= count; ++i) extra.emplace("C" + std::to_string(i), version);
  return extra;
}

void check_plan(const StagePlan& plan, const StageMap& after, std::vector<Change> changes,
                const std::vector<VersionNumber>& deprecated, const std::vector<VersionNumber>& revived) {
  INFO("after = " << show(plan.after));
  CHECK(plan.after == after);
  std::sort(changes.begin(), changes.end());
  CHECK(changes_of(plan) == changes);
  CHECK(sorted(plan.deprecated) == sorted(deprecated));
  CHECK(sorted(plan.revived) == sorted(revived));
}

// ---------------------------------------------------------------------------------------------------------------
// plan_stage_placement

struct PlacementCase {
  std::string name;
  StageMap before;
  std::vector<std::string> stages;
  VersionNumber target;
  StageMap after;
  std::vector<Change> changes;
  std::vector<VersionNumber> deprecated;
  std::vector<VersionNumber> revived;
};

std::vector<PlacementCase> placement_cases() {
  return {
      {"SYSCURRENT moves: former holder gets SYSPREVIOUS, SYSPREVIOUS leaves its old holder",
       {{S, 2}, {P, 1}}, {S}, 3,
       {{S, 3}, {P, 2}},
       {{S, 2, 3}, {P, 1, 2}},
       {1}, {3}},
      {"SYSCURRENT onto the version that holds it changes nothing",
       {{S, 2}, {P, 1}, {"A", 1}}, {S}, 2,
       {{S, 2}, {P, 1}, {"A", 1}},
       {}, {}, {}},
      {"SYSCURRENT when no version holds it: no SYSPREVIOUS is created",
       {}, {S}, 1,
       {{S, 1}},
       {{S, std::nullopt, 1}},
       {}, {1}},
      {"SYSCURRENT when no version holds it, other stages present",
       {{"A", 1}}, {S}, 2,
       {{"A", 1}, {S, 2}},
       {{S, std::nullopt, 2}},
       {}, {2}},
      {"SYSCURRENT back onto the SYSPREVIOUS holder swaps the two",
       {{S, 2}, {P, 1}}, {S}, 1,
       {{S, 1}, {P, 2}},
       {{S, 2, 1}, {P, 1, 2}},
       {}, {}},
      {"SYSCURRENT moves off a version that keeps a custom stage: it is not deprecated",
       {{S, 1}, {"A", 1}}, {S}, 2,
       {{S, 2}, {P, 1}, {"A", 1}},
       {{S, 1, 2}, {P, std::nullopt, 1}},
       {}, {2}},
      {"custom stage moves: removed from the old version, which becomes deprecated",
       {{S, 1}, {"A", 2}}, {"A"}, 3,
       {{S, 1}, {"A", 3}},
       {{"A", 2, 3}},
       {2}, {3}},
      {"custom stage moves off a version that keeps SYSCURRENT: nothing deprecated",
       {{S, 2}, {P, 1}, {"A", 2}}, {"A"}, 1,
       {{S, 2}, {P, 1}, {"A", 1}},
       {{"A", 2, 1}},
       {}, {}},
      {"custom stage onto its own version changes nothing",
       {{S, 2}, {"A", 1}}, {"A"}, 1,
       {{S, 2}, {"A", 1}},
       {}, {}, {}},
      {"new custom stage on a staged version",
       {{S, 1}}, {"B"}, 1,
       {{S, 1}, {"B", 1}},
       {{"B", std::nullopt, 1}},
       {}, {}},
      {"new custom stage revives a deprecated version",
       {{S, 2}}, {"B"}, 1,
       {{S, 2}, {"B", 1}},
       {{"B", std::nullopt, 1}},
       {}, {1}},
      {"SYSPREVIOUS placed by hand without moving SYSCURRENT",
       {{S, 2}, {P, 1}}, {P}, 3,
       {{S, 2}, {P, 3}},
       {{P, 1, 3}},
       {1}, {3}},
      {"SYSCURRENT and SYSPREVIOUS together: the automatic SYSPREVIOUS wins",
       {{S, 2}, {P, 1}}, {S, P}, 3,
       {{S, 3}, {P, 2}},
       {{S, 2, 3}, {P, 1, 2}},
       {1}, {3}},
      {"SYSPREVIOUS listed before SYSCURRENT: the automatic SYSPREVIOUS still wins",
       {{S, 2}, {P, 1}}, {P, S}, 3,
       {{S, 3}, {P, 2}},
       {{S, 2, 3}, {P, 1, 2}},
       {1}, {3}},
      {"several stages at once move from several versions",
       {{S, 3}, {P, 2}, {"A", 1}, {"B", 2}}, {S, "A", "B"}, 4,
       {{S, 4}, {P, 3}, {"A", 4}, {"B", 4}},
       {{S, 3, 4}, {P, 2, 3}, {"A", 1, 4}, {"B", 2, 4}},
       {1, 2}, {4}},
      {"12 stages exactly, SYSPREVIOUS included, is allowed",
       with_customs(10, 1, {{S, 1}}), {S}, 2,
       with_customs(10, 1, {{S, 2}, {P, 1}}),
       {{S, 1, 2}, {P, std::nullopt, 1}},
       {}, {2}},
      {"moving a stage when 12 exist keeps 12",
       with_customs(10, 1, {{S, 2}, {P, 1}}), {"C3"}, 2,
       [] {
         StageMap map = with_customs(10, 1, {{S, 2}, {P, 1}});
         map["C3"] = 2;
         return map;
       }(),
       {{"C3", 1, 2}},
       {}, {}},
  };
}

TEST_CASE("plan_stage_placement applies the stage rules", "[unit][domain][version_policy]") {
  const PlacementCase c = GENERATE(from_range(placement_cases()));
  INFO(c.name << "; before = " << show(c.before));
  const auto plan = csms::unit::expect_ok(csms::domain::plan_stage_placement(c.before, c.stages, c.target));
  check_plan(plan, c.after, c.changes, c.deprecated, c.revived);
}

struct PlacementErrorCase {
  std::string name;
  StageMap before;
  std::vector<std::string> stages;
  VersionNumber target;
  Errc expected;
};

std::vector<PlacementErrorCase> placement_error_cases() {
  return {
      {"a 13th custom stage", with_customs(10, 1, {{S, 2}, {P, 1}}), {"NEW"}, 2, Errc::kStageLimitReached},
      {"moving SYSCURRENT when 12 stages exist and SYSPREVIOUS would be the 13th", with_customs(11, 1, {{S, 1}}), {S},
       2, Errc::kStageLimitReached},
      {"two new stages when 11 exist", with_customs(9, 1, {{S, 2}, {P, 1}}), {"X", "Y"}, 2,
       Errc::kStageLimitReached},
  };
}

TEST_CASE("plan_stage_placement counts the result against the 12-stage limit", "[unit][domain][version_policy]") {
  const PlacementErrorCase c = GENERATE(from_range(placement_error_cases()));
  INFO(c.name);
  CHECK_ERRC(csms::domain::plan_stage_placement(c.before, c.stages, c.target), c.expected);
}

// ---------------------------------------------------------------------------------------------------------------
// plan_stage_removal

struct RemovalCase {
  std::string name;
  StageMap before;
  std::string stage;
  StageMap after;
  std::vector<VersionNumber> deprecated;
};

std::vector<RemovalCase> removal_cases() {
  return {
      {"the only stage of a version: the version becomes deprecated", {{S, 2}, {P, 1}, {"A", 3}}, "A",
       {{S, 2}, {P, 1}}, {3}},
      {"a stage on a version that keeps SYSCURRENT: nothing deprecated", {{S, 2}, {P, 1}, {"A", 2}}, "A",
       {{S, 2}, {P, 1}}, {}},
      {"a stage on a version that keeps another custom stage", {{S, 3}, {"A", 1}, {"B", 1}}, "A",
       {{S, 3}, {"B", 1}}, {}},
      {"other versions and stages are untouched", {{S, 4}, {P, 3}, {"A", 2}, {"B", 1}}, "B",
       {{S, 4}, {P, 3}, {"A", 2}}, {1}},
  };
}

TEST_CASE("plan_stage_removal removes only the label", "[unit][domain][version_policy]") {
  const RemovalCase c = GENERATE(from_range(removal_cases()));
  INFO(c.name);
  const auto plan = csms::unit::expect_ok(csms::domain::plan_stage_removal(c.before, c.stage));
  CHECK(plan.after == c.after);
  CHECK(plan.changes.empty());
  CHECK(sorted(plan.deprecated) == sorted(c.deprecated));
  CHECK(plan.revived.empty());
}

TEST_CASE("plan_stage_removal refuses system stages and unknown stages", "[unit][domain][version_policy]") {
  const StageMap before{{S, 2}, {P, 1}, {"A", 2}};
  struct Case {
    StageMap before;
    std::string stage;
    Errc expected;
  };
  const Case c = GENERATE_COPY(values<Case>({
      {before, S, Errc::kSystemStageNotDeletable},
      {before, P, Errc::kSystemStageNotDeletable},
      {StageMap{{S, 1}}, P, Errc::kSystemStageNotDeletable},  // even when nobody holds SYSPREVIOUS
      {before, "B", Errc::kNotFound},
      {before, "a", Errc::kNotFound},  // names are case-sensitive
      {StageMap{}, "A", Errc::kNotFound},
  }));
  INFO("removing " << c.stage << " from " << show(c.before));
  CHECK_ERRC(csms::domain::plan_stage_removal(c.before, c.stage), c.expected);
}

// ---------------------------------------------------------------------------------------------------------------
// plan_new_version

std::vector<VersionNumber> range(VersionNumber first, VersionNumber last) {
  std::vector<VersionNumber> out;
  for (VersionNumber n = first; n <= last; ++n) out.push_back(n);
  return out;
}

struct NewVersionCase {
  std::string name;
  StageMap before;
  std::vector<VersionNumber> existing;
  VersionNumber last_issued;
  std::optional<std::vector<std::string>> requested;
  VersionNumber number;
  std::optional<VersionNumber> evicted;
  StageMap after;
  std::vector<VersionNumber> deprecated;
  std::vector<VersionNumber> revived;
};

std::vector<NewVersionCase> new_version_cases() {
  using Stages = std::optional<std::vector<std::string>>;
  return {
      {"first version of a secret gets SYSCURRENT and no SYSPREVIOUS", {}, {}, 0, std::nullopt, 1, std::nullopt,
       {{S, 1}}, {}, {}},
      {"no version_stages: SYSCURRENT moves, former holder gets SYSPREVIOUS, old SYSPREVIOUS holder deprecated",
       {{S, 2}, {P, 1}}, {1, 2}, 2, std::nullopt, 3, std::nullopt, {{S, 3}, {P, 2}}, {1}, {}},
      {"version_stages [SYSCURRENT] behaves like the default", {{S, 2}, {P, 1}}, {1, 2}, 2, Stages{{S}}, 3,
       std::nullopt, {{S, 3}, {P, 2}}, {1}, {}},
      {"version_stages without SYSCURRENT leaves SYSCURRENT and SYSPREVIOUS where they are", {{S, 2}, {P, 1}}, {1, 2},
       2, Stages{{"A"}}, 3, std::nullopt, {{S, 2}, {P, 1}, {"A", 3}}, {}, {}},
      {"version_stages moves a custom stage off its old version", {{S, 2}, {"A", 1}}, {1, 2}, 2, Stages{{"A"}}, 3,
       std::nullopt, {{S, 2}, {"A", 3}}, {1}, {}},
      {"version_stages with SYSCURRENT and a custom stage", {{S, 2}, {P, 1}, {"A", 1}}, {1, 2}, 2,
       Stages{{"A", S}}, 3, std::nullopt, {{S, 3}, {P, 2}, {"A", 3}}, {1}, {}},
      {"numbers are never reused: next = highest ever issued + 1", {{S, 2}}, {1, 2}, 7, std::nullopt, 8,
       std::nullopt, {{S, 8}, {P, 2}}, {}, {}},
      {"next number is above the highest existing version even if last_issued lags", {{S, 5}}, {1, 5}, 3,
       std::nullopt, 6, std::nullopt, {{S, 6}, {P, 5}}, {}, {}},
      {"19 versions: no eviction", {{S, 19}, {P, 18}}, range(1, 19), 19, std::nullopt, 20, std::nullopt,
       {{S, 20}, {P, 19}}, {18}, {}},
      {"20 versions: the oldest version without a stage is evicted", {{S, 20}, {P, 19}}, range(1, 20), 20,
       std::nullopt, 21, 1, {{S, 21}, {P, 20}}, {19}, {}},
      {"20 versions: a staged oldest version is skipped", {{S, 20}, {P, 19}, {"A", 1}, {"B", 2}}, range(1, 20), 20,
       std::nullopt, 21, 3, {{S, 21}, {P, 20}, {"A", 1}, {"B", 2}}, {19}, {}},
      {"eviction is decided before the stage move: the version losing SYSPREVIOUS is not the one evicted",
       {{S, 20}, {P, 1}}, range(1, 20), 20, std::nullopt, 21, 2, {{S, 21}, {P, 20}}, {1}, {}},
      {"20 versions with gaps in the numbers", {{S, 30}, {P, 29}, {"A", 11}}, range(11, 30), 33, std::nullopt, 34,
       12, {{S, 34}, {P, 30}, {"A", 11}}, {29}, {}},
      {"20 versions, version_stages without SYSCURRENT still evicts one", {{S, 20}}, range(1, 20), 20,
       Stages{{"A"}}, 21, 1, {{S, 20}, {"A", 21}}, {}, {}},
      {"version_stages of 11 including SYSCURRENT plus the automatic SYSPREVIOUS make 12", {{S, 1}}, {1}, 1,
       Stages{{S, "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10"}}, 2, std::nullopt,
       with_customs(10, 2, {{S, 2}, {P, 1}}), {}, {}},
  };
}

TEST_CASE("plan_new_version numbers, evicts and places stages", "[unit][domain][version_policy]") {
  const NewVersionCase c = GENERATE(from_range(new_version_cases()));
  INFO(c.name << "; before = " << show(c.before));
  const auto plan =
      csms::unit::expect_ok(csms::domain::plan_new_version(c.before, c.existing, c.last_issued, c.requested));
  CHECK(plan.number == c.number);
  CHECK(plan.evicted == c.evicted);
  INFO("after = " << show(plan.stages.after));
  CHECK(plan.stages.after == c.after);
  CHECK(sorted(plan.stages.deprecated) == sorted(c.deprecated));
  CHECK(sorted(plan.stages.revived) == sorted(c.revived));
  // The new version is never in the revived list (it is inserted fresh) nor deprecated.
  CHECK(std::find(plan.stages.revived.begin(), plan.stages.revived.end(), plan.number) == plan.stages.revived.end());
  CHECK(std::find(plan.stages.deprecated.begin(), plan.stages.deprecated.end(), plan.number) ==
        plan.stages.deprecated.end());
  // Every placement that lands on the new version is listed as a change.
  for (const auto& placement : plan.stages.after) {
    // Named, not a structured binding: clang 14 (the sanitizer build) cannot capture those in a lambda.
    const auto& stage = placement.first;
    const auto version = placement.second;
    if (version != plan.number) continue;
    const bool listed = std::any_of(plan.stages.changes.begin(), plan.stages.changes.end(),
                                    [&](const auto& change) { return change.stage == stage && change.to == version; });
    CHECK(listed);
  }
}

TEST_CASE("plan_new_version with [SYSCURRENT] equals the default plan", "[unit][domain][version_policy]") {
  const StageMap before{{S, 3}, {P, 2}, {"A", 1}};
  const std::vector<VersionNumber> existing{1, 2, 3};
  const auto by_default = csms::unit::expect_ok(csms::domain::plan_new_version(before, existing, 3, std::nullopt));
  const auto listed = csms::unit::expect_ok(
      csms::domain::plan_new_version(before, existing, 3, std::vector<std::string>{S}));
  CHECK(by_default.number == listed.number);
  CHECK(by_default.evicted == listed.evicted);
  CHECK(by_default.stages.after == listed.stages.after);
  CHECK(changes_of(by_default.stages) == changes_of(listed.stages));
  CHECK(sorted(by_default.stages.deprecated) == sorted(listed.stages.deprecated));
}

TEST_CASE("plan_new_version evicts exactly one version however many are unstaged", "[unit][domain][version_policy]") {
  // 20 versions, only v20 staged: 19 candidates, one (the oldest) goes.
  const auto plan =
      csms::unit::expect_ok(csms::domain::plan_new_version(StageMap{{S, 20}}, range(1, 20), 20, std::nullopt));
  REQUIRE(plan.evicted.has_value());
  CHECK(*plan.evicted == 1);
  // Even an unsorted list of existing versions yields the oldest.
  std::vector<VersionNumber> shuffled{7, 3, 9, 4, 5, 6, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22};
  const auto again = csms::unit::expect_ok(
      csms::domain::plan_new_version(StageMap{{S, 22}, {P, 3}}, shuffled, 22, std::nullopt));
  CHECK(again.evicted == std::optional<VersionNumber>(4));
  CHECK(again.number == 23);
}

struct NewVersionErrorCase {
  std::string name;
  StageMap before;
  std::optional<std::vector<std::string>> requested;
  Errc expected;
};

std::vector<std::string> names(std::size_t count, const std::string& prefix = "N") {
  std::vector<std::string> out;
  for (std::size_t i = 1; i <= count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

std::vector<NewVersionErrorCase> new_version_error_cases() {
  std::vector<std::string> twelve_with_current = names(11);
  twelve_with_current.push_back(S);
  std::vector<std::string> thirteen_with_duplicates = names(12);
  thirteen_with_duplicates.push_back("N1");
  return {
      {"empty version_stages", {{S, 1}}, std::vector<std::string>{}, Errc::kInvalidParameter},
      {"duplicate entries", {{S, 1}}, std::vector<std::string>{"A", "A"}, Errc::kInvalidParameter},
      {"duplicate SYSCURRENT", {{S, 1}}, std::vector<std::string>{S, "B", S}, Errc::kInvalidParameter},
      {"13 entries", {{S, 1}}, names(13), Errc::kStageListTooLong},
      {"13 entries with a duplicate", {{S, 1}}, thirteen_with_duplicates, Errc::kStageListTooLong},
      {"20 entries", {}, names(20), Errc::kStageListTooLong},
      {"12 new stages on a secret that has SYSCURRENT make 13", {{S, 1}}, names(12), Errc::kStageLimitReached},
      {"12 entries with SYSCURRENT: the automatic SYSPREVIOUS makes 13", {{S, 1}}, twelve_with_current,
       Errc::kStageLimitReached},
      {"one new stage when 12 exist", with_customs(10, 1, {{S, 2}, {P, 1}}), std::vector<std::string>{"NEW"},
       Errc::kStageLimitReached},
  };
}

TEST_CASE("plan_new_version validates version_stages and the stage limit", "[unit][domain][version_policy]") {
  const NewVersionErrorCase c = GENERATE(from_range(new_version_error_cases()));
  INFO(c.name);
  std::vector<VersionNumber> existing;
  for (const auto& [stage, version] : c.before) existing.push_back(version);
  std::sort(existing.begin(), existing.end());
  existing.erase(std::unique(existing.begin(), existing.end()), existing.end());
  const VersionNumber last = existing.empty() ? 0 : existing.back();
  CHECK_ERRC(csms::domain::plan_new_version(c.before, existing, last, c.requested), c.expected);
}

TEST_CASE("to_stage_map maps each stage to its version", "[unit][domain][version_policy]") {
  const std::vector<csms::core::Stage> stages{{S, 3, 1000}, {P, 2, 1000}, {"A", 3, 2000}};
  const StageMap map = csms::domain::to_stage_map(stages);
  CHECK(map == StageMap{{S, 3}, {P, 2}, {"A", 3}});
}

}  // namespace
