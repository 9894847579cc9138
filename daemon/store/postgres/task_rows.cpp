// task_rows.cpp: every PostgreSQL statement on rotation tasks and secrets due for rotation.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_transaction.hpp"

#include <string>

namespace csms::store::postgres {
namespace {

// Placeholder until this file's statements are written (issue 7, in progress).
core::Error not_yet_written(const char* method) {
  return core::make_error(core::Errc::kInternal, std::string("PgTransaction::") + method + " is not written yet");
}

}  // namespace

core::Status PgTransaction::insert_rotation_task(const core::RotationTask&) {
  return not_yet_written("insert_rotation_task");
}

core::Status PgTransaction::update_rotation_task(const core::RotationTask&) {
  return not_yet_written("update_rotation_task");
}

core::Result<std::vector<core::RotationTask>> PgTransaction::list_rotation_tasks(std::string_view, const core::TaskFilter&, std::optional<std::string_view>, std::size_t) {
  return not_yet_written("list_rotation_tasks");
}

core::Result<std::int64_t> PgTransaction::count_rotation_tasks(std::string_view, const core::TaskFilter&) {
  return not_yet_written("count_rotation_tasks");
}

core::Result<std::vector<core::RotationTask>> PgTransaction::list_running_rotation_tasks(std::size_t) {
  return not_yet_written("list_running_rotation_tasks");
}

}  // namespace csms::store::postgres
