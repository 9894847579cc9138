// tag_rows.cpp: every PostgreSQL statement on tags.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_list_params.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace csms::store::postgres {
namespace {

constexpr const char* kListTags = "SELECT tag_key, tag_value FROM secret_tags WHERE secret_pk = $1 ORDER BY tag_key";
// The tags of a whole page in one statement.
constexpr const char* kListTagsOfSecrets =
    "SELECT secret_pk, tag_key, tag_value FROM secret_tags WHERE secret_pk = ANY($1::bigint[]) "
    "ORDER BY secret_pk, tag_key";
// The (secret_pk, tag_key) key makes "one value per key" an upsert of one row.
constexpr const char* kPutTag =
    "INSERT INTO secret_tags (secret_pk, tag_key, tag_value) VALUES ($1, $2, $3) "
    "ON CONFLICT (secret_pk, tag_key) DO UPDATE SET tag_value = excluded.tag_value";
constexpr const char* kDeleteTag = "DELETE FROM secret_tags WHERE secret_pk = $1 AND tag_key = $2";
constexpr const char* kListProjectTags =
    "SELECT DISTINCT t.tag_key, t.tag_value FROM secret_tags AS t JOIN secrets AS s ON s.secret_pk = t.secret_pk "
    "WHERE s.project_id = $1 ORDER BY t.tag_key, t.tag_value";

}  // namespace

core::Result<std::vector<core::Tag>> PgTransaction::list_tags(std::int64_t secret_row) {
  return guarded("listing tags", [&]() -> core::Result<std::vector<core::Tag>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListTags, Params().int64(secret_row)));
    std::vector<core::Tag> tags;
    tags.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) tags.push_back(core::Tag{rows.text(i, 0), rows.text(i, 1)});
    return tags;
  });
}

core::Result<std::vector<std::pair<std::int64_t, core::Tag>>> PgTransaction::list_tags_of_secrets(
    const std::vector<std::int64_t>& secret_rows) {
  return guarded("listing tags", [&]() -> core::Result<std::vector<std::pair<std::int64_t, core::Tag>>> {
    std::vector<std::pair<std::int64_t, core::Tag>> tags;
    if (secret_rows.empty()) return tags;
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListTagsOfSecrets, Params().text(bigint_array(secret_rows))));
    tags.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      tags.emplace_back(rows.int64(i, 0), core::Tag{rows.text(i, 1), rows.text(i, 2)});
    }
    return tags;
  });
}

core::Status PgTransaction::put_tag(std::int64_t secret_row, const core::Tag& tag) {
  return guarded("setting a tag", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kPutTag, Params().int64(secret_row).text(tag.key).text(tag.value)));
    return core::ok();
  });
}

core::Result<bool> PgTransaction::delete_tag(std::int64_t secret_row, std::string_view key) {
  return guarded("removing a tag", [&]() -> core::Result<bool> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kDeleteTag, Params().int64(secret_row).text(key)));
    return rows.affected() == 1;
  });
}

core::Result<std::vector<core::TagKeyValues>> PgTransaction::list_project_tags(std::string_view project_id) {
  return guarded("listing the project's tags", [&]() -> core::Result<std::vector<core::TagKeyValues>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListProjectTags, Params().text(project_id)));
    std::vector<core::TagKeyValues> keys;
    for (int i = 0; i < rows.size(); ++i) {
      std::string key = rows.text(i, 0);
      if (keys.empty() || keys.back().key != key) keys.push_back(core::TagKeyValues{std::move(key), {}});
      keys.back().values.push_back(rows.text(i, 1));
    }
    return keys;
  });
}

}  // namespace csms::store::postgres
