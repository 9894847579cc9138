-- 0003_tags.sql: secret tags (csms-api.md 1.5).

-- One value per key per secret, so (secret, key) is the key and a create on an existing key rewrites one row.
-- Deleting a secret (immediately or when its scheduled deletion comes) deletes its tags.
CREATE TABLE secret_tags (
  secret_pk INTEGER NOT NULL REFERENCES secrets (secret_pk) ON DELETE CASCADE,
  tag_key   TEXT    NOT NULL,
  tag_value TEXT    NOT NULL,
  PRIMARY KEY (secret_pk, tag_key)
) STRICT, WITHOUT ROWID;
