// key_rows.cpp: SQL for data keys, the passphrase KDF row and re-sealing versions under a new data key.
#include "store/sqlite/column_helpers.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace csms::store::sqlite {
namespace {

constexpr const char* kListDataKeys =
    "SELECT key_id, wrapped_key, is_current, created_time FROM data_keys ORDER BY key_id";
constexpr const char* kClearCurrent = "UPDATE data_keys SET is_current = 0 WHERE is_current = 1";
constexpr const char* kInsertDataKey =
    "INSERT INTO data_keys (key_id, wrapped_key, is_current, created_time) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kDeleteDataKey = "DELETE FROM data_keys WHERE key_id = ?1";
constexpr const char* kDeleteKeyCheck = "DELETE FROM master_key_checks WHERE key_id = ?1";
constexpr const char* kFindKdf = "SELECT salt, log2_n, r, p FROM passphrase_kdf WHERE singleton = 1";
constexpr const char* kInsertKdf = "INSERT INTO passphrase_kdf (singleton, salt, log2_n, r, p) VALUES (1, ?1, ?2, ?3, ?4)";
constexpr const char* kCountSealed =
    "SELECT key_id, sum(n) FROM (SELECT key_id, count(*) AS n FROM versions GROUP BY key_id "
    "UNION ALL SELECT key_id, count(*) FROM credentials WHERE key_id IS NOT NULL GROUP BY key_id) "
    "GROUP BY key_id ORDER BY key_id";
constexpr const char* kListSealedVersions =
    "SELECT v.secret_pk, s.project_id, s.id, v.number, v.key_id, v.sealed_value FROM versions v "
    "JOIN secrets s ON s.secret_pk = v.secret_pk WHERE v.key_id <> ?1 LIMIT ?2";
constexpr const char* kReplaceVersionSeal =
    "UPDATE versions SET key_id = ?3, sealed_value = ?4 WHERE secret_pk = ?1 AND number = ?2";

}  // namespace

core::Status SqliteTransaction::delete_key_check(std::uint32_t key_id) {
  return guarded("deleting a master key check", [&]() -> core::Status {
    auto statement = statements_.use(kDeleteKeyCheck);
    statement->bind(1, static_cast<int64_t>(key_id));
    statement->exec();
    return core::ok();
  });
}

core::Result<std::vector<core::DataKeyRecord>> SqliteTransaction::list_data_keys() {
  return guarded("reading data keys", [&]() -> core::Result<std::vector<core::DataKeyRecord>> {
    auto statement = statements_.use(kListDataKeys);
    std::vector<core::DataKeyRecord> keys;
    while (statement->executeStep()) {
      core::DataKeyRecord key;
      key.key_id = static_cast<std::uint32_t>(statement->getColumn(0).getInt64());
      key.wrapped_key = read_blob(statement->getColumn(1));
      key.is_current = statement->getColumn(2).getInt() != 0;
      key.created_time = statement->getColumn(3).getInt64();
      keys.push_back(std::move(key));
    }
    return keys;
  });
}

core::Status SqliteTransaction::insert_data_key(const core::DataKeyRecord& key) {
  return guarded("storing a data key", [&]() -> core::Status {
    if (key.is_current) statements_.use(kClearCurrent)->exec();
    auto statement = statements_.use(kInsertDataKey);
    statement->bind(1, static_cast<int64_t>(key.key_id));
    statement->bind(2, key.wrapped_key.data(), static_cast<int>(key.wrapped_key.size()));
    statement->bind(3, key.is_current ? 1 : 0);
    statement->bind(4, static_cast<int64_t>(key.created_time));
    statement->exec();
    return core::ok();
  });
}

core::Status SqliteTransaction::delete_data_key(std::uint32_t key_id) {
  return guarded("deleting a data key", [&]() -> core::Status {
    auto statement = statements_.use(kDeleteDataKey);
    statement->bind(1, static_cast<int64_t>(key_id));
    statement->exec();
    return core::ok();
  });
}

core::Result<std::optional<core::PassphraseKdf>> SqliteTransaction::find_passphrase_kdf() {
  return guarded("reading the passphrase KDF", [&]() -> core::Result<std::optional<core::PassphraseKdf>> {
    auto statement = statements_.use(kFindKdf);
    if (!statement->executeStep()) return std::nullopt;
    core::PassphraseKdf kdf;
    kdf.salt = read_blob(statement->getColumn(0));
    kdf.log2_n = statement->getColumn(1).getInt();
    kdf.r = statement->getColumn(2).getInt();
    kdf.p = statement->getColumn(3).getInt();
    return kdf;
  });
}

core::Status SqliteTransaction::insert_passphrase_kdf(const core::PassphraseKdf& kdf) {
  return guarded("storing the passphrase KDF", [&]() -> core::Status {
    auto statement = statements_.use(kInsertKdf);
    statement->bind(1, kdf.salt.data(), static_cast<int>(kdf.salt.size()));
    statement->bind(2, kdf.log2_n);
    statement->bind(3, kdf.r);
    statement->bind(4, kdf.p);
    statement->exec();
    return core::ok();
  });
}

core::Result<std::vector<std::pair<std::uint32_t, std::int64_t>>> SqliteTransaction::count_sealed_rows_by_key() {
  using Counts = std::vector<std::pair<std::uint32_t, std::int64_t>>;
  return guarded("counting sealed rows", [&]() -> core::Result<Counts> {
    auto statement = statements_.use(kCountSealed);
    Counts counts;
    while (statement->executeStep()) {
      counts.emplace_back(static_cast<std::uint32_t>(statement->getColumn(0).getInt64()),
                          statement->getColumn(1).getInt64());
    }
    return counts;
  });
}

core::Result<std::vector<core::SealedVersionRef>> SqliteTransaction::list_versions_sealed_with_other_keys(
    std::uint32_t current_key_id, std::size_t limit) {
  return guarded("listing versions to re-seal", [&]() -> core::Result<std::vector<core::SealedVersionRef>> {
    auto statement = statements_.use(kListSealedVersions);
    statement->bind(1, static_cast<int64_t>(current_key_id));
    statement->bind(2, static_cast<int64_t>(limit));
    std::vector<core::SealedVersionRef> rows;
    while (statement->executeStep()) {
      core::SealedVersionRef row;
      row.secret_row = statement->getColumn(0).getInt64();
      row.project_id = statement->getColumn(1).getString();
      row.secret_id = statement->getColumn(2).getString();
      row.number = statement->getColumn(3).getInt64();
      row.value.key_id = static_cast<std::uint32_t>(statement->getColumn(4).getInt64());
      row.value.blob = read_blob(statement->getColumn(5));
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

core::Status SqliteTransaction::replace_version_seal(std::int64_t secret_row, core::VersionNumber number,
                                                     const core::SealedValue& value) {
  return guarded("re-sealing a version", [&]() -> core::Status {
    auto statement = statements_.use(kReplaceVersionSeal);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, static_cast<int64_t>(number));
    statement->bind(3, static_cast<int64_t>(value.key_id));
    statement->bind(4, value.blob.data(), static_cast<int>(value.blob.size()));
    if (statement->exec() != 1) return core::make_error(core::Errc::kNotFound, "the version is gone");
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
