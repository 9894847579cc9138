// service_support.cpp: shared use-case steps.
#include "domain/service_support.hpp"

#include "core/duration.hpp"

#include <limits>

namespace csms::domain::support {

core::Result<core::Secret> require_secret(store::Transaction& txn, const std::string& project_id,
                                          const std::string& name) {
  CSMS_TRY_ASSIGN(auto secret, txn.find_secret(project_id, name));
  if (!secret) return core::make_error(core::Errc::kNotFound, "the secret " + name + " does not exist");
  return std::move(*secret);
}

core::Status require_usable(const core::Secret& secret) {
  switch (secret.state) {
    case core::SecretState::kEnabled:
      return core::ok();
    case core::SecretState::kPendingDelete:
      return core::make_error(core::Errc::kSecretPendingDeletion,
                              "the secret " + secret.name + " is scheduled for deletion; cancel the deletion first");
    case core::SecretState::kDisabled:
    case core::SecretState::kFrozen:
      return core::make_error(core::Errc::kSecretNotEnabled, "the secret " + secret.name + " is " +
                                                                 std::string(core::to_string(secret.state)));
  }
  return core::make_error(core::Errc::kInternal, "unknown secret state");
}

core::Result<core::VersionNumber> resolve_version(store::Transaction& txn, const core::Secret& secret,
                                                  std::optional<core::VersionNumber> ref) {
  if (!ref) {
    CSMS_TRY_ASSIGN(auto latest, txn.latest_version(secret.row_id));
    if (!latest) return core::make_error(core::Errc::kNotFound, "the secret " + secret.name + " has no version");
    return *latest;
  }
  return *ref;
}

core::Result<core::StoredVersion> require_version(store::Transaction& txn, const core::Secret& secret,
                                                  std::optional<core::VersionNumber> ref) {
  CSMS_TRY_ASSIGN(const auto number, resolve_version(txn, secret, ref));
  CSMS_TRY_ASSIGN(auto stored, txn.find_version(secret.row_id, number));
  if (!stored) {
    return core::make_error(core::Errc::kNotFound,
                            "the version " + core::version_id(number) + " of " + secret.name + " does not exist");
  }
  return std::move(*stored);
}

core::Status apply_stage_plan(store::Transaction& txn, std::int64_t secret_row, const StageMap& before,
                              const StagePlan& plan, core::EpochMillis now) {
  for (const auto& [name, version] : before) {
    if (!plan.after.contains(name)) CSMS_TRY(txn.delete_stage(secret_row, name));
  }
  for (const StageChange& change : plan.changes) {
    CSMS_TRY(txn.put_stage(secret_row, core::Stage{change.stage, change.to, now}));
  }
  for (core::VersionNumber number : plan.deprecated) CSMS_TRY(txn.set_version_deprecated_since(secret_row, number, now));
  for (core::VersionNumber number : plan.revived) {
    CSMS_TRY(txn.set_version_deprecated_since(secret_row, number, std::nullopt));
  }
  return core::ok();
}

core::Result<StageMap> load_stage_map(store::Transaction& txn, std::int64_t secret_row) {
  CSMS_TRY_ASSIGN(const auto stages, txn.list_stages(secret_row));
  return to_stage_map(stages);
}

core::Result<core::VersionMetadata> add_version(store::Transaction& txn, core::Secret& secret,
                                                const crypto::Sealer& sealer, const crypto::PlainValue& value,
                                                const std::optional<std::vector<std::string>>& stages,
                                                std::optional<core::EpochMillis> expire_time, core::EpochMillis now,
                                                std::optional<core::VersionNumber> reserved) {
  CSMS_TRY_ASSIGN(const auto versions,
                  txn.list_versions(secret.row_id, std::nullopt, std::numeric_limits<std::size_t>::max() / 2));
  std::vector<core::VersionNumber> existing;
  existing.reserve(versions.size());
  for (const core::VersionMetadata& version : versions) existing.push_back(version.number);
  CSMS_TRY_ASSIGN(const auto before, load_stage_map(txn, secret.row_id));
  CSMS_TRY_ASSIGN(const auto plan, plan_new_version(before, existing, secret.last_version_number, stages, reserved));

  if (plan.evicted) CSMS_TRY(txn.delete_version(secret.row_id, *plan.evicted));
  core::StoredVersion version;
  version.metadata.number = plan.number;
  version.metadata.create_time = now;
  version.metadata.expire_time = expire_time;
  version.metadata.kms_key_id = secret.kms_key_id;
  CSMS_TRY_ASSIGN(version.value, sealer.seal(value, {secret.project_id, secret.id, plan.number}));
  CSMS_TRY(txn.insert_version(secret.row_id, version));
  CSMS_TRY(apply_stage_plan(txn, secret.row_id, before, plan.stages, now));
  // A reserved number may lie below numbers issued since (a secret restored from an older backup may not know it).
  secret.last_version_number = std::max(secret.last_version_number, plan.number);
  secret.update_time = now;
  CSMS_TRY(txn.update_secret(secret));
  for (const auto& [stage, number] : plan.stages.after) {
    if (number == plan.number) version.metadata.stages.push_back(stage);
  }
  return std::move(version.metadata);
}

std::optional<core::EpochMillis> next_rotation_time(const core::Secret& secret, core::EpochMillis from) {
  if (!secret.auto_rotation || !secret.rotation_period) return std::nullopt;
  const auto period = core::parse_duration(*secret.rotation_period);
  if (!period || period->count() <= 0) return std::nullopt;
  return core::truncate_to_seconds(from + period->count());
}

}  // namespace csms::domain::support
