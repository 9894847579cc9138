-- 0002_sealed_rows_reference_data_keys.sql: every sealed row names a data key the database still holds.
-- With several instances on one vault, one may retire an old data key while another, not yet synced, seals a value
-- under it; SERIALIZABLE alone lets both commit, since the sealing transaction never reads data_keys. These foreign
-- keys make that a failed statement instead of a value no instance can open. No ON DELETE: retiring a key that still
-- seals a row must fail, and the re-sealing pass tries again.
--
-- Added NOT VALID first, so rows written from now on are checked whatever is already stored. They are then validated
-- when every stored row passes: always on a new vault. A vault where that race already left a row under a missing key
-- keeps serving (that row could not be opened before either) with the keys checking new rows only.

ALTER TABLE versions ADD CONSTRAINT versions_key_id_fkey
  FOREIGN KEY (key_id) REFERENCES data_keys (key_id) NOT VALID;
ALTER TABLE credentials ADD CONSTRAINT credentials_key_id_fkey
  FOREIGN KEY (key_id) REFERENCES data_keys (key_id) NOT VALID;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM versions v WHERE NOT EXISTS (SELECT 1 FROM data_keys k WHERE k.key_id = v.key_id)) THEN
    ALTER TABLE versions VALIDATE CONSTRAINT versions_key_id_fkey;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM credentials c
                 WHERE c.key_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM data_keys k WHERE k.key_id = c.key_id)) THEN
    ALTER TABLE credentials VALIDATE CONSTRAINT credentials_key_id_fkey;
  END IF;
END
$$;
