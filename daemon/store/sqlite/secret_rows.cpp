// secret_rows.cpp: every SQL statement on the secrets and secret_event_subscriptions tables, and the tag filter.
#include "store/sqlite/column_helpers.hpp"
#include "store/sqlite/json_params.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

#include <string>
#include <unordered_map>

namespace csms::store::sqlite {
namespace {

constexpr const char* kFindSecret =
    "SELECT secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number "
    "FROM secrets WHERE project_id = ?1 AND name = ?2";

constexpr const char* kListSecretsFirst =
    "SELECT secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number "
    "FROM secrets WHERE project_id = ?1 AND (?4 IS NULL OR secret_pk IN "
    "(SELECT secret_pk FROM secret_event_subscriptions WHERE event_name = ?4)) ORDER BY name LIMIT ?2";

constexpr const char* kListSecretsAfter =
    "SELECT secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number "
    "FROM secrets WHERE project_id = ?1 AND name > ?3 AND (?4 IS NULL OR secret_pk IN "
    "(SELECT secret_pk FROM secret_event_subscriptions WHERE event_name = ?4)) ORDER BY name LIMIT ?2";

#define CSMS_SECRET_COLUMNS                                                                                    \
  "secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, rotation_period, " \
  "rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, scheduled_delete_time, "  \
  "rotation_time, next_rotation_time, last_version_number "

constexpr const char* kFindSecretById =
    "SELECT " CSMS_SECRET_COLUMNS "FROM secrets WHERE project_id = ?1 AND id = ?2";

// ?2 is a JSON array of {"key", "values"} conditions, all of which must hold (a tag with the key and one of the
// values, or any value when "values" is empty); ?3 a JSON array of texts the name must contain, compared without
// regard to ASCII case. Static text with list parameters, so each statement is prepared once.
#define CSMS_SECRET_FILTER                                                                                        \
  "FROM secrets AS s WHERE s.project_id = ?1 "                                                                     \
  "AND NOT EXISTS (SELECT 1 FROM json_each(?2) AS c WHERE NOT EXISTS ("                                          \
  "SELECT 1 FROM secret_tags AS t WHERE t.secret_pk = s.secret_pk AND t.tag_key = json_extract(c.value, '$.key') " \
  "AND (json_array_length(c.value, '$.values') = 0 "                                                             \
  "OR t.tag_value IN (SELECT v.value FROM json_each(c.value, '$.values') AS v)))) "                              \
  "AND NOT EXISTS (SELECT 1 FROM json_each(?3) AS m WHERE instr(lower(s.name), lower(m.value)) = 0) "

constexpr const char* kFilterSecrets =
    "SELECT " CSMS_SECRET_COLUMNS CSMS_SECRET_FILTER "ORDER BY s.name LIMIT ?4 OFFSET ?5";
constexpr const char* kCountFilteredSecrets = "SELECT count(*) " CSMS_SECRET_FILTER;

#undef CSMS_SECRET_FILTER
#undef CSMS_SECRET_COLUMNS

// Exactly the rows kPruneSecrets (maintenance_rows.cpp) deletes, so their SECRET_DELETED events can fire first.
constexpr const char* kListSecretsDueForDeletion =
    "SELECT secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number "
    "FROM secrets WHERE scheduled_delete_time IS NOT NULL AND scheduled_delete_time <= ?1 "
    "AND state = 'PENDING_DELETE' ORDER BY secret_pk";

constexpr const char* kListSecretsDueForRotation =
    "SELECT secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number "
    "FROM secrets WHERE auto_rotation = 1 AND next_rotation_time <= ?1 AND state = 'ENABLED' "
    "AND secret_type <> 'COMMON' ORDER BY next_rotation_time LIMIT ?2";

constexpr const char* kInsertSecret =
    "INSERT INTO secrets (id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

constexpr const char* kUpdateSecret =
    "UPDATE secrets SET state = ?2, kms_key_id = ?3, description = ?4, auto_rotation = ?5, rotation_period = ?6, "
    "rotation_func_urn = ?7, update_time = ?8, scheduled_delete_time = ?9, rotation_time = ?10, "
    "next_rotation_time = ?11, last_version_number = ?12 WHERE secret_pk = ?1";

constexpr const char* kDeleteSecret = "DELETE FROM secrets WHERE secret_pk = ?1";

constexpr const char* kListSubscriptions =
    "SELECT event_name FROM secret_event_subscriptions WHERE secret_pk = ?1 ORDER BY position";
// The subscriptions of a whole page in one statement (instead of one per secret): ?1 is a JSON array of secret_pk.
constexpr const char* kListSubscriptionsOfPage =
    "SELECT secret_pk, event_name FROM secret_event_subscriptions "
    "WHERE secret_pk IN (SELECT value FROM json_each(?1)) ORDER BY secret_pk, position";
constexpr const char* kClearSubscriptions = "DELETE FROM secret_event_subscriptions WHERE secret_pk = ?1";
constexpr const char* kInsertSubscription =
    "INSERT INTO secret_event_subscriptions (secret_pk, position, event_name) VALUES (?1, ?2, ?3)";

core::Secret read_secret(SQLite::Statement& row) {
  core::Secret secret;
  secret.row_id = row.getColumn(0).getInt64();
  secret.id = row.getColumn(1).getString();
  secret.project_id = row.getColumn(2).getString();
  secret.name = row.getColumn(3).getString();
  secret.state = core::secret_state_from_string(row.getColumn(4).getString()).value_or(core::SecretState::kFrozen);
  secret.kms_key_id = row.getColumn(5).getString();
  secret.description = row.getColumn(6).getString();
  secret.secret_type = row.getColumn(7).getString();
  secret.auto_rotation = row.getColumn(8).getInt() != 0;
  secret.rotation_period = optional_text(row.getColumn(9));
  secret.rotation_config = optional_text(row.getColumn(10));
  secret.rotation_func_urn = optional_text(row.getColumn(11));
  secret.enterprise_project_id = row.getColumn(12).getString();
  secret.create_time = row.getColumn(13).getInt64();
  secret.update_time = row.getColumn(14).getInt64();
  secret.scheduled_delete_time = optional_int64(row.getColumn(15));
  secret.rotation_time = optional_int64(row.getColumn(16));
  secret.next_rotation_time = optional_int64(row.getColumn(17));
  secret.last_version_number = row.getColumn(18).getInt64();
  return secret;
}

}  // namespace

core::Result<std::vector<std::string>> SqliteTransaction::load_event_subscriptions(std::int64_t secret_row) {
  auto statement = statements_.use(kListSubscriptions);
  statement->bind(1, static_cast<int64_t>(secret_row));
  std::vector<std::string> names;
  while (statement->executeStep()) names.push_back(statement->getColumn(0).getString());
  return names;
}

core::Status SqliteTransaction::store_event_subscriptions(const core::Secret& secret) {
  {
    auto clear = statements_.use(kClearSubscriptions);
    clear->bind(1, static_cast<int64_t>(secret.row_id));
    clear->exec();
  }
  for (std::size_t position = 0; position < secret.event_subscriptions.size(); ++position) {
    auto insert = statements_.use(kInsertSubscription);
    insert->bind(1, static_cast<int64_t>(secret.row_id));
    insert->bind(2, static_cast<int64_t>(position));
    insert->bind(3, secret.event_subscriptions[position]);
    insert->exec();
  }
  return core::ok();
}

core::Result<std::optional<core::Secret>> SqliteTransaction::find_secret(std::string_view project_id,
                                                                         std::string_view name) {
  return guarded("reading a secret", [&]() -> core::Result<std::optional<core::Secret>> {
    std::optional<core::Secret> secret;
    {
      auto statement = statements_.use(kFindSecret);
      statement->bind(1, std::string(project_id));
      statement->bind(2, std::string(name));
      if (!statement->executeStep()) return secret;
      secret = read_secret(*statement);
    }
    CSMS_TRY_ASSIGN(secret->event_subscriptions, load_event_subscriptions(secret->row_id));
    return secret;
  });
}

core::Result<std::vector<core::Secret>> SqliteTransaction::list_secrets(std::string_view project_id,
                                                                       std::optional<std::string_view> after_name,
                                                                       std::optional<std::string_view> event_name,
                                                                       std::size_t limit) {
  return guarded("listing secrets", [&]() -> core::Result<std::vector<core::Secret>> {
    std::vector<core::Secret> secrets;
    {
      auto statement = statements_.use(after_name ? kListSecretsAfter : kListSecretsFirst);
      statement->bind(1, std::string(project_id));
      statement->bind(2, static_cast<int64_t>(limit));
      if (after_name) statement->bind(3, std::string(*after_name));
      if (event_name) {
        statement->bind(4, std::string(*event_name));
      } else {
        statement->bind(4);
      }
      while (statement->executeStep()) secrets.push_back(read_secret(*statement));
    }
    CSMS_TRY(load_page_event_subscriptions(secrets));
    return secrets;
  });
}

core::Status SqliteTransaction::load_page_event_subscriptions(std::vector<core::Secret>& secrets) {
  if (secrets.empty()) return core::ok();
  std::vector<std::int64_t> rows;
  std::unordered_map<std::int64_t, core::Secret*> by_row;
  for (core::Secret& secret : secrets) {
    rows.push_back(secret.row_id);
    by_row.emplace(secret.row_id, &secret);
  }
  auto subscriptions = statements_.use(kListSubscriptionsOfPage);
  subscriptions->bind(1, json_array(rows));
  while (subscriptions->executeStep()) {
    const auto owner = by_row.find(subscriptions->getColumn(0).getInt64());
    if (owner != by_row.end()) owner->second->event_subscriptions.push_back(subscriptions->getColumn(1).getString());
  }
  return core::ok();
}

core::Result<std::optional<core::Secret>> SqliteTransaction::find_secret_by_id(std::string_view project_id,
                                                                               std::string_view id) {
  return guarded("reading a secret by id", [&]() -> core::Result<std::optional<core::Secret>> {
    std::optional<core::Secret> secret;
    {
      auto statement = statements_.use(kFindSecretById);
      statement->bind(1, std::string(project_id));
      statement->bind(2, std::string(id));
      if (!statement->executeStep()) return secret;
      secret = read_secret(*statement);
    }
    CSMS_TRY_ASSIGN(secret->event_subscriptions, load_event_subscriptions(secret->row_id));
    return secret;
  });
}

core::Result<std::vector<core::Secret>> SqliteTransaction::filter_secrets(std::string_view project_id,
                                                                         const core::SecretFilter& filter,
                                                                         std::size_t offset, std::size_t limit) {
  return guarded("filtering secrets", [&]() -> core::Result<std::vector<core::Secret>> {
    std::vector<core::Secret> secrets;
    {
      auto statement = statements_.use(kFilterSecrets);
      statement->bind(1, std::string(project_id));
      statement->bind(2, json_array(filter.tags));
      statement->bind(3, json_array(filter.name_contains));
      statement->bind(4, static_cast<int64_t>(limit));
      statement->bind(5, static_cast<int64_t>(offset));
      while (statement->executeStep()) secrets.push_back(read_secret(*statement));
    }
    CSMS_TRY(load_page_event_subscriptions(secrets));
    return secrets;
  });
}

core::Result<std::vector<core::Secret>> SqliteTransaction::list_secrets_due_for_deletion(core::EpochMillis now) {
  return guarded("listing secrets due for deletion", [&]() -> core::Result<std::vector<core::Secret>> {
    std::vector<core::Secret> secrets;
    {
      auto statement = statements_.use(kListSecretsDueForDeletion);
      statement->bind(1, static_cast<int64_t>(now));
      while (statement->executeStep()) secrets.push_back(read_secret(*statement));
    }
    for (core::Secret& secret : secrets) {
      CSMS_TRY_ASSIGN(secret.event_subscriptions, load_event_subscriptions(secret.row_id));
    }
    return secrets;
  });
}

core::Result<std::int64_t> SqliteTransaction::count_filtered_secrets(std::string_view project_id,
                                                                    const core::SecretFilter& filter) {
  return guarded("counting filtered secrets", [&]() -> core::Result<std::int64_t> {
    auto statement = statements_.use(kCountFilteredSecrets);
    statement->bind(1, std::string(project_id));
    statement->bind(2, json_array(filter.tags));
    statement->bind(3, json_array(filter.name_contains));
    if (!statement->executeStep()) return std::int64_t{0};
    return static_cast<std::int64_t>(statement->getColumn(0).getInt64());
  });
}

core::Result<std::vector<core::Secret>> SqliteTransaction::list_secrets_due_for_rotation(core::EpochMillis now,
                                                                                        std::size_t limit) {
  return guarded("listing secrets due for rotation", [&]() -> core::Result<std::vector<core::Secret>> {
    std::vector<core::Secret> secrets;
    {
      auto statement = statements_.use(kListSecretsDueForRotation);
      statement->bind(1, static_cast<int64_t>(now));
      statement->bind(2, static_cast<int64_t>(limit));
      while (statement->executeStep()) secrets.push_back(read_secret(*statement));
    }
    for (core::Secret& secret : secrets) {
      CSMS_TRY_ASSIGN(secret.event_subscriptions, load_event_subscriptions(secret.row_id));
    }
    return secrets;
  });
}

core::Result<std::int64_t> SqliteTransaction::insert_secret(const core::Secret& secret) {
  return guarded("creating a secret", [&]() -> core::Result<std::int64_t> {
    {
      auto statement = statements_.use(kInsertSecret);
      statement->bind(1, secret.id);
      statement->bind(2, secret.project_id);
      statement->bind(3, secret.name);
      statement->bind(4, std::string(core::to_string(secret.state)));
      statement->bind(5, secret.kms_key_id);
      statement->bind(6, secret.description);
      statement->bind(7, secret.secret_type);
      statement->bind(8, secret.auto_rotation ? 1 : 0);
      bind_optional(*statement, 9, secret.rotation_period);
      bind_optional(*statement, 10, secret.rotation_config);
      bind_optional(*statement, 11, secret.rotation_func_urn);
      statement->bind(12, secret.enterprise_project_id);
      statement->bind(13, static_cast<int64_t>(secret.create_time));
      statement->bind(14, static_cast<int64_t>(secret.update_time));
      bind_optional(*statement, 15, secret.scheduled_delete_time);
      bind_optional(*statement, 16, secret.rotation_time);
      bind_optional(*statement, 17, secret.next_rotation_time);
      statement->bind(18, static_cast<int64_t>(secret.last_version_number));
      statement->exec();
    }
    core::Secret stored = secret;
    stored.row_id = db_.getLastInsertRowid();
    CSMS_TRY(store_event_subscriptions(stored));
    return stored.row_id;
  });
}

core::Status SqliteTransaction::update_secret(const core::Secret& secret) {
  return guarded("updating a secret", [&]() -> core::Status {
    {
      auto statement = statements_.use(kUpdateSecret);
      statement->bind(1, static_cast<int64_t>(secret.row_id));
      statement->bind(2, std::string(core::to_string(secret.state)));
      statement->bind(3, secret.kms_key_id);
      statement->bind(4, secret.description);
      statement->bind(5, secret.auto_rotation ? 1 : 0);
      bind_optional(*statement, 6, secret.rotation_period);
      bind_optional(*statement, 7, secret.rotation_func_urn);
      statement->bind(8, static_cast<int64_t>(secret.update_time));
      bind_optional(*statement, 9, secret.scheduled_delete_time);
      bind_optional(*statement, 10, secret.rotation_time);
      bind_optional(*statement, 11, secret.next_rotation_time);
      statement->bind(12, static_cast<int64_t>(secret.last_version_number));
      if (statement->exec() != 1) return core::make_error(core::Errc::kNotFound, "secret row vanished during update");
    }
    return store_event_subscriptions(secret);
  });
}

core::Status SqliteTransaction::delete_secret(std::int64_t secret_row) {
  return guarded("deleting a secret", [&]() -> core::Status {
    auto statement = statements_.use(kDeleteSecret);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->exec();
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
