// secret_service.cpp: secret use cases (create, list, show, update, delete, scheduled deletion) and pruning.
#include "domain/secret_service.hpp"

#include "crypto/random.hpp"
#include "domain/event_firing.hpp"
#include "domain/service_support.hpp"

namespace csms::domain {

using support::require_secret;
using support::require_usable;

std::string SecretService::default_kms_key_id(const std::string& project_id) {
  return crypto::derived_uuid("csms/default key of project " + project_id);
}

core::Result<core::Secret> SecretService::create_secret(CreateSecretInput input) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto existing, txn->find_secret(input.project_id, input.name));
  if (existing) return core::make_error(core::Errc::kAlreadyExists, "the secret " + input.name + " already exists");

  core::Secret secret;
  secret.id = crypto::random_uuid();
  secret.project_id = input.project_id;
  secret.name = input.name;
  secret.state = core::SecretState::kEnabled;
  secret.kms_key_id = input.kms_key_id.value_or(default_kms_key_id(input.project_id));
  secret.description = std::move(input.description);
  secret.secret_type = std::move(input.secret_type);
  secret.auto_rotation = input.auto_rotation;
  secret.rotation_period = std::move(input.rotation_period);
  secret.rotation_config = std::move(input.rotation_config);
  secret.rotation_func_urn = std::move(input.rotation_func_urn);
  secret.event_subscriptions = std::move(input.event_subscriptions);
  secret.enterprise_project_id = std::move(input.enterprise_project_id);
  secret.create_time = now;
  secret.update_time = now;
  secret.last_version_number = 1;
  secret.next_rotation_time = support::next_rotation_time(secret, now);
  CSMS_TRY_ASSIGN(secret.row_id, txn->insert_secret(secret));

  // CreateSecret creates v1 carrying SYSCURRENT.
  core::StoredVersion first;
  first.metadata.number = 1;
  first.metadata.create_time = now;
  first.metadata.kms_key_id = secret.kms_key_id;
  CSMS_TRY_ASSIGN(first.value, sealer_.seal(input.value, {secret.project_id, secret.id, 1}));
  CSMS_TRY(txn->insert_version(secret.row_id, first));
  CSMS_TRY(txn->put_stage(secret.row_id, core::Stage{std::string(core::kStageCurrent), 1, now}));
  CSMS_TRY(fire_event(*txn, secret, core::kEventVersionCreated, EventFacts{1, std::nullopt, {}}, now));
  CSMS_TRY(txn->commit());
  return secret;
}

core::Result<Page<core::Secret>> SecretService::list_secrets(const std::string& project_id,
                                                             const std::optional<std::string>& marker,
                                                             const std::optional<std::string>& event_name,
                                                             std::size_t limit) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  std::optional<std::string_view> after;
  if (marker) after = *marker;
  std::optional<std::string_view> event;
  if (event_name) event = *event_name;
  CSMS_TRY_ASSIGN(auto secrets, txn->list_secrets(project_id, after, event, limit + 1));
  Page<core::Secret> page;
  page.has_more = secrets.size() > limit;
  if (page.has_more) secrets.resize(limit);
  page.items = std::move(secrets);
  return page;
}

core::Result<core::Secret> SecretService::get_secret(const std::string& project_id, const std::string& name) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  return require_secret(*txn, project_id, name);
}

core::Result<core::Secret> SecretService::update_secret(const std::string& project_id, const std::string& name,
                                                        const UpdateSecretInput& input) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(require_usable(secret));
  if (input.kms_key_id) secret.kms_key_id = *input.kms_key_id;
  if (input.description) secret.description = *input.description;
  if (input.auto_rotation) secret.auto_rotation = *input.auto_rotation;
  if (input.rotation_period) secret.rotation_period = *input.rotation_period;
  if (input.event_subscriptions) secret.event_subscriptions = *input.event_subscriptions;
  if (input.rotation_func_urn) secret.rotation_func_urn = *input.rotation_func_urn;
  if (secret.auto_rotation && !secret.rotation_period) {
    return core::make_error(core::Errc::kInvalidParameter, "rotation_period is required when auto_rotation is true");
  }
  const core::EpochMillis now = clock_();
  if (input.auto_rotation || input.rotation_period) {
    // A changed schedule counts from the last rotation (or from now when there was none).
    secret.next_rotation_time = support::next_rotation_time(secret, secret.rotation_time.value_or(now));
  }
  secret.update_time = now;
  CSMS_TRY(txn->update_secret(secret));
  CSMS_TRY(txn->commit());
  return secret;
}

core::Status SecretService::delete_secret(const std::string& project_id, const std::string& name) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(txn->delete_secret(secret.row_id));
  return txn->commit();
}

core::Result<core::Secret> SecretService::schedule_deletion(const std::string& project_id, const std::string& name,
                                                            int days) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret(*txn, project_id, name));
  if (secret.state == core::SecretState::kPendingDelete) {
    return core::make_error(core::Errc::kSecretAlreadyPendingDeletion,
                            "the secret " + name + " is already scheduled for deletion");
  }
  const core::EpochMillis now = clock_();
  secret.state = core::SecretState::kPendingDelete;
  secret.scheduled_delete_time = now + days * core::kMillisPerDay;
  secret.update_time = now;
  CSMS_TRY(txn->update_secret(secret));
  CSMS_TRY(txn->commit());
  return secret;
}

core::Result<core::Secret> SecretService::cancel_deletion(const std::string& project_id, const std::string& name) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret(*txn, project_id, name));
  if (secret.state != core::SecretState::kPendingDelete) {
    return core::make_error(core::Errc::kSecretNotPendingDeletion, "the secret " + name + " is not scheduled for deletion");
  }
  secret.state = core::SecretState::kEnabled;
  secret.scheduled_delete_time.reset();
  secret.update_time = clock_();
  CSMS_TRY(txn->update_secret(secret));
  CSMS_TRY(txn->commit());
  return secret;
}

core::Result<store::PruneCounts> SecretService::prune(std::chrono::milliseconds grace) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  // The scheduled deletions are carried out in this transaction, so their SECRET_DELETED records commit with them.
  CSMS_TRY_ASSIGN(const auto doomed, txn->list_secrets_due_for_deletion(now));
  for (const core::Secret& secret : doomed) CSMS_TRY(fire_event(*txn, secret, core::kEventDeleted, EventFacts{}, now));
  CSMS_TRY_ASSIGN(const auto counts, txn->prune(now - grace.count(), now));
  CSMS_TRY(txn->commit());
  return counts;
}

}  // namespace csms::domain
