-- 0001_initial_schema.sql: secrets, versions, stages and master key checks.

-- One row per secret. secret_pk is internal; id is the public UUID. Names are unique per project.
CREATE TABLE secrets (
  secret_pk             INTEGER PRIMARY KEY,
  id                    TEXT    NOT NULL UNIQUE,
  project_id            TEXT    NOT NULL,
  name                  TEXT    NOT NULL,
  state                 TEXT    NOT NULL CHECK (state IN ('ENABLED', 'DISABLED', 'PENDING_DELETE', 'FROZEN')),
  kms_key_id            TEXT    NOT NULL,
  description           TEXT    NOT NULL,
  secret_type           TEXT    NOT NULL,
  auto_rotation         INTEGER NOT NULL CHECK (auto_rotation IN (0, 1)),
  rotation_period       TEXT,
  rotation_config       TEXT,
  rotation_func_urn     TEXT,
  enterprise_project_id TEXT    NOT NULL,
  create_time           INTEGER NOT NULL,
  update_time           INTEGER NOT NULL,
  scheduled_delete_time INTEGER,
  rotation_time         INTEGER,
  next_rotation_time    INTEGER,
  last_version_number   INTEGER NOT NULL DEFAULT 0 CHECK (last_version_number >= 0),
  UNIQUE (project_id, name)
) STRICT;

CREATE INDEX secrets_by_scheduled_delete_time ON secrets (scheduled_delete_time)
  WHERE scheduled_delete_time IS NOT NULL;

-- Events a secret subscribes to (at most one today; a table so that "who subscribes to X" is an index lookup).
CREATE TABLE secret_event_subscriptions (
  secret_pk  INTEGER NOT NULL REFERENCES secrets (secret_pk) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  event_name TEXT    NOT NULL,
  PRIMARY KEY (secret_pk, position)
) STRICT, WITHOUT ROWID;

-- Versions hold only sealed values (see daemon/crypto/sealer.hpp); key_id names the master key that sealed them.
-- deprecated_since is set when a version loses its last stage and drives pruning after the grace period.
CREATE TABLE versions (
  secret_pk        INTEGER NOT NULL REFERENCES secrets (secret_pk) ON DELETE CASCADE,
  number           INTEGER NOT NULL CHECK (number > 0),
  create_time      INTEGER NOT NULL,
  expire_time      INTEGER,
  kms_key_id       TEXT    NOT NULL,
  deprecated_since INTEGER,
  key_id           INTEGER NOT NULL,
  sealed_value     BLOB    NOT NULL,
  PRIMARY KEY (secret_pk, number)
) STRICT, WITHOUT ROWID;

CREATE INDEX versions_by_deprecated_since ON versions (deprecated_since) WHERE deprecated_since IS NOT NULL;

-- The (secret, stage) key: a stage labels exactly one version, so a move rewrites one row. The version reference
-- is checked at the end of each statement, so a staged version cannot be deleted while a whole secret can.
CREATE TABLE stages (
  secret_pk      INTEGER NOT NULL REFERENCES secrets (secret_pk) ON DELETE CASCADE,
  name           TEXT    NOT NULL,
  version_number INTEGER NOT NULL,
  update_time    INTEGER NOT NULL,
  PRIMARY KEY (secret_pk, name),
  FOREIGN KEY (secret_pk, version_number) REFERENCES versions (secret_pk, number)
) STRICT, WITHOUT ROWID;

CREATE INDEX stages_by_version ON stages (secret_pk, version_number);

-- One known plaintext sealed per master key id, checked at start so a wrong key never serves garbage.
CREATE TABLE master_key_checks (
  key_id       INTEGER PRIMARY KEY,
  check_blob   BLOB    NOT NULL,
  created_time INTEGER NOT NULL
) STRICT;
