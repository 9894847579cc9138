-- 0002_credentials_and_data_keys.sql: callers' credentials, wrapped data keys and the passphrase KDF salt.

-- Access keys keep their secret key sealed (it is needed to verify signatures); tokens keep only a SHA-256.
-- Revocation deletes the row (secure_delete zeroes its pages), so a revoked credential cannot come back.
CREATE TABLE credentials (
  id            TEXT    PRIMARY KEY,
  kind          TEXT    NOT NULL CHECK (kind IN ('access_key', 'token')),
  access_key    TEXT    UNIQUE,
  key_id        INTEGER,
  sealed_secret BLOB,
  token_hash    BLOB    UNIQUE,
  role          TEXT    NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
  description   TEXT    NOT NULL,
  create_time   INTEGER NOT NULL,
  CHECK ((kind = 'access_key' AND access_key IS NOT NULL AND key_id IS NOT NULL AND sealed_secret IS NOT NULL
          AND token_hash IS NULL)
      OR (kind = 'token' AND token_hash IS NOT NULL AND access_key IS NULL AND key_id IS NULL
          AND sealed_secret IS NULL))
) STRICT, WITHOUT ROWID;

-- The projects a credential may act on; '*' means every project.
CREATE TABLE credential_projects (
  credential_id TEXT NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  project_id    TEXT NOT NULL,
  PRIMARY KEY (credential_id, project_id)
) STRICT, WITHOUT ROWID;

-- Values are sealed with data keys; each data key is stored wrapped (AES-256-GCM) under the key-encryption key
-- that the operator supplies (key file, systemd credential or passphrase). Exactly one data key is current: new
-- values are sealed with it, and rotation re-seals the rest.
CREATE TABLE data_keys (
  key_id       INTEGER PRIMARY KEY CHECK (key_id > 0),
  wrapped_key  BLOB    NOT NULL,
  is_current   INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  created_time INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX data_keys_single_current ON data_keys (is_current) WHERE is_current = 1;

-- Rotation finds the rows sealed under an old key through these.
CREATE INDEX versions_by_key_id ON versions (key_id);
CREATE INDEX credentials_by_key_id ON credentials (key_id) WHERE key_id IS NOT NULL;

-- Present only in a vault whose key-encryption key is derived from a passphrase (scrypt).
CREATE TABLE passphrase_kdf (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  salt      BLOB    NOT NULL,
  log2_n    INTEGER NOT NULL,
  r         INTEGER NOT NULL,
  p         INTEGER NOT NULL
) STRICT;
