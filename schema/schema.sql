-- schema.sql: the schema that migrations/0001..0007 produce (user_version 7). Reviewed by hand, compared with the
-- migrated database by tests/unit/store/schema_test.cpp; edit a migration, then this file, never only one.
--
-- How the tables map to CSMS:
--   secrets                     one row per secret (name unique per project); state, metadata, scheduled deletion
--   secret_event_subscriptions  the event names a secret subscribes to (event_subscriptions)
--   versions                    version metadata plus the sealed value; never plaintext
--   stages                      the (secret, stage) -> version map; its primary key is the unique (secret, stage)
--   master_key_checks           one sealed known plaintext per data key id, verified at start
--   credentials                 access keys (secret key sealed) and tokens (SHA-256 only), with a role
--                               (reader, writer, admin; metrics: GET /metrics only)
--   credential_projects         the projects a credential may act on ('*' = every project)
--   data_keys                   data keys wrapped under the operator's key-encryption key; one is current
--   passphrase_kdf              scrypt salt and cost, only when the key-encryption key comes from a passphrase
--   secret_tags                 the (secret, key) -> value tags of a secret; at most 20 per secret
--   events                      secret events of a project (event types, state, SMN target kept and echoed)
--   notification_records        one row per notification an event fired, PENDING until delivered (retried with
--                               back-off: attempts, next_attempt_time)
--   version_expiry_notices      which version expiries were announced (for which expire_time)
--   rotation_tasks              RotateSecret / auto-rotation tasks and their outcome (ListSecretTask)
--
-- Invariants the domain layer keeps (and tests check): every stage is on exactly one existing version; every
-- secret that has versions has SYSCURRENT; at most 12 stages and 20 versions per secret; versions.number is never
-- reused (secrets.last_version_number only grows); deprecated_since is set exactly on versions without a stage.
-- Connection settings (daemon/store/sqlite/database.cpp): journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
-- secure_delete=ON, busy_timeout, application_id.

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

CREATE TABLE secret_event_subscriptions (
  secret_pk  INTEGER NOT NULL REFERENCES secrets (secret_pk) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  event_name TEXT    NOT NULL,
  PRIMARY KEY (secret_pk, position)
) STRICT, WITHOUT ROWID;

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

CREATE TABLE stages (
  secret_pk      INTEGER NOT NULL REFERENCES secrets (secret_pk) ON DELETE CASCADE,
  name           TEXT    NOT NULL,
  version_number INTEGER NOT NULL,
  update_time    INTEGER NOT NULL,
  PRIMARY KEY (secret_pk, name),
  FOREIGN KEY (secret_pk, version_number) REFERENCES versions (secret_pk, number)
) STRICT, WITHOUT ROWID;

CREATE INDEX stages_by_version ON stages (secret_pk, version_number);

CREATE TABLE master_key_checks (
  key_id       INTEGER PRIMARY KEY,
  check_blob   BLOB    NOT NULL,
  created_time INTEGER NOT NULL
) STRICT;

CREATE TABLE credentials (
  id            TEXT    PRIMARY KEY,
  kind          TEXT    NOT NULL CHECK (kind IN ('access_key', 'token')),
  access_key    TEXT    UNIQUE,
  key_id        INTEGER,
  sealed_secret BLOB,
  token_hash    BLOB    UNIQUE,
  role          TEXT    NOT NULL CHECK (role IN ('reader', 'writer', 'admin', 'metrics')),
  description   TEXT    NOT NULL,
  create_time   INTEGER NOT NULL,
  CHECK ((kind = 'access_key' AND access_key IS NOT NULL AND key_id IS NOT NULL AND sealed_secret IS NOT NULL
          AND token_hash IS NULL)
      OR (kind = 'token' AND token_hash IS NOT NULL AND access_key IS NULL AND key_id IS NULL
          AND sealed_secret IS NULL))
) STRICT, WITHOUT ROWID;

CREATE TABLE credential_projects (
  credential_id TEXT NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  project_id    TEXT NOT NULL,
  PRIMARY KEY (credential_id, project_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE data_keys (
  key_id       INTEGER PRIMARY KEY CHECK (key_id > 0),
  wrapped_key  BLOB    NOT NULL,
  is_current   INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  created_time INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX data_keys_single_current ON data_keys (is_current) WHERE is_current = 1;

CREATE INDEX versions_by_key_id ON versions (key_id);
CREATE INDEX credentials_by_key_id ON credentials (key_id) WHERE key_id IS NOT NULL;

CREATE TABLE passphrase_kdf (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  salt      BLOB    NOT NULL,
  log2_n    INTEGER NOT NULL,
  r         INTEGER NOT NULL,
  p         INTEGER NOT NULL
) STRICT;

CREATE TABLE secret_tags (
  secret_pk INTEGER NOT NULL REFERENCES secrets (secret_pk) ON DELETE CASCADE,
  tag_key   TEXT    NOT NULL,
  tag_value TEXT    NOT NULL,
  PRIMARY KEY (secret_pk, tag_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
  event_pk    INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL UNIQUE,
  project_id  TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  event_types TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('ENABLED', 'DISABLED')),
  target_type TEXT    NOT NULL,
  target_id   TEXT    NOT NULL,
  target_name TEXT    NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  UNIQUE (project_id, name)
) STRICT;

-- attempts and next_attempt_time were added by 0006 (ALTER TABLE ... ADD COLUMN), which is why SQLite keeps them on
-- their own line after status.
CREATE TABLE notification_records (
  record_pk          INTEGER PRIMARY KEY,
  project_id         TEXT    NOT NULL,
  event_name         TEXT    NOT NULL,
  trigger_event_type TEXT    NOT NULL,
  create_time        INTEGER NOT NULL,
  secret_name        TEXT    NOT NULL,
  secret_type        TEXT    NOT NULL,
  target_name        TEXT    NOT NULL,
  target_id          TEXT    NOT NULL,
  content            TEXT    NOT NULL,
  status             TEXT    NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAIL', 'INVALID'))
, attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0), next_attempt_time INTEGER NOT NULL DEFAULT 0) STRICT;

CREATE INDEX notification_records_by_project ON notification_records (project_id, create_time);
CREATE INDEX notification_records_pending ON notification_records (record_pk) WHERE status = 'PENDING';

CREATE TABLE version_expiry_notices (
  secret_pk   INTEGER NOT NULL,
  number      INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  PRIMARY KEY (secret_pk, number),
  FOREIGN KEY (secret_pk, number) REFERENCES versions (secret_pk, number) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX versions_by_expire_time ON versions (expire_time) WHERE expire_time IS NOT NULL;

CREATE TABLE rotation_tasks (
  task_pk           INTEGER PRIMARY KEY,
  id                TEXT    NOT NULL UNIQUE,
  project_id        TEXT    NOT NULL,
  secret_name       TEXT    NOT NULL,
  rotation_func_urn TEXT,
  status            TEXT    NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED')),
  operate_type      TEXT    NOT NULL,
  task_time         INTEGER NOT NULL,
  attempt_nums      INTEGER NOT NULL CHECK (attempt_nums >= 0),
  error_code        TEXT,
  error_msg         TEXT,
  version_id        TEXT
) STRICT;

CREATE INDEX rotation_tasks_by_project ON rotation_tasks (project_id, task_pk);
CREATE INDEX rotation_tasks_running ON rotation_tasks (task_pk) WHERE status = 'RUNNING';
CREATE INDEX secrets_by_next_rotation_time ON secrets (next_rotation_time) WHERE auto_rotation = 1;
