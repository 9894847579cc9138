// vault_status.cpp: readiness and statistics, each one read transaction.
#include "domain/vault_status.hpp"

#include <algorithm>
#include <string>

namespace csms::domain {

core::Result<store::VaultStatistics> read_vault_statistics(store::Store& store) {
  CSMS_TRY_ASSIGN(auto transaction, store.begin(store::TransactionMode::kRead));
  return transaction->vault_statistics();
}

core::Status check_ready(store::Store& store, std::uint32_t current_key_id) {
  auto transaction = store.begin(store::TransactionMode::kRead);
  if (!transaction) {
    return core::make_error(core::Errc::kUnavailable, "the database cannot be read: " + transaction.error().detail);
  }
  // The key checks are a handful of rows: reading them proves the database answers without scanning secrets.
  auto checks = (*transaction)->list_key_checks();
  if (!checks) return core::make_error(core::Errc::kUnavailable, "the database cannot be read: " + checks.error().detail);
  const bool known = std::any_of(checks->begin(), checks->end(),
                                 [&](const core::SealedValue& check) { return check.key_id == current_key_id; });
  if (current_key_id == 0 || !known) {
    return core::make_error(core::Errc::kUnavailable, "no master key is loaded for data key " +
                                                          std::to_string(current_key_id));
  }
  return core::ok();
}

}  // namespace csms::domain
