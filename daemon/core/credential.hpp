// credential.hpp: callers' credentials (access keys and tokens), roles and project scopes as the store keeps them.
#pragma once

#include "core/model.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::core {

/// What a caller may do. reader, writer and admin each include the ones before them; metrics stands apart: it may
/// scrape GET /metrics and nothing else, so a Prometheus scraper need not hold a credential that reads secrets.
enum class Role { kReader, kWriter, kAdmin, kMetrics };

std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view text);

/// The role names as error messages and help texts list them.
inline constexpr std::string_view kRoleNames = "reader, writer, admin or metrics";

enum class CredentialKind { kAccessKey, kToken };

std::string_view to_string(CredentialKind kind);

/// The project scope that stands for every project.
inline constexpr std::string_view kAllProjects = "*";

/// One credential. An access key carries its secret key sealed (signatures are verified with it); a token only the
/// SHA-256 of its text.
struct Credential {
  std::string id;  ///< public UUID, used to revoke and in the audit log
  CredentialKind kind = CredentialKind::kAccessKey;
  std::string access_key;                  ///< access keys only
  std::optional<SealedValue> sealed_secret;  ///< access keys only
  std::vector<std::uint8_t> token_hash;    ///< tokens only
  Role role = Role::kReader;
  std::vector<std::string> projects;  ///< sorted; may be {"*"}
  std::string description;
  EpochMillis create_time = 0;
};

/// A data key as stored: wrapped under the key-encryption key.
struct DataKeyRecord {
  std::uint32_t key_id = 0;
  std::vector<std::uint8_t> wrapped_key;
  bool is_current = false;
  EpochMillis created_time = 0;
};

/// scrypt parameters of a passphrase-derived key-encryption key.
struct PassphraseKdf {
  std::vector<std::uint8_t> salt;
  int log2_n = 15;
  int r = 8;
  int p = 1;
};

/// A version's sealed value with what binds it, for re-sealing under a new data key.
struct SealedVersionRef {
  std::int64_t secret_row = 0;
  std::string project_id;
  std::string secret_id;
  VersionNumber number = 0;
  SealedValue value;
};

/// An access key's sealed secret key, for re-sealing.
struct SealedCredentialRef {
  std::string credential_id;
  SealedValue value;
};

}  // namespace csms::core
