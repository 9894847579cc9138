// secret_versions.cpp: version use cases (create, list, show with value, update expiry).
#include "domain/secret_service.hpp"
#include "domain/service_support.hpp"
#include "domain/event_firing.hpp"


namespace csms::domain {

using support::require_secret;
using support::require_usable;

core::Result<core::VersionMetadata> SecretService::create_version(const std::string& project_id,
                                                                  const std::string& name, CreateVersionInput input) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret(*txn, project_id, name));
  CSMS_TRY(require_usable(secret));
  CSMS_TRY_ASSIGN(auto metadata, support::add_version(*txn, secret, sealer_, input.value, input.stages,
                                                     input.expire_time, now));
  CSMS_TRY(fire_event(*txn, secret, core::kEventVersionCreated, EventFacts{metadata.number, metadata.expire_time, {}},
                      now));
  CSMS_TRY(txn->commit());
  return metadata;
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
