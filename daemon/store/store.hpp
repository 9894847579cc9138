// store.hpp: the narrow storage interface the domain layer uses; SQLite (embedded) and PostgreSQL implement it.
#pragma once

#include "core/credential.hpp"
#include "core/error.hpp"
#include "core/events.hpp"
#include "core/model.hpp"
#include "core/tags.hpp"
#include "core/unique_fd.hpp"
#include "core/wiping_allocator.hpp"
#include "store/write_queue.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::store {

/// Counts of one pruning pass.
struct PruneCounts {
  std::int64_t versions_deleted = 0;
  std::int64_t secrets_deleted = 0;
};

/// What /metrics reports of the vault's contents, across every project.
struct VaultStatistics {
  std::int64_t secrets = 0;
  std::int64_t versions = 0;
  std::int64_t stages = 0;
  std::int64_t database_bytes = 0;  ///< the main database file (pages in use and free), not its WAL
};

/// One unit of work. Everything read or written through it is isolated from other transactions and becomes durable
/// only on commit(); destroying it without commit() rolls back. A transaction is used by one thread at a time.
///
/// The store trusts its caller for the CSMS rules (stages, limits, states): it only persists. It never sees a
/// plaintext value; versions carry sealed blobs.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // --- secrets ---
  virtual core::Result<std::optional<core::Secret>> find_secret(std::string_view project_id, std::string_view name) = 0;
  /// Secrets of a project in ascending byte order of name, starting after `after_name` when given, only those
  /// subscribed to `event_name` when given.
  virtual core::Result<std::vector<core::Secret>> list_secrets(std::string_view project_id,
                                                               std::optional<std::string_view> after_name,
                                                               std::optional<std::string_view> event_name,
                                                               std::size_t limit) = 0;
  /// Inserts and returns the new row id. kAlreadyExists when the (project, name) is taken.
  virtual core::Result<std::int64_t> insert_secret(const core::Secret& secret) = 0;
  /// Rewrites every mutable column of the secret identified by row_id.
  virtual core::Status update_secret(const core::Secret& secret) = 0;
  /// Deletes the secret with its versions, stages and tags.
  virtual core::Status delete_secret(std::int64_t secret_row) = 0;
  /// The secret whose public id (UUID) is `id`, in that project only.
  virtual core::Result<std::optional<core::Secret>> find_secret_by_id(std::string_view project_id,
                                                                      std::string_view id) = 0;
  /// Secrets of a project that `filter` selects, in ascending byte order of name, `offset` of them skipped.
  virtual core::Result<std::vector<core::Secret>> filter_secrets(std::string_view project_id,
                                                                 const core::SecretFilter& filter, std::size_t offset,
                                                                 std::size_t limit) = 0;
  /// How many secrets of a project `filter` selects.
  virtual core::Result<std::int64_t> count_filtered_secrets(std::string_view project_id,
                                                            const core::SecretFilter& filter) = 0;

  // --- versions ---
  /// Versions in ascending number order, starting after `after` when given, with their stages filled in.
  virtual core::Result<std::vector<core::VersionMetadata>> list_versions(std::int64_t secret_row,
                                                                         std::optional<core::VersionNumber> after,
                                                                         std::size_t limit) = 0;
  virtual core::Result<std::optional<core::StoredVersion>> find_version(std::int64_t secret_row,
                                                                        core::VersionNumber number) = 0;
  virtual core::Result<std::optional<core::VersionNumber>> latest_version(std::int64_t secret_row) = 0;
  virtual core::Status insert_version(std::int64_t secret_row, const core::StoredVersion& version) = 0;
  virtual core::Status update_version_expiry(std::int64_t secret_row, core::VersionNumber number,
                                             std::optional<core::EpochMillis> expire_time) = 0;
  virtual core::Status set_version_deprecated_since(std::int64_t secret_row, core::VersionNumber number,
                                                    std::optional<core::EpochMillis> since) = 0;
  /// Deletes a version that carries no stage (a stage still on it makes this fail).
  virtual core::Status delete_version(std::int64_t secret_row, core::VersionNumber number) = 0;

  // --- stages ---
  virtual core::Result<std::vector<core::Stage>> list_stages(std::int64_t secret_row) = 0;
  virtual core::Result<std::optional<core::Stage>> find_stage(std::int64_t secret_row, std::string_view name) = 0;
  /// Attaches the stage to stage.version, replacing its previous placement: the (secret, stage) key makes a stage
  /// move a single-row change.
  virtual core::Status put_stage(std::int64_t secret_row, const core::Stage& stage) = 0;
  virtual core::Status delete_stage(std::int64_t secret_row, std::string_view name) = 0;

  // --- tags ---
  /// A secret's tags in ascending byte order of key.
  virtual core::Result<std::vector<core::Tag>> list_tags(std::int64_t secret_row) = 0;
  /// The tags of several secrets at once (a page of ListResourceInstances), by secret row, each in key order.
  virtual core::Result<std::vector<std::pair<std::int64_t, core::Tag>>> list_tags_of_secrets(
      const std::vector<std::int64_t>& secret_rows) = 0;
  /// Sets the tag's value, adding the key when the secret does not have it.
  virtual core::Status put_tag(std::int64_t secret_row, const core::Tag& tag) = 0;
  /// Removes the key; false when the secret had no such key.
  virtual core::Result<bool> delete_tag(std::int64_t secret_row, std::string_view key) = 0;
  /// Every key used in the project with its distinct values, both in ascending byte order.
  virtual core::Result<std::vector<core::TagKeyValues>> list_project_tags(std::string_view project_id) = 0;

  // --- background work ---
  /// Deletes versions deprecated before `cutoff`, and secrets whose scheduled deletion time is at or before
  /// `now`.
  virtual core::Result<PruneCounts> prune(core::EpochMillis cutoff, core::EpochMillis now) = 0;

  /// Row counts and the database size, read in this transaction's snapshot.
  virtual core::Result<VaultStatistics> vault_statistics() = 0;

  /// Secrets in PENDING_DELETE whose scheduled deletion time is at or before `now` (prune deletes exactly these).
  virtual core::Result<std::vector<core::Secret>> list_secrets_due_for_deletion(core::EpochMillis now) = 0;

  // --- events (event_rows.cpp) ---
  virtual core::Result<std::optional<core::Event>> find_event(std::string_view project_id, std::string_view name) = 0;
  /// Events of a project in ascending byte order of name, starting after `after_name` when given.
  virtual core::Result<std::vector<core::Event>> list_events(std::string_view project_id,
                                                             std::optional<std::string_view> after_name,
                                                             std::size_t limit) = 0;
  /// kAlreadyExists when the (project, name) is taken.
  virtual core::Status insert_event(const core::Event& event) = 0;
  /// Rewrites the types, state, target and update_time of the event identified by row_id.
  virtual core::Status update_event(const core::Event& event) = 0;
  virtual core::Status delete_event(std::int64_t event_row) = 0;
  /// How many secrets of the project subscribe to the event name.
  virtual core::Result<std::int64_t> count_event_subscribers(std::string_view project_id, std::string_view name) = 0;

  // --- notification records ---
  virtual core::Status insert_notification_record(const core::NotificationRecord& record) = 0;
  /// Records of a project created at or after `since`, newest first (by time, then row), starting after `after`
  /// when given.
  virtual core::Result<std::vector<core::NotificationRecord>> list_notification_records(
      std::string_view project_id, core::EpochMillis since, const std::optional<core::RecordPosition>& after,
      std::size_t limit) = 0;
  /// PENDING records of every project whose next attempt is due at `now`, oldest first.
  virtual core::Result<std::vector<core::NotificationRecord>> list_pending_notifications(core::EpochMillis now,
                                                                                         std::size_t limit) = 0;
  /// Stores the outcome of a delivery attempt: the status, the attempts made and when the next one is due.
  virtual core::Status record_delivery_attempt(std::int64_t record_row, std::string_view status,
                                               std::int64_t attempts, core::EpochMillis next_attempt_time) = 0;

  // --- version expiry ---
  /// Versions whose expire_time is at or before `now` and whose expiry was not announced for that expire_time.
  virtual core::Result<std::vector<core::ExpiredVersion>> list_unannounced_expiries(core::EpochMillis now,
                                                                                   std::size_t limit) = 0;
  virtual core::Status mark_expiry_announced(std::int64_t secret_row, core::VersionNumber number,
                                             core::EpochMillis expire_time) = 0;

  // --- rotation tasks (task_rows.cpp) ---
  virtual core::Status insert_rotation_task(const core::RotationTask& task) = 0;
  /// Rewrites status, attempts, error and version of the task with task.id.
  virtual core::Status update_rotation_task(const core::RotationTask& task) = 0;
  /// Tasks of a project matching `filter` in creation order, starting after the task `after_id` when given.
  virtual core::Result<std::vector<core::RotationTask>> list_rotation_tasks(std::string_view project_id,
                                                                           const core::TaskFilter& filter,
                                                                           std::optional<std::string_view> after_id,
                                                                           std::size_t limit) = 0;
  virtual core::Result<std::int64_t> count_rotation_tasks(std::string_view project_id,
                                                          const core::TaskFilter& filter) = 0;
  /// RUNNING tasks of every project, oldest first.
  virtual core::Result<std::vector<core::RotationTask>> list_running_rotation_tasks(std::size_t limit) = 0;
  /// ENABLED secrets (any project, not COMMON) with auto_rotation on whose next_rotation_time is at or before `now`.
  virtual core::Result<std::vector<core::Secret>> list_secrets_due_for_rotation(core::EpochMillis now,
                                                                               std::size_t limit) = 0;

  // --- master key checks ---
  virtual core::Result<std::vector<core::SealedValue>> list_key_checks() = 0;
  virtual core::Status insert_key_check(const core::SealedValue& check, core::EpochMillis now) = 0;
  virtual core::Status delete_key_check(std::uint32_t key_id) = 0;

  // --- data keys (wrapped under the key-encryption key) ---
  /// Every data key in ascending id order.
  virtual core::Result<std::vector<core::DataKeyRecord>> list_data_keys() = 0;
  /// Inserts a data key; when it is current, the previous current key stops being current.
  virtual core::Status insert_data_key(const core::DataKeyRecord& key) = 0;
  virtual core::Status delete_data_key(std::uint32_t key_id) = 0;
  virtual core::Result<std::optional<core::PassphraseKdf>> find_passphrase_kdf() = 0;
  virtual core::Status insert_passphrase_kdf(const core::PassphraseKdf& kdf) = 0;

  // --- re-sealing under a new data key ---
  /// How many sealed rows (versions and access keys) each data key id seals.
  virtual core::Result<std::vector<std::pair<std::uint32_t, std::int64_t>>> count_sealed_rows_by_key() = 0;
  /// Up to `limit` versions sealed under a key other than `current_key_id`.
  virtual core::Result<std::vector<core::SealedVersionRef>> list_versions_sealed_with_other_keys(
      std::uint32_t current_key_id, std::size_t limit) = 0;
  virtual core::Status replace_version_seal(std::int64_t secret_row, core::VersionNumber number,
                                            const core::SealedValue& value) = 0;
  /// Up to `limit` access keys whose secret key is sealed under a key other than `current_key_id`.
  virtual core::Result<std::vector<core::SealedCredentialRef>> list_credentials_sealed_with_other_keys(
      std::uint32_t current_key_id, std::size_t limit) = 0;
  virtual core::Status replace_credential_seal(std::string_view credential_id, const core::SealedValue& value) = 0;

  // --- credentials ---
  /// kAlreadyExists when the id, access key or token hash is taken.
  virtual core::Status insert_credential(const core::Credential& credential) = 0;
  virtual core::Result<std::optional<core::Credential>> find_credential_by_access_key(std::string_view access_key) = 0;
  virtual core::Result<std::optional<core::Credential>> find_credential_by_token_hash(
      std::span<const std::uint8_t> token_hash) = 0;
  virtual core::Result<std::optional<core::Credential>> find_credential(std::string_view id) = 0;
  /// Every credential, oldest first.
  virtual core::Result<std::vector<core::Credential>> list_credentials() = 0;
  /// kNotFound when there is no such credential.
  virtual core::Status delete_credential(std::string_view id) = 0;

  virtual core::Status commit() = 0;
};

/// A copy of the whole database file as of one commit (values still sealed; the master key is not in it), in a file
/// that no longer has a name: reading `file` from offset 0 gives its `size` bytes, and closing it frees the space.
/// An open file rather than the bytes, so that neither the store nor whoever sends the copy on holds a vault-sized
/// buffer, and nothing is left on disk however the caller ends.
struct Snapshot {
  core::UniqueFd file;
  std::uint64_t size = 0;
  std::int64_t pages = 0;
};

enum class TransactionMode {
  kRead,   ///< a consistent snapshot; writes through it are a programming error
  kWrite,  ///< takes the write lock at once (SQLite BEGIN IMMEDIATE), so it never fails half-way on lock upgrade
};

/// Safe to use from several threads: each begin() gets its own connection or waits for the writer.
class Store {
 public:
  virtual ~Store() = default;
  /// Outside a batch, a kWrite transaction holds the store's write lock until it ends, and a kRead transaction
  /// reads a snapshot of committed data. Inside a batch job (on the writer thread), both are nested in the batch's
  /// transaction: they see the batch's earlier writes, and their commit() is final only when the batch commits.
  virtual core::Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) = 0;

  /// Group commit: runs `job.work` on the store's writer thread inside a transaction shared with other queued jobs,
  /// then calls `job.done` with the outcome of that transaction's commit (from the writer thread). A job whose own
  /// transaction rolled back changes nothing; `done` reports only whether what it did commit is durable.
  virtual void submit_write(WriteJob job) = 0;

  /// Copies the whole database while reads and writes go on (a whole-vault backup). Slow for a large vault: call
  /// it outside any transaction, off the writer thread and off the threads serving connections (the API runs it on
  /// its background thread). A store that cannot copy itself (PostgreSQL: use pg_dump) answers an error saying so.
  virtual core::Result<Snapshot> snapshot() = 0;

  /// Whether this process may run the vault's background work (pruning, scheduled deletion, rotation, expiry and
  /// notification delivery) now. Several daemons can share one PostgreSQL vault: exactly one holds the lease (an
  /// advisory lock held by its database session), and when that daemon dies another takes it on its next call. An
  /// embedded store belongs to one daemon, which always holds it.
  virtual bool hold_background_lease() { return true; }
};

}  // namespace csms::store
