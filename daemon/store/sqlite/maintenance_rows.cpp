// maintenance_rows.cpp: SQL for background pruning, master key checks and the vault statistics of /metrics.
#include "store/sqlite/column_helpers.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace csms::store::sqlite {
namespace {

// deprecated_since is set only on versions without a stage, and the stage foreign key would refuse the delete
// otherwise, so a staged version can never be pruned here. Strictly before the cutoff: deprecated for longer
// than the grace period (decision 4).
constexpr const char* kPruneVersions =
    "DELETE FROM versions WHERE deprecated_since IS NOT NULL AND deprecated_since < ?1";
constexpr const char* kPruneSecrets =
    "DELETE FROM secrets WHERE scheduled_delete_time IS NOT NULL AND scheduled_delete_time <= ?1 "
    "AND state = 'PENDING_DELETE'";
// One statement, so the four numbers come from the same snapshot.
constexpr const char* kVaultStatistics =
    "SELECT (SELECT COUNT(*) FROM secrets), (SELECT COUNT(*) FROM versions), (SELECT COUNT(*) FROM stages), "
    "(SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size())";
constexpr const char* kListKeyChecks = "SELECT key_id, check_blob FROM master_key_checks ORDER BY key_id";
constexpr const char* kInsertKeyCheck =
    "INSERT INTO master_key_checks (key_id, check_blob, created_time) VALUES (?1, ?2, ?3)";

}  // namespace

core::Result<PruneCounts> SqliteTransaction::prune(core::EpochMillis cutoff, core::EpochMillis now) {
  return guarded("pruning", [&]() -> core::Result<PruneCounts> {
    PruneCounts counts;
    {
      auto statement = statements_.use(kPruneSecrets);
      statement->bind(1, static_cast<int64_t>(now));
      counts.secrets_deleted = statement->exec();
    }
    {
      auto statement = statements_.use(kPruneVersions);
      statement->bind(1, static_cast<int64_t>(cutoff));
      counts.versions_deleted = statement->exec();
    }
    return counts;
  });
}

core::Result<VaultStatistics> SqliteTransaction::vault_statistics() {
  return guarded("reading the vault statistics", [&]() -> core::Result<VaultStatistics> {
    auto statement = statements_.use(kVaultStatistics);
    VaultStatistics statistics;
    if (statement->executeStep()) {
      statistics.secrets = statement->getColumn(0).getInt64();
      statistics.versions = statement->getColumn(1).getInt64();
      statistics.stages = statement->getColumn(2).getInt64();
      statistics.database_bytes = statement->getColumn(3).getInt64();
    }
    return statistics;
  });
}

core::Result<std::vector<core::SealedValue>> SqliteTransaction::list_key_checks() {
  return guarded("reading master key checks", [&]() -> core::Result<std::vector<core::SealedValue>> {
    auto statement = statements_.use(kListKeyChecks);
    std::vector<core::SealedValue> checks;
    while (statement->executeStep()) {
      core::SealedValue check;
      check.key_id = static_cast<std::uint32_t>(statement->getColumn(0).getInt64());
      check.blob = read_blob(statement->getColumn(1));
      checks.push_back(std::move(check));
    }
    return checks;
  });
}

core::Status SqliteTransaction::insert_key_check(const core::SealedValue& check, core::EpochMillis now) {
  return guarded("storing a master key check", [&]() -> core::Status {
    auto statement = statements_.use(kInsertKeyCheck);
    statement->bind(1, static_cast<int64_t>(check.key_id));
    statement->bind(2, check.blob.data(), static_cast<int>(check.blob.size()));
    statement->bind(3, static_cast<int64_t>(now));
    statement->exec();
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
