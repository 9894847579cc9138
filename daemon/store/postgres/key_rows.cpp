// key_rows.cpp: PostgreSQL statements for data keys, the passphrase KDF and re-sealing versions under a new key.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_limit.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {
namespace {

constexpr const char* kListDataKeys =
    "SELECT key_id, wrapped_key, is_current, created_time FROM data_keys ORDER BY key_id";
// Two statements, not one with a data-modifying CTE: the partial unique index on is_current is checked row by
// row, and the parts of one statement run in no defined order, so the new current key could meet the old one.
constexpr const char* kClearCurrent = "UPDATE data_keys SET is_current = false WHERE is_current";
// Inserts end in ON CONFLICT DO NOTHING: a taken key id answers kAlreadyExists without aborting the transaction,
// as SQLite's stays usable after a constraint error.
constexpr const char* kInsertDataKey =
    "INSERT INTO data_keys (key_id, wrapped_key, is_current, created_time) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kDeleteDataKey = "DELETE FROM data_keys WHERE key_id = $1";
constexpr const char* kDeleteKeyCheck = "DELETE FROM master_key_checks WHERE key_id = $1";
constexpr const char* kFindKdf = "SELECT salt, log2_n, r, p FROM passphrase_kdf WHERE singleton = 1";
constexpr const char* kInsertKdf =
    "INSERT INTO passphrase_kdf (singleton, salt, log2_n, r, p) VALUES (1, $1, $2, $3, $4) ON CONFLICT DO NOTHING";
// sum() of bigint is numeric: cast back so the row reader sees an integer.
constexpr const char* kCountSealed =
    "SELECT key_id, sum(n)::bigint FROM (SELECT key_id, count(*) AS n FROM versions GROUP BY key_id "
    "UNION ALL SELECT key_id, count(*) FROM credentials WHERE key_id IS NOT NULL GROUP BY key_id) AS sealed "
    "GROUP BY key_id ORDER BY key_id";
// Ordered by primary key so successive batches are deterministic; the re-sealing loop itself needs no order.
constexpr const char* kListSealedVersions =
    "SELECT v.secret_pk, s.project_id, s.id, v.number, v.key_id, v.sealed_value FROM versions AS v "
    "JOIN secrets AS s ON s.secret_pk = v.secret_pk WHERE v.key_id <> $1 ORDER BY v.secret_pk, v.number LIMIT $2";
constexpr const char* kReplaceVersionSeal =
    "UPDATE versions SET key_id = $3, sealed_value = $4 WHERE secret_pk = $1 AND number = $2";

core::Error taken(const std::string& what) {
  return core::make_error(core::Errc::kAlreadyExists, "the vault already has " + what);
}

}  // namespace

core::Status PgTransaction::delete_key_check(std::uint32_t key_id) {
  return guarded("deleting a master key check", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kDeleteKeyCheck, Params().int64(key_id)));
    return core::ok();
  });
}

core::Result<std::vector<core::DataKeyRecord>> PgTransaction::list_data_keys() {
  return guarded("reading data keys", [&]() -> core::Result<std::vector<core::DataKeyRecord>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListDataKeys));
    std::vector<core::DataKeyRecord> keys;
    keys.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      core::DataKeyRecord key;
      key.key_id = static_cast<std::uint32_t>(rows.int64(row, 0));
      key.wrapped_key = rows.bytes(row, 1);
      key.is_current = rows.boolean(row, 2);
      key.created_time = rows.int64(row, 3);
      keys.push_back(std::move(key));
    }
    return keys;
  });
}

core::Status PgTransaction::insert_data_key(const core::DataKeyRecord& key) {
  return guarded("storing a data key", [&]() -> core::Status {
    if (key.is_current) CSMS_TRY(db_.exec(kClearCurrent));
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kInsertDataKey, Params()
                                                                   .int64(key.key_id)
                                                                   .bytes(key.wrapped_key)
                                                                   .boolean(key.is_current)
                                                                   .int64(key.created_time)));
    if (rows.affected() == 0) return taken("a data key with this id");
    return core::ok();
  });
}

core::Status PgTransaction::delete_data_key(std::uint32_t key_id) {
  return guarded("deleting a data key", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kDeleteDataKey, Params().int64(key_id)));
    return core::ok();
  });
}

core::Result<std::optional<core::PassphraseKdf>> PgTransaction::find_passphrase_kdf() {
  return guarded("reading the passphrase KDF", [&]() -> core::Result<std::optional<core::PassphraseKdf>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindKdf));
    if (rows.empty()) return std::nullopt;
    core::PassphraseKdf kdf;
    kdf.salt = rows.bytes(0, 0);
    kdf.log2_n = static_cast<int>(rows.int64(0, 1));
    kdf.r = static_cast<int>(rows.int64(0, 2));
    kdf.p = static_cast<int>(rows.int64(0, 3));
    return kdf;
  });
}

core::Status PgTransaction::insert_passphrase_kdf(const core::PassphraseKdf& kdf) {
  return guarded("storing the passphrase KDF", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows,
                    db_.exec(kInsertKdf, Params().bytes(kdf.salt).int64(kdf.log2_n).int64(kdf.r).int64(kdf.p)));
    if (rows.affected() == 0) return taken("the passphrase KDF");
    return core::ok();
  });
}

core::Result<std::vector<std::pair<std::uint32_t, std::int64_t>>> PgTransaction::count_sealed_rows_by_key() {
  using Counts = std::vector<std::pair<std::uint32_t, std::int64_t>>;
  return guarded("counting sealed rows", [&]() -> core::Result<Counts> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kCountSealed));
    Counts counts;
    counts.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      counts.emplace_back(static_cast<std::uint32_t>(rows.int64(row, 0)), rows.int64(row, 1));
    }
    return counts;
  });
}

core::Result<std::vector<core::SealedVersionRef>> PgTransaction::list_versions_sealed_with_other_keys(
    std::uint32_t current_key_id, std::size_t limit) {
  return guarded("listing versions to re-seal", [&]() -> core::Result<std::vector<core::SealedVersionRef>> {
    CSMS_TRY_ASSIGN(const Rows rows,
                    db_.exec(kListSealedVersions, Params().int64(current_key_id).int64(as_limit(limit))));
    std::vector<core::SealedVersionRef> refs;
    refs.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      core::SealedVersionRef ref;
      ref.secret_row = rows.int64(row, 0);
      ref.project_id = rows.text(row, 1);
      ref.secret_id = rows.text(row, 2);
      ref.number = rows.int64(row, 3);
      ref.value.key_id = static_cast<std::uint32_t>(rows.int64(row, 4));
      ref.value.blob = rows.bytes(row, 5);
      refs.push_back(std::move(ref));
    }
    return refs;
  });
}

core::Status PgTransaction::replace_version_seal(std::int64_t secret_row, core::VersionNumber number,
                                                 const core::SealedValue& value) {
  return guarded("re-sealing a version", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kReplaceVersionSeal, Params()
                                                                       .int64(secret_row)
                                                                       .int64(number)
                                                                       .int64(value.key_id)
                                                                       .bytes(value.blob)));
    if (rows.affected() != 1) return core::make_error(core::Errc::kNotFound, "the version is gone");
    return core::ok();
  });
}

}  // namespace csms::store::postgres
