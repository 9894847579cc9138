// task_rows.cpp: every SQL statement on rotation_tasks.
#include "store/sqlite/column_helpers.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

#include <string>

namespace csms::store::sqlite {
namespace {

constexpr const char* kInsertTask =
    "INSERT INTO rotation_tasks (id, project_id, secret_name, rotation_func_urn, status, operate_type, task_time, "
    "attempt_nums, error_code, error_msg, version_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char* kUpdateTask =
    "UPDATE rotation_tasks SET status = ?2, attempt_nums = ?3, error_code = ?4, error_msg = ?5, version_id = ?6 "
    "WHERE id = ?1";
// One statement for every filter combination: an unbound (NULL) filter matches everything. The marker is a task
// id; tasks after it are those created later (task_pk grows).
constexpr const char* kListTasks =
    "SELECT id, project_id, secret_name, rotation_func_urn, status, operate_type, task_time, attempt_nums, "
    "error_code, error_msg, version_id FROM rotation_tasks WHERE project_id = ?1 "
    "AND (?2 IS NULL OR secret_name = ?2) AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR id = ?4) "
    "AND (?5 IS NULL OR task_pk > (SELECT task_pk FROM rotation_tasks WHERE id = ?5 AND project_id = ?1)) "
    "ORDER BY task_pk LIMIT ?6";
constexpr const char* kCountTasks =
    "SELECT count(*) FROM rotation_tasks WHERE project_id = ?1 AND (?2 IS NULL OR secret_name = ?2) "
    "AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR id = ?4)";
constexpr const char* kListRunningTasks =
    "SELECT id, project_id, secret_name, rotation_func_urn, status, operate_type, task_time, attempt_nums, "
    "error_code, error_msg, version_id FROM rotation_tasks WHERE status = 'RUNNING' ORDER BY task_pk LIMIT ?1";

core::RotationTask read_task(SQLite::Statement& row) {
  core::RotationTask task;
  task.id = row.getColumn(0).getString();
  task.project_id = row.getColumn(1).getString();
  task.secret_name = row.getColumn(2).getString();
  task.rotation_func_urn = optional_text(row.getColumn(3));
  task.status = row.getColumn(4).getString();
  task.operate_type = row.getColumn(5).getString();
  task.task_time = row.getColumn(6).getInt64();
  task.attempt_nums = row.getColumn(7).getInt64();
  task.error_code = optional_text(row.getColumn(8));
  task.error_msg = optional_text(row.getColumn(9));
  task.version_id = optional_text(row.getColumn(10));
  return task;
}

void bind_filter(SQLite::Statement& statement, std::string_view project_id, const core::TaskFilter& filter) {
  statement.bind(1, std::string(project_id));
  bind_optional(statement, 2, filter.secret_name);
  bind_optional(statement, 3, filter.status);
  bind_optional(statement, 4, filter.task_id);
}

}  // namespace

core::Status SqliteTransaction::insert_rotation_task(const core::RotationTask& task) {
  return guarded("creating a rotation task", [&]() -> core::Status {
    auto statement = statements_.use(kInsertTask);
    statement->bind(1, task.id);
    statement->bind(2, task.project_id);
    statement->bind(3, task.secret_name);
    bind_optional(*statement, 4, task.rotation_func_urn);
    statement->bind(5, task.status);
    statement->bind(6, task.operate_type);
    statement->bind(7, static_cast<int64_t>(task.task_time));
    statement->bind(8, static_cast<int64_t>(task.attempt_nums));
    bind_optional(*statement, 9, task.error_code);
    bind_optional(*statement, 10, task.error_msg);
    bind_optional(*statement, 11, task.version_id);
    statement->exec();
    return core::ok();
  });
}

core::Status SqliteTransaction::update_rotation_task(const core::RotationTask& task) {
  return guarded("updating a rotation task", [&]() -> core::Status {
    auto statement = statements_.use(kUpdateTask);
    statement->bind(1, task.id);
    statement->bind(2, task.status);
    statement->bind(3, static_cast<int64_t>(task.attempt_nums));
    bind_optional(*statement, 4, task.error_code);
    bind_optional(*statement, 5, task.error_msg);
    bind_optional(*statement, 6, task.version_id);
    if (statement->exec() != 1) return core::make_error(core::Errc::kNotFound, "rotation task row vanished");
    return core::ok();
  });
}

core::Result<std::vector<core::RotationTask>> SqliteTransaction::list_rotation_tasks(
    std::string_view project_id, const core::TaskFilter& filter, std::optional<std::string_view> after_id,
    std::size_t limit) {
  return guarded("listing rotation tasks", [&]() -> core::Result<std::vector<core::RotationTask>> {
    auto statement = statements_.use(kListTasks);
    bind_filter(*statement, project_id, filter);
    if (after_id) {
      statement->bind(5, std::string(*after_id));
    } else {
      statement->bind(5);
    }
    statement->bind(6, static_cast<int64_t>(limit));
    std::vector<core::RotationTask> tasks;
    while (statement->executeStep()) tasks.push_back(read_task(*statement));
    return tasks;
  });
}

core::Result<std::int64_t> SqliteTransaction::count_rotation_tasks(std::string_view project_id,
                                                                  const core::TaskFilter& filter) {
  return guarded("counting rotation tasks", [&]() -> core::Result<std::int64_t> {
    auto statement = statements_.use(kCountTasks);
    bind_filter(*statement, project_id, filter);
    statement->executeStep();
    return static_cast<std::int64_t>(statement->getColumn(0).getInt64());
  });
}

core::Result<std::vector<core::RotationTask>> SqliteTransaction::list_running_rotation_tasks(std::size_t limit) {
  return guarded("listing running rotation tasks", [&]() -> core::Result<std::vector<core::RotationTask>> {
    auto statement = statements_.use(kListRunningTasks);
    statement->bind(1, static_cast<int64_t>(limit));
    std::vector<core::RotationTask> tasks;
    while (statement->executeStep()) tasks.push_back(read_task(*statement));
    return tasks;
  });
}

}  // namespace csms::store::sqlite
