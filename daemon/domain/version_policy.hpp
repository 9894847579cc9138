// version_policy.hpp: the CSMS stage and version rules as pure functions (no I/O), applied by SecretService.
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace csms::domain {

inline constexpr std::size_t kMaxStagesPerSecret = 12;   // csms-api.md decision 2
inline constexpr std::size_t kMaxVersionsPerSecret = 20;  // csms-api.md decision 4

/// Where each stage of a secret is: stage name → version number.
using StageMap = std::map<std::string, core::VersionNumber, std::less<>>;

struct StageChange {
  std::string stage;
  std::optional<core::VersionNumber> from;  ///< empty when the stage is new to the secret
  core::VersionNumber to = 0;
};

/// The effect of an operation on a secret's stages.
struct StagePlan {
  StageMap after;
  /// Stages whose placement changes (each is one row written, with update_time = now).
  std::vector<StageChange> changes;
  /// Existing versions that carried a stage before and carry none after: they become deprecated now.
  std::vector<core::VersionNumber> deprecated;
  /// Existing versions that carried no stage before and carry one after: they are no longer deprecated.
  std::vector<core::VersionNumber> revived;
};

/// Places every stage of `stages` on `target`, moving it from wherever it was. Whenever SYSCURRENT moves to
/// another version, the version that held it receives SYSPREVIOUS (decision 3; this automatic move wins over an
/// explicit SYSPREVIOUS in the same request). Moving a stage onto the version that holds it changes nothing.
/// Fails with kStageLimitReached when the result has more than 12 distinct stages.
core::Result<StagePlan> plan_stage_placement(const StageMap& before, std::span<const std::string> stages,
                                             core::VersionNumber target);

/// Removes `stage`. SYSCURRENT and SYSPREVIOUS cannot be removed (kSystemStageNotDeletable); a stage that does
/// not exist is kNotFound. Only the label goes: the version it was on stays (deprecated if it has no other stage).
core::Result<StagePlan> plan_stage_removal(const StageMap& before, std::string_view stage);

struct NewVersionPlan {
  core::VersionNumber number = 0;
  /// The oldest version without a stage, deleted first when the secret already has 20 versions.
  std::optional<core::VersionNumber> evicted;
  StagePlan stages;
};

/// Plans CreateSecretVersion. `requested_stages` empty means the default, SYSCURRENT. `existing` lists the
/// numbers of the secret's versions; `last_issued` is the highest number ever issued (ids are never reused).
/// Validates the list: 1 to 12 entries (kStageListTooLong above 12), no duplicates (kInvalidParameter).
/// `reserved`, when given, is the number to use instead of the next one: a number issued earlier that no version
/// has (RotateSecret reserves its version's number when it is requested); kInternal when a version has it.
core::Result<NewVersionPlan> plan_new_version(const StageMap& before, std::span<const core::VersionNumber> existing,
                                              core::VersionNumber last_issued,
                                              const std::optional<std::vector<std::string>>& requested_stages,
                                              std::optional<core::VersionNumber> reserved = std::nullopt);

/// Builds a StageMap from stored stages.
StageMap to_stage_map(std::span<const core::Stage> stages);

}  // namespace csms::domain
