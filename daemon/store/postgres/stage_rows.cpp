// stage_rows.cpp: every PostgreSQL statement on stages.
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

core::Result<std::vector<core::Stage>> PgTransaction::list_stages(std::int64_t) {
  return not_yet_written("list_stages");
}

core::Result<std::optional<core::Stage>> PgTransaction::find_stage(std::int64_t, std::string_view) {
  return not_yet_written("find_stage");
}

core::Status PgTransaction::put_stage(std::int64_t, const core::Stage&) {
  return not_yet_written("put_stage");
}

core::Status PgTransaction::delete_stage(std::int64_t, std::string_view) {
  return not_yet_written("delete_stage");
}

}  // namespace csms::store::postgres
