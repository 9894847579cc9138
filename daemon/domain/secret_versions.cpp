// secret_versions.cpp: version use cases (create, list, show with value, update expiry).
#include "domain/secret_service.hpp"
#include "domain/service_support.hpp"

#include <limits>

namespace csms::domain {

using support::require_secret;
using support::require_usable;

core::Result<core::VersionMetadata> SecretService::create_version(const std::string& project_id,
                                                                  const std::string& name, CreateVersionInput input) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(require_usable(secret));
  CSMS_TRY_ASSIGN(const auto versions, txn->list_versions(secret.row_id, std::nullopt, std::numeric_limits<std::size_t>::max() / 2));
  std::vector<core::VersionNumber> existing;
  existing.reserve(versions.size());
  for (const core::VersionMetadata& version : versions) existing.push_back(version.number);
  CSMS_TRY_ASSIGN(const auto before, support::load_stage_map(*txn, secret.row_id));
  CSMS_TRY_ASSIGN(const auto plan, plan_new_version(before, existing, secret.last_version_number, input.stages));

  if (plan.evicted) CSMS_TRY(txn->delete_version(secret.row_id, *plan.evicted));
  core::StoredVersion version;
  version.metadata.number = plan.number;
  version.metadata.create_time = now;
  version.metadata.expire_time = input.expire_time;
  version.metadata.kms_key_id = secret.kms_key_id;
  CSMS_TRY_ASSIGN(version.value, sealer_.seal(input.value, {secret.project_id, secret.id, plan.number}));
  CSMS_TRY(txn->insert_version(secret.row_id, version));
  CSMS_TRY(support::apply_stage_plan(*txn, secret.row_id, before, plan.stages, now));
  secret.last_version_number = plan.number;
  secret.update_time = now;
  CSMS_TRY(txn->update_secret(secret));
  CSMS_TRY(txn->commit());

  for (const auto& [stage, number] : plan.stages.after) {
    if (number == plan.number) version.metadata.stages.push_back(stage);
  }
  return version.metadata;
}

core::Result<Page<core::VersionMetadata>> SecretService::list_versions(const std::string& project_id,
                                                                       const std::string& name, VersionRef marker,
                                                                       bool marker_is_latest, std::size_t limit) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(const auto secret, require_secret(*txn, project_id, name));
  std::optional<core::VersionNumber> after = marker;
  if (marker_is_latest) {
    // Nothing comes after the newest version: the page past the end is empty.
    CSMS_TRY_ASSIGN(const auto latest, txn->latest_version(secret.row_id));
    after = latest.value_or(0);
  }
  CSMS_TRY_ASSIGN(auto versions, txn->list_versions(secret.row_id, after, limit + 1));
  Page<core::VersionMetadata> page;
  page.has_more = versions.size() > limit;
  if (page.has_more) versions.resize(limit);
  page.items = std::move(versions);
  return page;
}

core::Result<VersionWithValue> SecretService::get_version(const std::string& project_id, const std::string& name,
                                                          VersionRef ref) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(const auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(require_usable(secret));
  CSMS_TRY_ASSIGN(auto stored, support::require_version(*txn, secret, ref));
  const core::VersionNumber number = stored.metadata.number;
  auto opened = sealer_.open(stored.value, {secret.project_id, secret.id, number});
  if (!opened) {
    return core::make_error(core::Errc::kCryptoFailure, "the version " + core::version_id(number) + " of " + name +
                                                            " cannot be decrypted: " + opened.error().detail);
  }
  return VersionWithValue{std::move(stored.metadata), std::move(*opened)};
}

core::Result<core::VersionMetadata> SecretService::update_version(const std::string& project_id,
                                                                  const std::string& name, VersionRef ref,
                                                                  std::optional<core::EpochMillis> expire_time) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(require_usable(secret));
  CSMS_TRY_ASSIGN(auto stored, support::require_version(*txn, secret, ref));
  CSMS_TRY(txn->update_version_expiry(secret.row_id, stored.metadata.number, expire_time));
  CSMS_TRY(txn->commit());
  stored.metadata.expire_time = expire_time;
  return std::move(stored.metadata);
}

}  // namespace csms::domain
