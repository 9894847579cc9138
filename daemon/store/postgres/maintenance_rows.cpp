// maintenance_rows.cpp: PostgreSQL statements for pruning, statistics, secrets due for deletion and master key checks.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"
#include "store/postgres/secret_columns.hpp"

namespace csms::store::postgres {
namespace {

// deprecated_since is set only on versions without a stage, and the stage foreign key would refuse the delete
// otherwise, so a staged version can never be pruned here. Strictly before the cutoff: deprecated for longer
// than the grace period (decision 4). Run after kPruneSecrets, as in SQLite, so versions that go with their
// secret are not counted as pruned versions (one statement with two CTEs would count them in both).
constexpr const char* kPruneVersions =
    "DELETE FROM versions WHERE deprecated_since IS NOT NULL AND deprecated_since < $1";
constexpr const char* kPruneSecrets =
    "DELETE FROM secrets WHERE scheduled_delete_time IS NOT NULL AND scheduled_delete_time <= $1 "
    "AND state = 'PENDING_DELETE'";
// Exactly the rows kPruneSecrets deletes, so their SECRET_DELETED events can fire first.
constexpr const char* kListSecretsDueForDeletion =
    "SELECT " CSMS_PG_SECRET_COLUMNS
    "FROM secrets WHERE scheduled_delete_time IS NOT NULL AND scheduled_delete_time <= $1 "
    "AND state = 'PENDING_DELETE' ORDER BY secret_pk";
// One statement, so the four numbers come from the same snapshot. The size is the whole database's (tables,
// indexes, TOAST, free space), the nearest match to SQLite's page_count * page_size.
constexpr const char* kVaultStatistics =
    "SELECT (SELECT count(*) FROM secrets), (SELECT count(*) FROM versions), (SELECT count(*) FROM stages), "
    "pg_database_size(current_database())";

constexpr const char* kListKeyChecks = "SELECT key_id, check_blob FROM master_key_checks ORDER BY key_id";
constexpr const char* kInsertKeyCheck =
    "INSERT INTO master_key_checks (key_id, check_blob, created_time) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

}  // namespace

core::Result<PruneCounts> PgTransaction::prune(core::EpochMillis cutoff, core::EpochMillis now) {
  return guarded("pruning", [&]() -> core::Result<PruneCounts> {
    PruneCounts counts;
    {
      CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kPruneSecrets, Params().int64(now)));
      counts.secrets_deleted = rows.affected();
    }
    {
      CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kPruneVersions, Params().int64(cutoff)));
      counts.versions_deleted = rows.affected();
    }
    return counts;
  });
}

core::Result<VaultStatistics> PgTransaction::vault_statistics() {
  return guarded("reading the vault statistics", [&]() -> core::Result<VaultStatistics> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kVaultStatistics));
    VaultStatistics statistics;
    if (!rows.empty()) {
      statistics.secrets = rows.int64(0, 0);
      statistics.versions = rows.int64(0, 1);
      statistics.stages = rows.int64(0, 2);
      statistics.database_bytes = rows.int64(0, 3);
    }
    return statistics;
  });
}

core::Result<std::vector<core::Secret>> PgTransaction::list_secrets_due_for_deletion(core::EpochMillis now) {
  return guarded("listing secrets due for deletion", [&]() -> core::Result<std::vector<core::Secret>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListSecretsDueForDeletion, Params().int64(now)));
    std::vector<core::Secret> secrets;
    secrets.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) secrets.push_back(read_secret_row(rows, i));
    CSMS_TRY(load_page_event_subscriptions(secrets));
    return secrets;
  });
}

core::Result<std::vector<core::SealedValue>> PgTransaction::list_key_checks() {
  return guarded("reading master key checks", [&]() -> core::Result<std::vector<core::SealedValue>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListKeyChecks));
    std::vector<core::SealedValue> checks;
    checks.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      core::SealedValue check;
      check.key_id = static_cast<std::uint32_t>(rows.int64(i, 0));
      check.blob = rows.bytes(i, 1);
      checks.push_back(std::move(check));
    }
    return checks;
  });
}

// A taken key id is kAlreadyExists without aborting the transaction, as in SQLite.
core::Status PgTransaction::insert_key_check(const core::SealedValue& check, core::EpochMillis now) {
  return guarded("storing a master key check", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows,
                    db_.exec(kInsertKeyCheck, Params().int64(check.key_id).bytes(check.blob).int64(now)));
    if (rows.affected() != 1) {
      return core::make_error(core::Errc::kAlreadyExists, "storing a master key check: its key id is taken");
    }
    return core::ok();
  });
}

}  // namespace csms::store::postgres
