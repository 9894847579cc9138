// backup_document.hpp: a secret with every version, value and stage as one binary document (the plaintext of a
// backup blob), and back.
//
// Document format 2, integers big-endian, text as u32 length | bytes, optional values as u8 present | value:
//   u8 format (2) | text id | text name | text kms_key_id | text description | text secret_type | u8 auto_rotation |
//   opt text rotation_period | opt text rotation_config | opt text rotation_func_urn |
//   u32 count | text event name... | text enterprise_project_id | i64 create_time | i64 update_time |
//   opt i64 rotation_time | opt i64 next_rotation_time | i64 last_version_number |
//   u32 count | versions: i64 number | i64 create_time | opt i64 expire_time | text kms_key_id |
//                         opt i64 deprecated_since | u8 value kind | text value |
//   u32 count | stages: text name | i64 version | i64 update_time |
//   u32 count | tags: text key | text value
// Format 1 is format 2 without the tags; it is still read (as a secret without tags), so a blob taken before tags
// were carried restores.
// The project is not in the document: it is bound by the blob's associated data instead.
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/secure_buffer.hpp"
#include "core/tags.hpp"
#include "crypto/sealer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace csms::domain {

struct BackedUpVersion {
  core::VersionMetadata metadata;  ///< stages are carried by SecretBackupContent::stages, not here
  crypto::PlainValue value;
};

struct SecretBackupContent {
  core::Secret secret;  ///< row_id, project_id, state and scheduled_delete_time are not carried
  std::vector<BackedUpVersion> versions;
  std::vector<core::Stage> stages;
  std::vector<core::Tag> tags;
};

/// The document, in a wiped buffer since it holds every value in plaintext.
core::SecureBuffer encode_backup(const SecretBackupContent& content);

/// kInvalidParameter when the document is truncated, has trailing bytes, an unknown format or inconsistent content
/// (a stage on a missing version, a version above last_version_number, a repeated version, stage or tag key).
core::Result<SecretBackupContent> decode_backup(std::span<const std::uint8_t> document);

}  // namespace csms::domain
