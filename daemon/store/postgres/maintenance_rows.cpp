// maintenance_rows.cpp: every PostgreSQL statement on pruning, statistics and secrets due for deletion.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

#include <string>

namespace csms::store::postgres {
namespace {

// Placeholder until this file's statements are written (issue 7, in progress).
core::Error not_yet_written(const char* method) {
  return core::make_error(core::Errc::kInternal, std::string("PgTransaction::") + method + " is not written yet");
}

}  // namespace

core::Result<PruneCounts> PgTransaction::prune(core::EpochMillis, core::EpochMillis) {
  return not_yet_written("prune");
}

core::Result<VaultStatistics> PgTransaction::vault_statistics() {
  return not_yet_written("vault_statistics");
}

core::Result<std::vector<core::SealedValue>> PgTransaction::list_key_checks() {
  return not_yet_written("list_key_checks");
}

core::Status PgTransaction::insert_key_check(const core::SealedValue&, core::EpochMillis) {
  return not_yet_written("insert_key_check");
}

}  // namespace csms::store::postgres
