// service_support.hpp: steps shared by the SecretService use cases (lookups, state gates, applying stage plans).
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"
#include "crypto/sealer.hpp"
#include "domain/version_policy.hpp"
#include "store/store.hpp"

#include <string>

namespace csms::domain::support {

/// The secret, or kNotFound naming it.
core::Result<core::Secret> require_secret(store::Transaction& txn, const std::string& project_id,
                                          const std::string& name);

/// kSecretPendingDeletion or kSecretNotEnabled unless the secret is ENABLED.
core::Status require_usable(const core::Secret& secret);

/// Resolves `latest` (nullopt) to the highest existing number; kNotFound when the version does not exist.
core::Result<core::VersionNumber> resolve_version(store::Transaction& txn, const core::Secret& secret,
                                                  std::optional<core::VersionNumber> ref);

/// The stored version `ref` refers to (latest when empty), or kNotFound naming it.
core::Result<core::StoredVersion> require_version(store::Transaction& txn, const core::Secret& secret,
                                                  std::optional<core::VersionNumber> ref);

/// Writes a stage plan: one row per changed stage, removed stages deleted, deprecation marks updated.
core::Status apply_stage_plan(store::Transaction& txn, std::int64_t secret_row, const StageMap& before,
                              const StagePlan& plan, core::EpochMillis now);

core::Result<StageMap> load_stage_map(store::Transaction& txn, std::int64_t secret_row);

/// Adds a version to `secret` (CreateSecretVersion and rotation alike): plans its number and stages (SYSCURRENT by
/// default, moving SYSPREVIOUS; the 20-version cap evicts the oldest deprecated version), seals and inserts it,
/// and updates the secret's last number and update_time (in `secret` too). Returns the new version's metadata.
/// `reserved` is a number issued earlier for this version (see plan_new_version).
core::Result<core::VersionMetadata> add_version(store::Transaction& txn, core::Secret& secret,
                                                const crypto::Sealer& sealer, const crypto::PlainValue& value,
                                                const std::optional<std::vector<std::string>>& stages,
                                                std::optional<core::EpochMillis> expire_time, core::EpochMillis now,
                                                std::optional<core::VersionNumber> reserved = std::nullopt);

/// When auto-rotation of `secret` is next due, counted from `from`; empty when auto_rotation is off.
std::optional<core::EpochMillis> next_rotation_time(const core::Secret& secret, core::EpochMillis from);

}  // namespace csms::domain::support
