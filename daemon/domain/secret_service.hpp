// secret_service.hpp: the CSMS use cases; each method is one store transaction around the pure policy.
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/secure_buffer.hpp"
#include "core/time.hpp"
#include "crypto/sealer.hpp"
#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace csms::domain {

/// Inputs arrive validated by the API layer (regexes, ranges, enums); the service enforces the rules that need
/// stored state (existence, states, stage and version limits).
struct CreateSecretInput {
  std::string project_id;
  std::string name;
  std::optional<std::string> kms_key_id;  ///< empty → the project's default key id
  std::string description;
  crypto::PlainValue value;
  std::string secret_type = "COMMON";
  bool auto_rotation = false;
  std::optional<std::string> rotation_period;
  std::optional<std::string> rotation_config;
  std::optional<std::string> rotation_func_urn;
  std::vector<std::string> event_subscriptions;
  std::string enterprise_project_id = "0";
};

/// Only the fields that are present change.
struct UpdateSecretInput {
  std::optional<std::string> kms_key_id;
  std::optional<std::string> description;
  std::optional<bool> auto_rotation;
  std::optional<std::string> rotation_period;
  std::optional<std::vector<std::string>> event_subscriptions;
  std::optional<std::string> rotation_func_urn;
};

struct CreateVersionInput {
  crypto::PlainValue value;
  std::optional<std::vector<std::string>> stages;  ///< empty → SYSCURRENT
  std::optional<core::EpochMillis> expire_time;
};

/// A version number, or nullopt for `latest` (the existing version with the highest number, decision 5).
using VersionRef = std::optional<core::VersionNumber>;

struct VersionWithValue {
  core::VersionMetadata metadata;
  crypto::PlainValue value;
};

template <class T>
struct Page {
  std::vector<T> items;
  bool has_more = false;
};

class SecretService {
 public:
  SecretService(store::Store& store, const crypto::Sealer& sealer, core::Clock clock)
      : store_(store), sealer_(sealer), clock_(std::move(clock)) {}

  core::Result<core::Secret> create_secret(CreateSecretInput input);
  core::Result<Page<core::Secret>> list_secrets(const std::string& project_id, const std::optional<std::string>& marker,
                                                const std::optional<std::string>& event_name, std::size_t limit);
  core::Result<core::Secret> get_secret(const std::string& project_id, const std::string& name);
  core::Result<core::Secret> update_secret(const std::string& project_id, const std::string& name,
                                           const UpdateSecretInput& input);
  core::Status delete_secret(const std::string& project_id, const std::string& name);
  core::Result<core::Secret> schedule_deletion(const std::string& project_id, const std::string& name, int days);
  core::Result<core::Secret> cancel_deletion(const std::string& project_id, const std::string& name);

  core::Result<core::VersionMetadata> create_version(const std::string& project_id, const std::string& name,
                                                     CreateVersionInput input);
  core::Result<Page<core::VersionMetadata>> list_versions(const std::string& project_id, const std::string& name,
                                                          VersionRef marker, bool marker_is_latest, std::size_t limit);
  core::Result<VersionWithValue> get_version(const std::string& project_id, const std::string& name, VersionRef ref);
  core::Result<core::VersionMetadata> update_version(const std::string& project_id, const std::string& name,
                                                     VersionRef ref, std::optional<core::EpochMillis> expire_time);

  /// Creates the stage or moves it onto `version` (POST /stages and PUT /stages/{name} alike).
  core::Result<core::Stage> put_stage(const std::string& project_id, const std::string& name, const std::string& stage,
                                      core::VersionNumber version);
  core::Result<core::Stage> get_stage(const std::string& project_id, const std::string& name, const std::string& stage);
  core::Status delete_stage(const std::string& project_id, const std::string& name, const std::string& stage);

  /// Deletes versions deprecated for longer than `grace` and secrets whose scheduled deletion time has passed.
  core::Result<store::PruneCounts> prune(std::chrono::milliseconds grace);

  /// The key id reported for a project when a secret names none: stable, derived from the project id.
  static std::string default_kms_key_id(const std::string& project_id);

 private:
  store::Store& store_;
  const crypto::Sealer& sealer_;
  core::Clock clock_;
};

}  // namespace csms::domain
