// ceiling_sql.hpp: the statements csmsd runs for create-version, copied verbatim so the ceiling does the same work.
//
// Sources (commit bd570bc): daemon/store/sqlite/secret_rows.cpp, version_rows.cpp, stage_rows.cpp; the order they run
// in is daemon/domain/secret_versions.cpp (SecretService::create_version) and service_support.cpp. If those change,
// change these too, or the ceiling no longer measures what csmsd does.
#pragma once

namespace csms_bench::sql {

// find_secret: the row, then its event subscriptions.
constexpr const char* kFindSecret =
    "SELECT secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number "
    "FROM secrets WHERE project_id = ?1 AND name = ?2";
constexpr const char* kListSubscriptions =
    "SELECT event_name FROM secret_event_subscriptions WHERE secret_pk = ?1 ORDER BY position";

// list_versions (every version of the secret, with their stages), then load_stage_map.
constexpr const char* kListVersionsFirst =
    "SELECT number, create_time, expire_time, kms_key_id, deprecated_since FROM versions "
    "WHERE secret_pk = ?1 ORDER BY number LIMIT ?2";
constexpr const char* kStagesOfSecret =
    "SELECT version_number, name FROM stages WHERE secret_pk = ?1 ORDER BY version_number, name";
constexpr const char* kListStages =
    "SELECT name, version_number, update_time FROM stages WHERE secret_pk = ?1 ORDER BY name";

// The writes: evict the 21st version, insert the new one, move stages, (un)deprecate, update the secret.
constexpr const char* kDeleteVersion = "DELETE FROM versions WHERE secret_pk = ?1 AND number = ?2";
constexpr const char* kInsertVersion =
    "INSERT INTO versions (secret_pk, number, create_time, expire_time, kms_key_id, deprecated_since, key_id, "
    "sealed_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kPutStage =
    "INSERT INTO stages (secret_pk, name, version_number, update_time) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (secret_pk, name) DO UPDATE SET version_number = excluded.version_number, "
    "update_time = excluded.update_time";
constexpr const char* kUpdateDeprecated =
    "UPDATE versions SET deprecated_since = ?3 WHERE secret_pk = ?1 AND number = ?2";
constexpr const char* kUpdateSecret =
    "UPDATE secrets SET state = ?2, kms_key_id = ?3, description = ?4, auto_rotation = ?5, rotation_period = ?6, "
    "rotation_func_urn = ?7, update_time = ?8, scheduled_delete_time = ?9, rotation_time = ?10, "
    "next_rotation_time = ?11, last_version_number = ?12 WHERE secret_pk = ?1";
// update_secret rewrites the subscriptions: clear, then one insert each (the bench secrets have none).
constexpr const char* kClearSubscriptions = "DELETE FROM secret_event_subscriptions WHERE secret_pk = ?1";

// Seeding only (create-secret's insert).
constexpr const char* kInsertSecret =
    "INSERT INTO secrets (id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, "
    "rotation_period, rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, "
    "scheduled_delete_time, rotation_time, next_rotation_time, last_version_number) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

}  // namespace csms_bench::sql
