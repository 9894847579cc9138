// task_rows.cpp: every PostgreSQL statement on rotation_tasks.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_limit.hpp"
#include "store/postgres/pg_transaction.hpp"

#include <string>

namespace csms::store::postgres {
namespace {

// ON CONFLICT DO NOTHING: a taken id answers kAlreadyExists without aborting the transaction (as in SQLite).
constexpr const char* kInsertTask =
    "INSERT INTO rotation_tasks (id, project_id, secret_name, rotation_func_urn, status, operate_type, task_time, "
    "attempt_nums, error_code, error_msg, version_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kUpdateTask =
    "UPDATE rotation_tasks SET status = $2, attempt_nums = $3, error_code = $4, error_msg = $5, version_id = $6 "
    "WHERE id = $1";
// One statement for every filter combination: a NULL filter matches everything. The marker is a task id; tasks
// after it are those created later (task_pk grows), and an unknown marker matches nothing.
#define CSMS_TASK_COLUMNS                                                                                 \
  "SELECT id, project_id, secret_name, rotation_func_urn, status, operate_type, task_time, attempt_nums, " \
  "error_code, error_msg, version_id FROM rotation_tasks "
#define CSMS_TASK_FILTER \
  "WHERE project_id = $1 AND ($2 IS NULL OR secret_name = $2) AND ($3 IS NULL OR status = $3) " \
  "AND ($4 IS NULL OR id = $4) "
constexpr const char* kListTasks =
    CSMS_TASK_COLUMNS CSMS_TASK_FILTER
    "AND ($5 IS NULL OR task_pk > (SELECT task_pk FROM rotation_tasks WHERE id = $5 AND project_id = $1)) "
    "ORDER BY task_pk LIMIT $6";
constexpr const char* kCountTasks = "SELECT count(*) FROM rotation_tasks " CSMS_TASK_FILTER;
constexpr const char* kListRunningTasks =
    CSMS_TASK_COLUMNS "WHERE status = 'RUNNING' ORDER BY task_pk LIMIT $1";
#undef CSMS_TASK_FILTER
#undef CSMS_TASK_COLUMNS

core::RotationTask read_task(const Rows& rows, int row) {
  core::RotationTask task;
  task.id = rows.text(row, 0);
  task.project_id = rows.text(row, 1);
  task.secret_name = rows.text(row, 2);
  task.rotation_func_urn = rows.optional_text(row, 3);
  task.status = rows.text(row, 4);
  task.operate_type = rows.text(row, 5);
  task.task_time = rows.int64(row, 6);
  task.attempt_nums = rows.int64(row, 7);
  task.error_code = rows.optional_text(row, 8);
  task.error_msg = rows.optional_text(row, 9);
  task.version_id = rows.optional_text(row, 10);
  return task;
}

std::vector<core::RotationTask> read_tasks(const Rows& rows) {
  std::vector<core::RotationTask> tasks;
  tasks.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) tasks.push_back(read_task(rows, row));
  return tasks;
}

Params filter_params(std::string_view project_id, const core::TaskFilter& filter) {
  Params params;
  params.text(project_id).optional_text(filter.secret_name).optional_text(filter.status).optional_text(filter.task_id);
  return params;
}

}  // namespace

core::Status PgTransaction::insert_rotation_task(const core::RotationTask& task) {
  return guarded("creating a rotation task", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kInsertTask, Params()
                                                                .text(task.id)
                                                                .text(task.project_id)
                                                                .text(task.secret_name)
                                                                .optional_text(task.rotation_func_urn)
                                                                .text(task.status)
                                                                .text(task.operate_type)
                                                                .int64(task.task_time)
                                                                .int64(task.attempt_nums)
                                                                .optional_text(task.error_code)
                                                                .optional_text(task.error_msg)
                                                                .optional_text(task.version_id)));
    if (rows.affected() == 0) {
      return core::make_error(core::Errc::kAlreadyExists, "creating a rotation task: its id is already taken");
    }
    return core::ok();
  });
}

core::Status PgTransaction::update_rotation_task(const core::RotationTask& task) {
  return guarded("updating a rotation task", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kUpdateTask, Params()
                                                               .text(task.id)
                                                               .text(task.status)
                                                               .int64(task.attempt_nums)
                                                               .optional_text(task.error_code)
                                                               .optional_text(task.error_msg)
                                                               .optional_text(task.version_id)));
    if (rows.affected() != 1) return core::make_error(core::Errc::kNotFound, "rotation task row vanished");
    return core::ok();
  });
}

core::Result<std::vector<core::RotationTask>> PgTransaction::list_rotation_tasks(
    std::string_view project_id, const core::TaskFilter& filter, std::optional<std::string_view> after_id,
    std::size_t limit) {
  return guarded("listing rotation tasks", [&]() -> core::Result<std::vector<core::RotationTask>> {
    Params params = filter_params(project_id, filter);
    if (after_id) {
      params.text(*after_id);
    } else {
      params.null_text();
    }
    params.int64(as_limit(limit));
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListTasks, params));
    return read_tasks(rows);
  });
}

core::Result<std::int64_t> PgTransaction::count_rotation_tasks(std::string_view project_id,
                                                              const core::TaskFilter& filter) {
  return guarded("counting rotation tasks", [&]() -> core::Result<std::int64_t> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kCountTasks, filter_params(project_id, filter)));
    return rows.int64(0, 0);
  });
}

core::Result<std::vector<core::RotationTask>> PgTransaction::list_running_rotation_tasks(std::size_t limit) {
  return guarded("listing running rotation tasks", [&]() -> core::Result<std::vector<core::RotationTask>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListRunningTasks, Params().int64(as_limit(limit))));
    return read_tasks(rows);
  });
}

}  // namespace csms::store::postgres
