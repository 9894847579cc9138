// service_support.hpp: steps shared by the SecretService use cases (lookups, state gates, applying stage plans).
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"
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

}  // namespace csms::domain::support
