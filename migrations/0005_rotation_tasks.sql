-- 0005_rotation_tasks.sql: rotation tasks (ListSecretTask) and the index the auto-rotation check reads.

-- A task names its secret rather than referencing it: the task history outlives the secret.
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
