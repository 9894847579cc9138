// secret_backup.cpp: backing up one secret into a sealed blob and restoring it.
#include "domain/secret_backup.hpp"

#include "domain/backup_document.hpp"
#include "domain/service_support.hpp"

#include <limits>

namespace csms::domain {

core::Result<std::vector<std::uint8_t>> SecretBackup::backup(const std::string& project_id, const std::string& name) {
  SecretBackupContent content;
  {
    CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
    CSMS_TRY_ASSIGN(content.secret, support::require_secret(*txn, project_id, name));
    CSMS_TRY(support::require_usable(content.secret));
    const core::Secret& secret = content.secret;
    CSMS_TRY_ASSIGN(const auto versions,
                    txn->list_versions(secret.row_id, std::nullopt, std::numeric_limits<std::size_t>::max() / 2));
    for (const core::VersionMetadata& metadata : versions) {
      CSMS_TRY_ASSIGN(auto stored, txn->find_version(secret.row_id, metadata.number));
      if (!stored) return core::make_error(core::Errc::kInternal, "a listed version vanished inside its transaction");
      auto opened = sealer_.open(stored->value, {secret.project_id, secret.id, metadata.number});
      if (!opened) {
        return core::make_error(core::Errc::kCryptoFailure, "the version " + core::version_id(metadata.number) + " of " +
                                                                name + " cannot be decrypted: " + opened.error().detail);
      }
      content.versions.push_back(BackedUpVersion{std::move(stored->metadata), std::move(*opened)});
    }
    CSMS_TRY_ASSIGN(content.stages, txn->list_stages(secret.row_id));
    CSMS_TRY_ASSIGN(content.tags, txn->list_tags(secret.row_id));
  }
  const core::SecureBuffer document = encode_backup(content);
  return backup_sealer_.seal(document.span(), project_id);
}

core::Result<core::Secret> SecretBackup::restore(const std::string& project_id, std::span<const std::uint8_t> blob) {
  auto document = backup_sealer_.open(blob, project_id);
  if (!document) {
    // A blob that does not authenticate is the caller's input, not a fault of this vault.
    return core::make_error(core::Errc::kInvalidParameter, document.error().detail);
  }
  CSMS_TRY_ASSIGN(auto content, decode_backup(document->span()));
  core::Secret& secret = content.secret;
  secret.project_id = project_id;
  secret.state = core::SecretState::kEnabled;
  secret.scheduled_delete_time.reset();
  secret.update_time = clock_();

  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto existing, txn->find_secret(project_id, secret.name));
  if (existing) return core::make_error(core::Errc::kAlreadyExists, "the secret " + secret.name + " already exists");
  auto row = txn->insert_secret(secret);
  if (!row) {
    if (row.error().code == core::Errc::kAlreadyExists) {
      return core::make_error(core::Errc::kAlreadyExists,
                              "a secret with the id " + secret.id + " of this backup already exists");
    }
    return row.error();
  }
  secret.row_id = *row;
  for (const BackedUpVersion& version : content.versions) {
    core::StoredVersion stored;
    stored.metadata = version.metadata;
    CSMS_TRY_ASSIGN(stored.value, sealer_.seal(version.value, {secret.project_id, secret.id, version.metadata.number}));
    CSMS_TRY(txn->insert_version(secret.row_id, stored));
  }
  for (const core::Stage& stage : content.stages) CSMS_TRY(txn->put_stage(secret.row_id, stage));
  for (const core::Tag& tag : content.tags) CSMS_TRY(txn->put_tag(secret.row_id, tag));
  CSMS_TRY(txn->commit());
  return secret;
}

}  // namespace csms::domain
