-- 0002_sealed_rows_reference_data_keys.sql: every sealed row names a data key the database still holds.
-- With several instances on one vault, one may retire an old data key while another, not yet synced, seals a value
-- under it; SERIALIZABLE alone lets both commit, since the sealing transaction never reads data_keys. These foreign
-- keys make that a failed statement instead of a value no instance can open. No ON DELETE: retiring a key that still
-- seals a row must fail, and the re-sealing pass tries again.

ALTER TABLE versions ADD FOREIGN KEY (key_id) REFERENCES data_keys (key_id);
ALTER TABLE credentials ADD FOREIGN KEY (key_id) REFERENCES data_keys (key_id);
