// secret_rows.cpp: every PostgreSQL statement on secrets and their event subscriptions.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_list_params.hpp"
#include "store/postgres/pg_transaction.hpp"
#include "store/postgres/secret_columns.hpp"

#include <string>
#include <unordered_map>

namespace csms::store::postgres {
namespace {

constexpr const char* kFindSecret =
    "SELECT " CSMS_PG_SECRET_COLUMNS "FROM secrets WHERE project_id = $1 AND name = $2";

constexpr const char* kFindSecretById =
    "SELECT " CSMS_PG_SECRET_COLUMNS "FROM secrets WHERE project_id = $1 AND id = $2";

// Two texts rather than "$4 IS NULL OR name > $4", so the generic plan of each can walk the (project_id, name) index.
constexpr const char* kListSecretsFirst =
    "SELECT " CSMS_PG_SECRET_COLUMNS
    "FROM secrets WHERE project_id = $1 AND ($3::text IS NULL OR secret_pk IN "
    "(SELECT secret_pk FROM secret_event_subscriptions WHERE event_name = $3)) ORDER BY name LIMIT $2";

constexpr const char* kListSecretsAfter =
    "SELECT " CSMS_PG_SECRET_COLUMNS
    "FROM secrets WHERE project_id = $1 AND name > $4 AND ($3::text IS NULL OR secret_pk IN "
    "(SELECT secret_pk FROM secret_event_subscriptions WHERE event_name = $3)) ORDER BY name LIMIT $2";

// $2 is a JSON array of {"key", "values"} conditions, all of which must hold (a tag with the key and one of the
// values, or any value when "values" is empty); $3 a text array the name must contain each of, compared without
// regard to ASCII case: lower() under COLLATE "C" folds ASCII only, as SQLite's lower() does.
#define CSMS_PG_SECRET_FILTER                                                                                       \
  "FROM secrets AS s WHERE s.project_id = $1 "                                                                       \
  "AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements($2::jsonb) AS c(condition) WHERE NOT EXISTS ("               \
  "SELECT 1 FROM secret_tags AS t WHERE t.secret_pk = s.secret_pk AND t.tag_key = (c.condition ->> 'key') "         \
  "AND (jsonb_array_length(c.condition -> 'values') = 0 "                                                           \
  "OR t.tag_value IN (SELECT jsonb_array_elements_text(c.condition -> 'values'))))) "                              \
  "AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS m(part) "                                                    \
  "WHERE strpos(lower(s.name), lower(m.part COLLATE \"C\")) = 0) "

constexpr const char* kFilterSecrets =
    "SELECT s.secret_pk, s.id, s.project_id, s.name, s.state, s.kms_key_id, s.description, s.secret_type, "
    "s.auto_rotation, s.rotation_period, s.rotation_config, s.rotation_func_urn, s.enterprise_project_id, "
    "s.create_time, s.update_time, s.scheduled_delete_time, s.rotation_time, s.next_rotation_time, "
    "s.last_version_number " CSMS_PG_SECRET_FILTER "ORDER BY s.name LIMIT $4 OFFSET $5";
constexpr const char* kCountFilteredSecrets = "SELECT count(*) " CSMS_PG_SECRET_FILTER;

#undef CSMS_PG_SECRET_FILTER

constexpr const char* kListSecretsDueForRotation =
    "SELECT " CSMS_PG_SECRET_COLUMNS
    "FROM secrets WHERE auto_rotation AND next_rotation_time <= $1 AND state = 'ENABLED' "
    "AND secret_type <> 'COMMON' ORDER BY next_rotation_time LIMIT $2";

// ON CONFLICT DO NOTHING: a taken (project, name) or id answers no row instead of an error, so the transaction
// stays usable after kAlreadyExists just as an SQLite one does (a PostgreSQL error would abort it).
constexpr const char* kInsertSecret =
    "INSERT INTO secrets (id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) "
    "ON CONFLICT DO NOTHING RETURNING secret_pk";

constexpr const char* kUpdateSecret =
    "UPDATE secrets SET state = $2, kms_key_id = $3, description = $4, auto_rotation = $5, rotation_period = $6, "
    "rotation_func_urn = $7, update_time = $8, scheduled_delete_time = $9, rotation_time = $10, "
    "next_rotation_time = $11, last_version_number = $12 WHERE secret_pk = $1";

constexpr const char* kDeleteSecret = "DELETE FROM secrets WHERE secret_pk = $1";

constexpr const char* kListSubscriptions =
    "SELECT event_name FROM secret_event_subscriptions WHERE secret_pk = $1 ORDER BY position";
// The subscriptions of a whole page in one statement (instead of one per secret).
constexpr const char* kListSubscriptionsOfPage =
    "SELECT secret_pk, event_name FROM secret_event_subscriptions WHERE secret_pk = ANY($1::bigint[]) "
    "ORDER BY secret_pk, position";
constexpr const char* kClearSubscriptions = "DELETE FROM secret_event_subscriptions WHERE secret_pk = $1";
// Positions count from 0 in list order, as the SQLite store numbers them.
constexpr const char* kInsertSubscriptions =
    "INSERT INTO secret_event_subscriptions (secret_pk, position, event_name) "
    "SELECT $1, u.ordinality - 1, u.event_name FROM unnest($2::text[]) WITH ORDINALITY AS u(event_name, ordinality)";

Params secret_filter_params(std::string_view project_id, const core::SecretFilter& filter) {
  Params params;
  params.text(project_id).text(tag_conditions_json(filter.tags)).text(text_array(filter.name_contains));
  return params;
}

}  // namespace

core::Secret read_secret_row(const Rows& rows, int row) {
  core::Secret secret;
  secret.row_id = rows.int64(row, 0);
  secret.id = rows.text(row, 1);
  secret.project_id = rows.text(row, 2);
  secret.name = rows.text(row, 3);
  secret.state = core::secret_state_from_string(rows.text(row, 4)).value_or(core::SecretState::kFrozen);
  secret.kms_key_id = rows.text(row, 5);
  secret.description = rows.text(row, 6);
  secret.secret_type = rows.text(row, 7);
  secret.auto_rotation = rows.boolean(row, 8);
  secret.rotation_period = rows.optional_text(row, 9);
  secret.rotation_config = rows.optional_text(row, 10);
  secret.rotation_func_urn = rows.optional_text(row, 11);
  secret.enterprise_project_id = rows.text(row, 12);
  secret.create_time = rows.int64(row, 13);
  secret.update_time = rows.int64(row, 14);
  secret.scheduled_delete_time = rows.optional_int64(row, 15);
  secret.rotation_time = rows.optional_int64(row, 16);
  secret.next_rotation_time = rows.optional_int64(row, 17);
  secret.last_version_number = rows.int64(row, 18);
  return secret;
}

core::Result<std::vector<std::string>> PgTransaction::load_event_subscriptions(std::int64_t secret_row) {
  CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListSubscriptions, Params().int64(secret_row)));
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) names.push_back(rows.text(i, 0));
  return names;
}

core::Status PgTransaction::store_event_subscriptions(const core::Secret& secret) {
  CSMS_TRY(db_.exec(kClearSubscriptions, Params().int64(secret.row_id)));
  if (secret.event_subscriptions.empty()) return core::ok();
  CSMS_TRY(db_.exec(kInsertSubscriptions, Params().int64(secret.row_id).text(text_array(secret.event_subscriptions))));
  return core::ok();
}

core::Status PgTransaction::load_page_event_subscriptions(std::vector<core::Secret>& secrets) {
  if (secrets.empty()) return core::ok();
  std::vector<std::int64_t> row_ids;
  std::unordered_map<std::int64_t, core::Secret*> by_row;
  for (core::Secret& secret : secrets) {
    row_ids.push_back(secret.row_id);
    by_row.emplace(secret.row_id, &secret);
  }
  CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListSubscriptionsOfPage, Params().text(bigint_array(row_ids))));
  for (int i = 0; i < rows.size(); ++i) {
    const auto owner = by_row.find(rows.int64(i, 0));
    if (owner != by_row.end()) owner->second->event_subscriptions.push_back(rows.text(i, 1));
  }
  return core::ok();
}

core::Result<std::optional<core::Secret>> PgTransaction::find_secret(std::string_view project_id,
                                                                     std::string_view name) {
  return guarded("reading a secret", [&]() -> core::Result<std::optional<core::Secret>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindSecret, Params().text(project_id).text(name)));
    std::optional<core::Secret> secret;
    if (rows.empty()) return secret;
    secret = read_secret_row(rows, 0);
    CSMS_TRY_ASSIGN(secret->event_subscriptions, load_event_subscriptions(secret->row_id));
    return secret;
  });
}

core::Result<std::vector<core::Secret>> PgTransaction::list_secrets(std::string_view project_id,
                                                                   std::optional<std::string_view> after_name,
                                                                   std::optional<std::string_view> event_name,
                                                                   std::size_t limit) {
  return guarded("listing secrets", [&]() -> core::Result<std::vector<core::Secret>> {
    Params params;
    params.text(project_id).int64(row_count(limit));
    if (event_name) {
      params.text(*event_name);
    } else {
      params.null_text();
    }
    if (after_name) params.text(*after_name);
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(after_name ? kListSecretsAfter : kListSecretsFirst, params));
    std::vector<core::Secret> secrets;
    secrets.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) secrets.push_back(read_secret_row(rows, i));
    CSMS_TRY(load_page_event_subscriptions(secrets));
    return secrets;
  });
}

core::Result<std::optional<core::Secret>> PgTransaction::find_secret_by_id(std::string_view project_id,
                                                                           std::string_view id) {
  return guarded("reading a secret by id", [&]() -> core::Result<std::optional<core::Secret>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindSecretById, Params().text(project_id).text(id)));
    std::optional<core::Secret> secret;
    if (rows.empty()) return secret;
    secret = read_secret_row(rows, 0);
    CSMS_TRY_ASSIGN(secret->event_subscriptions, load_event_subscriptions(secret->row_id));
    return secret;
  });
}

core::Result<std::vector<core::Secret>> PgTransaction::filter_secrets(std::string_view project_id,
                                                                     const core::SecretFilter& filter,
                                                                     std::size_t offset, std::size_t limit) {
  return guarded("filtering secrets", [&]() -> core::Result<std::vector<core::Secret>> {
    Params params = secret_filter_params(project_id, filter);
    params.int64(row_count(limit)).int64(row_count(offset));
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFilterSecrets, params));
    std::vector<core::Secret> secrets;
    secrets.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) secrets.push_back(read_secret_row(rows, i));
    CSMS_TRY(load_page_event_subscriptions(secrets));
    return secrets;
  });
}

core::Result<std::int64_t> PgTransaction::count_filtered_secrets(std::string_view project_id,
                                                                const core::SecretFilter& filter) {
  return guarded("counting filtered secrets", [&]() -> core::Result<std::int64_t> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kCountFilteredSecrets, secret_filter_params(project_id, filter)));
    if (rows.empty()) return std::int64_t{0};
    return rows.int64(0, 0);
  });
}

core::Result<std::vector<core::Secret>> PgTransaction::list_secrets_due_for_rotation(core::EpochMillis now,
                                                                                    std::size_t limit) {
  return guarded("listing secrets due for rotation", [&]() -> core::Result<std::vector<core::Secret>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListSecretsDueForRotation, Params().int64(now).int64(row_count(limit))));
    std::vector<core::Secret> secrets;
    secrets.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) secrets.push_back(read_secret_row(rows, i));
    CSMS_TRY(load_page_event_subscriptions(secrets));
    return secrets;
  });
}

core::Result<std::int64_t> PgTransaction::insert_secret(const core::Secret& secret) {
  return guarded("creating a secret", [&]() -> core::Result<std::int64_t> {
    Params params;
    params.text(secret.id)
        .text(secret.project_id)
        .text(secret.name)
        .text(core::to_string(secret.state))
        .text(secret.kms_key_id)
        .text(secret.description)
        .text(secret.secret_type)
        .boolean(secret.auto_rotation)
        .optional_text(secret.rotation_period)
        .optional_text(secret.rotation_config)
        .optional_text(secret.rotation_func_urn)
        .text(secret.enterprise_project_id)
        .int64(secret.create_time)
        .int64(secret.update_time)
        .optional_int64(secret.scheduled_delete_time)
        .optional_int64(secret.rotation_time)
        .optional_int64(secret.next_rotation_time)
        .int64(secret.last_version_number);
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kInsertSecret, params));
    if (rows.empty()) {
      return core::make_error(core::Errc::kAlreadyExists, "creating a secret: its name or id is already taken");
    }
    core::Secret stored = secret;
    stored.row_id = rows.int64(0, 0);
    CSMS_TRY(store_event_subscriptions(stored));
    return stored.row_id;
  });
}

core::Status PgTransaction::update_secret(const core::Secret& secret) {
  return guarded("updating a secret", [&]() -> core::Status {
    Params params;
    params.int64(secret.row_id)
        .text(core::to_string(secret.state))
        .text(secret.kms_key_id)
        .text(secret.description)
        .boolean(secret.auto_rotation)
        .optional_text(secret.rotation_period)
        .optional_text(secret.rotation_func_urn)
        .int64(secret.update_time)
        .optional_int64(secret.scheduled_delete_time)
        .optional_int64(secret.rotation_time)
        .optional_int64(secret.next_rotation_time)
        .int64(secret.last_version_number);
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kUpdateSecret, params));
    if (rows.affected() != 1) return core::make_error(core::Errc::kNotFound, "secret row vanished during update");
    return store_event_subscriptions(secret);
  });
}

core::Status PgTransaction::delete_secret(std::int64_t secret_row) {
  return guarded("deleting a secret", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kDeleteSecret, Params().int64(secret_row)));
    return core::ok();
  });
}

}  // namespace csms::store::postgres
