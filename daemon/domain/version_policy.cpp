// version_policy.cpp: stage placement, removal and the version cap.
#include "domain/version_policy.hpp"

#include <algorithm>
#include <set>

namespace csms::domain {
namespace {

std::set<core::VersionNumber> staged_versions(const StageMap& stages) {
  std::set<core::VersionNumber> versions;
  for (const auto& [name, version] : stages) versions.insert(version);
  return versions;
}

// Fills changes, deprecated and revived by comparing `before` with plan.after.
void finish_plan(const StageMap& before, StagePlan& plan) {
  for (const auto& [name, version] : plan.after) {
    const auto old = before.find(name);
    if (old == before.end()) {
      plan.changes.push_back({name, std::nullopt, version});
    } else if (old->second != version) {
      plan.changes.push_back({name, old->second, version});
    }
  }
  const auto had = staged_versions(before);
  const auto has = staged_versions(plan.after);
  std::set_difference(had.begin(), had.end(), has.begin(), has.end(), std::back_inserter(plan.deprecated));
  std::set_difference(has.begin(), has.end(), had.begin(), had.end(), std::back_inserter(plan.revived));
}

}  // namespace

StageMap to_stage_map(std::span<const core::Stage> stages) {
  StageMap map;
  for (const core::Stage& stage : stages) map.emplace(stage.name, stage.version);
  return map;
}

core::Result<StagePlan> plan_stage_placement(const StageMap& before, std::span<const std::string> stages,
                                             core::VersionNumber target) {
  StagePlan plan;
  plan.after = before;
  std::optional<core::VersionNumber> former_current;
  for (const std::string& stage : stages) {
    auto placed = plan.after.find(stage);
    if (placed != plan.after.end() && placed->second == target) continue;
    if (stage == core::kStageCurrent && placed != plan.after.end()) former_current = placed->second;
    plan.after.insert_or_assign(stage, target);
  }
  if (former_current) plan.after.insert_or_assign(std::string(core::kStagePrevious), *former_current);
  if (plan.after.size() > kMaxStagesPerSecret) {
    return core::make_error(core::Errc::kStageLimitReached,
                            "a secret can have at most " + std::to_string(kMaxStagesPerSecret) + " stages");
  }
  finish_plan(before, plan);
  return plan;
}

core::Result<StagePlan> plan_stage_removal(const StageMap& before, std::string_view stage) {
  if (stage == core::kStageCurrent || stage == core::kStagePrevious) {
    return core::make_error(core::Errc::kSystemStageNotDeletable, "the stage " + std::string(stage) + " cannot be deleted");
  }
  auto found = before.find(stage);
  if (found == before.end()) {
    return core::make_error(core::Errc::kNotFound, "the stage " + std::string(stage) + " does not exist");
  }
  StagePlan plan;
  plan.after = before;
  plan.after.erase(std::string(stage));
  finish_plan(before, plan);
  return plan;
}

core::Result<NewVersionPlan> plan_new_version(const StageMap& before, std::span<const core::VersionNumber> existing,
                                              core::VersionNumber last_issued,
                                              const std::optional<std::vector<std::string>>& requested_stages,
                                              std::optional<core::VersionNumber> reserved) {
  std::vector<std::string> stages;
  if (requested_stages) {
    if (requested_stages->empty()) {
      return core::make_error(core::Errc::kInvalidParameter, "version_stages must list 1 to 12 stages");
    }
    if (requested_stages->size() > kMaxStagesPerSecret) {
      return core::make_error(core::Errc::kStageListTooLong,
                              "version_stages lists more than " + std::to_string(kMaxStagesPerSecret) + " stages");
    }
    std::set<std::string_view> seen;
    for (const std::string& stage : *requested_stages) {
      if (!seen.insert(stage).second) {
        return core::make_error(core::Errc::kInvalidParameter, "version_stages lists " + stage + " twice");
      }
    }
    stages = *requested_stages;
  } else {
    stages.emplace_back(core::kStageCurrent);
  }

  NewVersionPlan plan;
  plan.number = std::max(last_issued, existing.empty() ? 0 : *std::max_element(existing.begin(), existing.end())) + 1;
  if (reserved) {
    if (*reserved < 1 || std::find(existing.begin(), existing.end(), *reserved) != existing.end()) {
      return core::make_error(core::Errc::kInternal,
                              "the reserved version " + core::version_id(*reserved) + " already exists");
    }
    plan.number = *reserved;
  }
  if (existing.size() >= kMaxVersionsPerSecret) {
    const auto staged = staged_versions(before);
    std::optional<core::VersionNumber> oldest;
    for (core::VersionNumber number : existing) {
      if (staged.contains(number)) continue;
      if (!oldest || number < *oldest) oldest = number;
    }
    if (!oldest) {
      return core::make_error(core::Errc::kInternal, "the secret has 20 versions and none without a stage");
    }
    plan.evicted = oldest;
  }
  CSMS_TRY_ASSIGN(plan.stages, plan_stage_placement(before, stages, plan.number));
  // The new version is inserted fresh, not revived.
  std::erase(plan.stages.revived, plan.number);
  return plan;
}

}  // namespace csms::domain
