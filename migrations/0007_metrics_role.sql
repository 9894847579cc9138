-- 0007_metrics_role.sql: a fourth credential role, metrics, that may scrape GET /metrics and nothing else.

-- SQLite cannot change a CHECK constraint in place, so credentials is rebuilt. The migrator runs this in one
-- transaction with foreign_keys ON (that PRAGMA cannot change inside a transaction). There DROP TABLE credentials
-- would cascade to credential_projects, and renaming credentials aside first would make credential_projects'
-- foreign key follow the new name. So both tables' rows are set aside, credential_projects is emptied explicitly
-- (the same with or without foreign keys enforced), credentials is created again under its own name, and the rows
-- go back in. The scratch tables live in the vault file, so secure_delete zeroes their pages when they are dropped.
CREATE TABLE credentials_saved_0007 AS
  SELECT id, kind, access_key, key_id, sealed_secret, token_hash, role, description, create_time FROM credentials;
CREATE TABLE credential_projects_saved_0007 AS SELECT credential_id, project_id FROM credential_projects;
DELETE FROM credential_projects;
DROP TABLE credentials;

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

INSERT INTO credentials (id, kind, access_key, key_id, sealed_secret, token_hash, role, description, create_time)
  SELECT id, kind, access_key, key_id, sealed_secret, token_hash, role, description, create_time
  FROM credentials_saved_0007;
INSERT INTO credential_projects (credential_id, project_id)
  SELECT credential_id, project_id FROM credential_projects_saved_0007;

-- Dropping the old table dropped its index; key rotation finds sealed secret keys through it.
CREATE INDEX credentials_by_key_id ON credentials (key_id) WHERE key_id IS NOT NULL;

DROP TABLE credential_projects_saved_0007;
DROP TABLE credentials_saved_0007;
