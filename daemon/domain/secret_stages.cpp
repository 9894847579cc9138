// secret_stages.cpp: stage use cases (create-or-move, show, delete).
#include "domain/secret_service.hpp"
#include "domain/service_support.hpp"

namespace csms::domain {

using support::require_secret;
using support::require_usable;

core::Result<core::Stage> SecretService::put_stage(const std::string& project_id, const std::string& name,
                                                   const std::string& stage, core::VersionNumber version) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(require_usable(secret));
  CSMS_TRY(support::require_version(*txn, secret, version));
  CSMS_TRY_ASSIGN(const auto before, support::load_stage_map(*txn, secret.row_id));
  const std::string stages[] = {stage};
  CSMS_TRY_ASSIGN(const auto plan, plan_stage_placement(before, stages, version));
  if (plan.changes.empty()) {
    // Already there: nothing changes, not even update_time (decision 3).
    CSMS_TRY_ASSIGN(auto current, txn->find_stage(secret.row_id, stage));
    if (current) return std::move(*current);
  }
  CSMS_TRY(support::apply_stage_plan(*txn, secret.row_id, before, plan, now));
  secret.update_time = now;
  CSMS_TRY(txn->update_secret(secret));
  CSMS_TRY(txn->commit());
  return core::Stage{stage, version, now};
}

core::Result<core::Stage> SecretService::get_stage(const std::string& project_id, const std::string& name,
                                                   const std::string& stage) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(const auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY_ASSIGN(auto found, txn->find_stage(secret.row_id, stage));
  if (!found) return core::make_error(core::Errc::kNotFound, "the stage " + stage + " of " + name + " does not exist");
  return std::move(*found);
}

core::Status SecretService::delete_stage(const std::string& project_id, const std::string& name,
                                         const std::string& stage) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(require_usable(secret));
  CSMS_TRY_ASSIGN(const auto before, support::load_stage_map(*txn, secret.row_id));
  CSMS_TRY_ASSIGN(const auto plan, plan_stage_removal(before, stage));
  CSMS_TRY(support::apply_stage_plan(*txn, secret.row_id, before, plan, now));
  secret.update_time = now;
  CSMS_TRY(txn->update_secret(secret));
  return txn->commit();
}

}  // namespace csms::domain
