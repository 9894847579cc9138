// tag_service.cpp: tag use cases, each one store transaction.
#include "domain/tag_service.hpp"

#include "domain/service_support.hpp"

#include <algorithm>
#include <map>

namespace csms::domain {
namespace {

core::Result<core::Secret> require_secret_by_id(store::Transaction& txn, const std::string& project_id,
                                                const std::string& secret_id) {
  CSMS_TRY_ASSIGN(auto secret, txn.find_secret_by_id(project_id, secret_id));
  if (!secret) return core::make_error(core::Errc::kNotFound, "the secret with id " + secret_id + " does not exist");
  return std::move(*secret);
}

// The service's fuzzy name match returns nothing for an empty text (the official SDK's ListResourceInstancesRequestBody
// says so), where a substring test would select everything.
bool matches_nothing(const core::SecretFilter& filter) {
  return std::any_of(filter.name_contains.begin(), filter.name_contains.end(),
                     [](const std::string& text) { return text.empty(); });
}

}  // namespace

core::Result<TaggedSecret> TagService::list_tags(const std::string& project_id, const std::string& secret_id) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  TaggedSecret tagged;
  CSMS_TRY_ASSIGN(tagged.secret, require_secret_by_id(*txn, project_id, secret_id));
  CSMS_TRY_ASSIGN(tagged.tags, txn->list_tags(tagged.secret.row_id));
  return tagged;
}

core::Result<core::Secret> TagService::add_tags(const std::string& project_id, const std::string& secret_id,
                                                const std::vector<core::Tag>& tags) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret_by_id(*txn, project_id, secret_id));
  CSMS_TRY(support::require_usable(secret));
  CSMS_TRY_ASSIGN(const auto existing, txn->list_tags(secret.row_id));
  std::map<std::string, std::string, std::less<>> after;
  for (const core::Tag& tag : existing) after.emplace(tag.key, tag.value);
  for (const core::Tag& tag : tags) after.insert_or_assign(tag.key, tag.value);
  if (after.size() > kMaxTagsPerSecret) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "a secret has at most " + std::to_string(kMaxTagsPerSecret) + " tags; " + secret.name +
                                " has " + std::to_string(existing.size()) + " and this would make " +
                                std::to_string(after.size()));
  }
  for (const core::Tag& tag : tags) CSMS_TRY(txn->put_tag(secret.row_id, tag));
  CSMS_TRY(txn->commit());
  return secret;
}

core::Result<core::Secret> TagService::remove_tags(const std::string& project_id, const std::string& secret_id,
                                                   const std::vector<TagRemoval>& removals) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret_by_id(*txn, project_id, secret_id));
  CSMS_TRY(support::require_usable(secret));
  CSMS_TRY_ASSIGN(const auto existing, txn->list_tags(secret.row_id));
  for (const TagRemoval& removal : removals) {
    const auto stored = std::find_if(existing.begin(), existing.end(),
                                     [&](const core::Tag& tag) { return tag.key == removal.key; });
    if (stored == existing.end() || (removal.value && *removal.value != stored->value)) continue;
    CSMS_TRY(txn->delete_tag(secret.row_id, removal.key));
  }
  CSMS_TRY(txn->commit());
  return secret;
}

core::Result<core::Secret> TagService::delete_tag(const std::string& project_id, const std::string& secret_id,
                                                  const std::string& key) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto secret, require_secret_by_id(*txn, project_id, secret_id));
  CSMS_TRY(support::require_usable(secret));
  CSMS_TRY_ASSIGN(const bool deleted, txn->delete_tag(secret.row_id, key));
  if (!deleted) {
    return core::make_error(core::Errc::kNotFound, "the secret " + secret.name + " has no tag " + key);
  }
  CSMS_TRY(txn->commit());
  return secret;
}

core::Result<std::vector<core::TagKeyValues>> TagService::project_tags(const std::string& project_id) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  return txn->list_project_tags(project_id);
}

core::Result<FilteredSecrets> TagService::filter_secrets(const std::string& project_id,
                                                         const core::SecretFilter& filter, std::size_t offset,
                                                         std::size_t limit) {
  FilteredSecrets result;
  if (matches_nothing(filter)) return result;
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(result.total, txn->count_filtered_secrets(project_id, filter));
  CSMS_TRY_ASSIGN(auto secrets, txn->filter_secrets(project_id, filter, offset, limit));
  std::vector<std::int64_t> rows;
  std::map<std::int64_t, std::size_t> index_of_row;
  for (core::Secret& secret : secrets) {
    rows.push_back(secret.row_id);
    index_of_row.emplace(secret.row_id, result.page.size());
    result.page.push_back(TaggedSecret{std::move(secret), {}});
  }
  CSMS_TRY_ASSIGN(auto tags, txn->list_tags_of_secrets(rows));
  for (auto& [row, tag] : tags) {
    if (const auto owner = index_of_row.find(row); owner != index_of_row.end()) {
      result.page[owner->second].tags.push_back(std::move(tag));
    }
  }
  return result;
}

core::Result<std::int64_t> TagService::count_secrets(const std::string& project_id, const core::SecretFilter& filter) {
  if (matches_nothing(filter)) return std::int64_t{0};
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  return txn->count_filtered_secrets(project_id, filter);
}

}  // namespace csms::domain
