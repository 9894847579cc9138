// model.hpp: plain structs for secrets, versions and stages as every layer below the API sees them.
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::core {

enum class SecretState { kEnabled, kDisabled, kPendingDelete, kFrozen };

std::string_view to_string(SecretState state);
std::optional<SecretState> secret_state_from_string(std::string_view text);

/// Version numbers: the API spells version N as "vN".
using VersionNumber = std::int64_t;

inline constexpr std::string_view kStageCurrent = "SYSCURRENT";
inline constexpr std::string_view kStagePrevious = "SYSPREVIOUS";

/// Secret metadata. `row_id` is the store's key and never leaves the daemon; `id` is the public UUID.
struct Secret {
  std::int64_t row_id = 0;
  std::string id;
  std::string project_id;
  std::string name;
  SecretState state = SecretState::kEnabled;
  std::string kms_key_id;
  std::string description;
  std::string secret_type;
  bool auto_rotation = false;
  std::optional<std::string> rotation_period;
  std::optional<std::string> rotation_config;
  std::optional<std::string> rotation_func_urn;
  std::vector<std::string> event_subscriptions;
  std::string enterprise_project_id;
  EpochMillis create_time = 0;
  EpochMillis update_time = 0;
  std::optional<EpochMillis> scheduled_delete_time;
  std::optional<EpochMillis> rotation_time;
  std::optional<EpochMillis> next_rotation_time;
  /// Highest version number ever issued for this secret, so numbers are never reused.
  VersionNumber last_version_number = 0;
};

/// Version metadata with the stages it carries (sorted by name).
struct VersionMetadata {
  VersionNumber number = 0;
  EpochMillis create_time = 0;
  std::optional<EpochMillis> expire_time;
  std::string kms_key_id;
  std::vector<std::string> stages;
  /// When the version lost its last stage; empty while it carries one. Drives pruning after the grace period.
  std::optional<EpochMillis> deprecated_since;
};

/// A value as the store keeps it: opaque sealed bytes and the id of the master key that sealed them.
struct SealedValue {
  std::uint32_t key_id = 0;
  std::vector<std::uint8_t> blob;
};

struct StoredVersion {
  VersionMetadata metadata;
  SealedValue value;
};

struct Stage {
  std::string name;
  VersionNumber version = 0;
  EpochMillis update_time = 0;
};

/// Whether the plaintext was uploaded as secret_string or secret_binary (base64 text, returned verbatim).
enum class ValueKind : std::uint8_t { kString = 1, kBinary = 2 };

/// "v12" for 12.
std::string version_id(VersionNumber number);

}  // namespace csms::core
