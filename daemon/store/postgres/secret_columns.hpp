// secret_columns.hpp: the secrets columns that PostgreSQL statements returning whole secrets select, and their reader.
#pragma once

#include "core/model.hpp"
#include "store/postgres/pg_connection.hpp"

namespace csms::store::postgres {

// A macro so statements stay compile-time string literals (prepared once per connection by their text).
#define CSMS_PG_SECRET_COLUMNS                                                                                   \
  "secret_pk, id, project_id, name, state, kms_key_id, description, secret_type, auto_rotation, rotation_period, " \
  "rotation_config, rotation_func_urn, enterprise_project_id, create_time, update_time, scheduled_delete_time, "  \
  "rotation_time, next_rotation_time, last_version_number "

/// Row `row` of a result that selected CSMS_PG_SECRET_COLUMNS first; event_subscriptions is left empty.
core::Secret read_secret_row(const Rows& rows, int row);

}  // namespace csms::store::postgres
