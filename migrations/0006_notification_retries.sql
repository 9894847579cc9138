-- 0006_notification_retries.sql: a failed notification delivery is retried with back-off, so a record counts its
-- attempts and says when the next one is due (0: at once).
ALTER TABLE notification_records ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE notification_records ADD COLUMN next_attempt_time INTEGER NOT NULL DEFAULT 0;
