// pg_transaction.hpp: store::Transaction over one PostgreSQL connection; its methods live in the *_rows.cpp files.
#pragma once

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

#include <memory>

namespace csms::store::postgres {

/// How a transaction begins and ends on its connection.
enum class Boundary {
  /// BEGIN ISOLATION LEVEL SERIALIZABLE (write) or REPEATABLE READ READ ONLY (read, sent with its first statement
  /// and ended without waiting); ROLLBACK when abandoned
  kTransaction,
  kSavepoint,    ///< nested in a write job's transaction: SAVEPOINT … RELEASE, ROLLBACK TO when abandoned
};

class PgTransaction final : public Transaction {
 public:
  /// Issues BEGIN or SAVEPOINT; the factory PgTransaction::start reports a failure as an error. `hold` is whatever
  /// must outlive the transaction (the pooled connection's lease); it is released after the transaction has ended.
  static core::Result<std::unique_ptr<PgTransaction>> start(Connection& connection, TransactionMode mode,
                                                             Boundary boundary, std::shared_ptr<void> hold);
  ~PgTransaction() override;
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  core::Result<std::optional<core::Secret>> find_secret(std::string_view project_id, std::string_view name) override;
  core::Result<std::vector<core::Secret>> list_secrets(std::string_view project_id,
                                                       std::optional<std::string_view> after_name,
                                                       std::optional<std::string_view> event_name,
                                                       std::size_t limit) override;
  core::Result<std::int64_t> insert_secret(const core::Secret& secret) override;
  core::Status update_secret(const core::Secret& secret) override;
  core::Status delete_secret(std::int64_t secret_row) override;
  core::Result<std::optional<core::Secret>> find_secret_by_id(std::string_view project_id,
                                                              std::string_view id) override;
  core::Result<std::vector<core::Secret>> filter_secrets(std::string_view project_id, const core::SecretFilter& filter,
                                                         std::size_t offset, std::size_t limit) override;
  core::Result<std::int64_t> count_filtered_secrets(std::string_view project_id,
                                                    const core::SecretFilter& filter) override;

  core::Result<std::vector<core::VersionMetadata>> list_versions(std::int64_t secret_row,
                                                                 std::optional<core::VersionNumber> after,
                                                                 std::size_t limit) override;
  core::Result<std::optional<core::StoredVersion>> find_version(std::int64_t secret_row,
                                                                core::VersionNumber number) override;
  core::Result<std::optional<core::VersionNumber>> latest_version(std::int64_t secret_row) override;
  core::Status insert_version(std::int64_t secret_row, const core::StoredVersion& version) override;
  core::Status update_version_expiry(std::int64_t secret_row, core::VersionNumber number,
                                     std::optional<core::EpochMillis> expire_time) override;
  core::Status set_version_deprecated_since(std::int64_t secret_row, core::VersionNumber number,
                                            std::optional<core::EpochMillis> since) override;
  core::Status delete_version(std::int64_t secret_row, core::VersionNumber number) override;

  core::Result<std::vector<core::Stage>> list_stages(std::int64_t secret_row) override;
  core::Result<std::optional<core::Stage>> find_stage(std::int64_t secret_row, std::string_view name) override;
  core::Status put_stage(std::int64_t secret_row, const core::Stage& stage) override;
  core::Status delete_stage(std::int64_t secret_row, std::string_view name) override;

  core::Result<std::vector<core::Tag>> list_tags(std::int64_t secret_row) override;
  core::Result<std::vector<std::pair<std::int64_t, core::Tag>>> list_tags_of_secrets(
      const std::vector<std::int64_t>& secret_rows) override;
  core::Status put_tag(std::int64_t secret_row, const core::Tag& tag) override;
  core::Result<bool> delete_tag(std::int64_t secret_row, std::string_view key) override;
  core::Result<std::vector<core::TagKeyValues>> list_project_tags(std::string_view project_id) override;

  core::Result<VaultStatistics> vault_statistics() override;
  core::Result<PruneCounts> prune(core::EpochMillis cutoff, core::EpochMillis now) override;

  core::Result<std::vector<core::Secret>> list_secrets_due_for_deletion(core::EpochMillis now) override;

  core::Result<std::optional<core::Event>> find_event(std::string_view project_id, std::string_view name) override;
  core::Result<std::vector<core::Event>> list_events(std::string_view project_id,
                                                     std::optional<std::string_view> after_name,
                                                     std::size_t limit) override;
  core::Status insert_event(const core::Event& event) override;
  core::Status update_event(const core::Event& event) override;
  core::Status delete_event(std::int64_t event_row) override;
  core::Result<std::int64_t> count_event_subscribers(std::string_view project_id, std::string_view name) override;

  core::Status insert_notification_record(const core::NotificationRecord& record) override;
  core::Result<std::vector<core::NotificationRecord>> list_notification_records(
      std::string_view project_id, core::EpochMillis since, const std::optional<core::RecordPosition>& after,
      std::size_t limit) override;
  core::Result<std::vector<core::NotificationRecord>> list_pending_notifications(core::EpochMillis now,
                                                                                 std::size_t limit) override;
  core::Status record_delivery_attempt(std::int64_t record_row, std::string_view status, std::int64_t attempts,
                                       core::EpochMillis next_attempt_time) override;

  core::Result<std::vector<core::ExpiredVersion>> list_unannounced_expiries(core::EpochMillis now,
                                                                           std::size_t limit) override;
  core::Status mark_expiry_announced(std::int64_t secret_row, core::VersionNumber number,
                                     core::EpochMillis expire_time) override;

  core::Status insert_rotation_task(const core::RotationTask& task) override;
  core::Status update_rotation_task(const core::RotationTask& task) override;
  core::Result<std::vector<core::RotationTask>> list_rotation_tasks(std::string_view project_id,
                                                                   const core::TaskFilter& filter,
                                                                   std::optional<std::string_view> after_id,
                                                                   std::size_t limit) override;
  core::Result<std::int64_t> count_rotation_tasks(std::string_view project_id, const core::TaskFilter& filter) override;
  core::Result<std::vector<core::RotationTask>> list_running_rotation_tasks(std::size_t limit) override;
  core::Result<std::vector<core::Secret>> list_secrets_due_for_rotation(core::EpochMillis now,
                                                                       std::size_t limit) override;

  core::Result<std::vector<core::SealedValue>> list_key_checks() override;
  core::Status insert_key_check(const core::SealedValue& check, core::EpochMillis now) override;
  core::Status delete_key_check(std::uint32_t key_id) override;

  core::Result<std::vector<core::DataKeyRecord>> list_data_keys() override;
  core::Status insert_data_key(const core::DataKeyRecord& key) override;
  core::Status delete_data_key(std::uint32_t key_id) override;
  core::Result<std::optional<core::PassphraseKdf>> find_passphrase_kdf() override;
  core::Status insert_passphrase_kdf(const core::PassphraseKdf& kdf) override;

  core::Result<std::vector<std::pair<std::uint32_t, std::int64_t>>> count_sealed_rows_by_key() override;
  core::Result<std::vector<core::SealedVersionRef>> list_versions_sealed_with_other_keys(std::uint32_t current_key_id,
                                                                                        std::size_t limit) override;
  core::Status replace_version_seal(std::int64_t secret_row, core::VersionNumber number,
                                    const core::SealedValue& value) override;
  core::Result<std::vector<core::SealedCredentialRef>> list_credentials_sealed_with_other_keys(
      std::uint32_t current_key_id, std::size_t limit) override;
  core::Status replace_credential_seal(std::string_view credential_id, const core::SealedValue& value) override;

  core::Status insert_credential(const core::Credential& credential) override;
  core::Result<std::optional<core::Credential>> find_credential_by_access_key(std::string_view access_key) override;
  core::Result<std::optional<core::Credential>> find_credential_by_token_hash(
      std::span<const std::uint8_t> token_hash) override;
  core::Result<std::optional<core::Credential>> find_credential(std::string_view id) override;
  core::Result<std::vector<core::Credential>> list_credentials() override;
  core::Status delete_credential(std::string_view id) override;

  core::Status commit() override;

 private:
  PgTransaction(Connection& connection, Boundary boundary, bool snapshot_read, std::shared_ptr<void> hold);

  core::Result<std::vector<std::string>> load_event_subscriptions(std::int64_t secret_row);
  /// Fills event_subscriptions of a page of secrets with one statement.
  core::Status load_page_event_subscriptions(std::vector<core::Secret>& secrets);
  core::Status store_event_subscriptions(const core::Secret& secret);
  core::Result<std::vector<std::string>> credential_projects(std::string_view id);
  core::Result<std::vector<std::string>> stages_of_version(std::int64_t secret_row, core::VersionNumber number);

  std::shared_ptr<void> hold_;
  Connection& db_;
  Boundary boundary_;
  /// A read-only transaction of its own: its BEGIN travels with its first statement and its end is not waited for
  /// (two round trips fewer per read).
  bool snapshot_read_;
  bool open_ = false;
};

}  // namespace csms::store::postgres
