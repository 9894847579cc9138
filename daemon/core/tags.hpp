// tags.hpp: plain structs for secret tags and the tag filter of ListResourceInstances (csms-api.md 1.5).
#pragma once

#include <string>
#include <vector>

namespace csms::core {

/// One tag of a secret; a secret has at most one value per key.
struct Tag {
  std::string key;
  std::string value;
};

/// A filter condition: the secret has a tag `key` whose value is one of `values`, or any value when `values` is
/// empty.
struct TagCondition {
  std::string key;
  std::vector<std::string> values;
};

/// Which secrets of a project ListResourceInstances selects: every tag condition holds (keys are AND-ed) and the
/// name contains every `name_contains` text (case-insensitively, the service's "fuzzy" match).
struct SecretFilter {
  std::vector<TagCondition> tags;
  std::vector<std::string> name_contains;
};

/// A key used in a project with the distinct values it has there (ListProjectSecretsTags).
struct TagKeyValues {
  std::string key;
  std::vector<std::string> values;
};

}  // namespace csms::core
