// master_key_check.cpp: master key verification at start.
#include "domain/master_key_check.hpp"

namespace csms::domain {

core::Status verify_master_key(store::Store& store, const crypto::Sealer& sealer, core::EpochMillis now) {
  CSMS_TRY_ASSIGN(auto txn, store.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto checks, txn->list_key_checks());
  for (const core::SealedValue& check : checks) {
    if (check.key_id == sealer.current_key_id()) return sealer.verify_key_check(check);
  }
  if (!checks.empty()) {
    return core::make_error(core::Errc::kCryptoFailure,
                            "the master key (id " + std::to_string(sealer.current_key_id()) +
                                ") is not a key of this vault; restore the vault's master.key");
  }
  CSMS_TRY_ASSIGN(const auto check, sealer.make_key_check());
  CSMS_TRY(txn->insert_key_check(check, now));
  return txn->commit();
}

}  // namespace csms::domain
