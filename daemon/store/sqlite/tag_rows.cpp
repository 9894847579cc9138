// tag_rows.cpp: every SQL statement on the secret_tags table.
#include "store/sqlite/json_params.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace csms::store::sqlite {
namespace {

constexpr const char* kListTags =
    "SELECT tag_key, tag_value FROM secret_tags WHERE secret_pk = ?1 ORDER BY tag_key";
// ?1 is a JSON array of secret_pk: the tags of a whole page in one statement.
constexpr const char* kListTagsOfSecrets =
    "SELECT secret_pk, tag_key, tag_value FROM secret_tags WHERE secret_pk IN (SELECT value FROM json_each(?1)) "
    "ORDER BY secret_pk, tag_key";
// The (secret_pk, tag_key) key makes "one value per key" an upsert of one row.
constexpr const char* kPutTag =
    "INSERT INTO secret_tags (secret_pk, tag_key, tag_value) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (secret_pk, tag_key) DO UPDATE SET tag_value = excluded.tag_value";
constexpr const char* kDeleteTag = "DELETE FROM secret_tags WHERE secret_pk = ?1 AND tag_key = ?2";
constexpr const char* kListProjectTags =
    "SELECT DISTINCT t.tag_key, t.tag_value FROM secret_tags AS t JOIN secrets AS s ON s.secret_pk = t.secret_pk "
    "WHERE s.project_id = ?1 ORDER BY t.tag_key, t.tag_value";

}  // namespace

core::Result<std::vector<core::Tag>> SqliteTransaction::list_tags(std::int64_t secret_row) {
  return guarded("listing tags", [&]() -> core::Result<std::vector<core::Tag>> {
    auto statement = statements_.use(kListTags);
    statement->bind(1, static_cast<int64_t>(secret_row));
    std::vector<core::Tag> tags;
    while (statement->executeStep()) {
      tags.push_back(core::Tag{statement->getColumn(0).getString(), statement->getColumn(1).getString()});
    }
    return tags;
  });
}

core::Result<std::vector<std::pair<std::int64_t, core::Tag>>> SqliteTransaction::list_tags_of_secrets(
    const std::vector<std::int64_t>& secret_rows) {
  return guarded("listing tags", [&]() -> core::Result<std::vector<std::pair<std::int64_t, core::Tag>>> {
    std::vector<std::pair<std::int64_t, core::Tag>> tags;
    if (secret_rows.empty()) return tags;
    auto statement = statements_.use(kListTagsOfSecrets);
    statement->bind(1, json_array(secret_rows));
    while (statement->executeStep()) {
      tags.emplace_back(statement->getColumn(0).getInt64(),
                        core::Tag{statement->getColumn(1).getString(), statement->getColumn(2).getString()});
    }
    return tags;
  });
}

core::Status SqliteTransaction::put_tag(std::int64_t secret_row, const core::Tag& tag) {
  return guarded("setting a tag", [&]() -> core::Status {
    auto statement = statements_.use(kPutTag);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, tag.key);
    statement->bind(3, tag.value);
    statement->exec();
    return core::ok();
  });
}

core::Result<bool> SqliteTransaction::delete_tag(std::int64_t secret_row, std::string_view key) {
  return guarded("removing a tag", [&]() -> core::Result<bool> {
    auto statement = statements_.use(kDeleteTag);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, std::string(key));
    return statement->exec() == 1;
  });
}

core::Result<std::vector<core::TagKeyValues>> SqliteTransaction::list_project_tags(std::string_view project_id) {
  return guarded("listing the project's tags", [&]() -> core::Result<std::vector<core::TagKeyValues>> {
    auto statement = statements_.use(kListProjectTags);
    statement->bind(1, std::string(project_id));
    std::vector<core::TagKeyValues> keys;
    while (statement->executeStep()) {
      std::string key = statement->getColumn(0).getString();
      if (keys.empty() || keys.back().key != key) keys.push_back(core::TagKeyValues{std::move(key), {}});
      keys.back().values.push_back(statement->getColumn(1).getString());
    }
    return keys;
  });
}

}  // namespace csms::store::sqlite
