// tag_service.hpp: the tag use cases (csms-api.md 1.5): a secret's tags by its id, the project's tags, tag filters.
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/tags.hpp"
#include "store/store.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::domain {

/// Max 20 tags per secret (csms-api.md 3.11).
inline constexpr std::size_t kMaxTagsPerSecret = 20;

/// A tag to remove: the key, and the value it must have to be removed (any value when absent).
struct TagRemoval {
  std::string key;
  std::optional<std::string> value;
};

struct TaggedSecret {
  core::Secret secret;
  std::vector<core::Tag> tags;
};

/// One page of a tag filter and how many secrets the filter selects in all, read from one snapshot.
struct FilteredSecrets {
  std::vector<TaggedSecret> page;
  std::int64_t total = 0;
};

/// Inputs arrive validated by the API layer (patterns, lengths, duplicates); the service enforces what needs stored
/// state: the secret exists in the project, is usable for writes, and keeps at most 20 tags.
class TagService {
 public:
  explicit TagService(store::Store& store) : store_(store) {}

  /// The secret with its tags; readable in every state, so a secret pending deletion still shows its tags.
  core::Result<TaggedSecret> list_tags(const std::string& project_id, const std::string& secret_id);
  /// Adds the tags, replacing the value of a key the secret already has. Returns the secret.
  core::Result<core::Secret> add_tags(const std::string& project_id, const std::string& secret_id,
                                      const std::vector<core::Tag>& tags);
  /// Removes each key whose value matches; a key the secret lacks (or with another value) is left alone.
  core::Result<core::Secret> remove_tags(const std::string& project_id, const std::string& secret_id,
                                         const std::vector<TagRemoval>& removals);
  /// Removes one key; kNotFound when the secret has no such key.
  core::Result<core::Secret> delete_tag(const std::string& project_id, const std::string& secret_id,
                                        const std::string& key);

  /// Every key used by the project's secrets with its distinct values.
  core::Result<std::vector<core::TagKeyValues>> project_tags(const std::string& project_id);
  /// The secrets `filter` selects (name order), `offset` skipped, at most `limit`, with their tags.
  core::Result<FilteredSecrets> filter_secrets(const std::string& project_id, const core::SecretFilter& filter,
                                               std::size_t offset, std::size_t limit);
  core::Result<std::int64_t> count_secrets(const std::string& project_id, const core::SecretFilter& filter);

 private:
  store::Store& store_;
};

}  // namespace csms::domain
