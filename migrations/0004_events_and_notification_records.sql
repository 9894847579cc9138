-- 0004_events_and_notification_records.sql: secret events, the notification records they write, and which version
-- expiries have been announced.

-- An event of one project; names are unique per project. event_types is the comma-joined list of enum values
-- (none contains a comma); target_* is the SMN notification target, kept and echoed only.
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

-- One row per notification an event fired. Written PENDING in the transaction that fired it; the delivery worker
-- sets SUCCESS or FAIL after commit. Names, not keys: a record outlives its secret and its event.
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
) STRICT;

CREATE INDEX notification_records_by_project ON notification_records (project_id, create_time);
CREATE INDEX notification_records_pending ON notification_records (record_pk) WHERE status = 'PENDING';

-- The expiry of a version was announced for this expire_time; a new expire_time (UpdateVersion) re-arms it.
CREATE TABLE version_expiry_notices (
  secret_pk   INTEGER NOT NULL,
  number      INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  PRIMARY KEY (secret_pk, number),
  FOREIGN KEY (secret_pk, number) REFERENCES versions (secret_pk, number) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX versions_by_expire_time ON versions (expire_time) WHERE expire_time IS NOT NULL;
