// tag_rows.cpp: every PostgreSQL statement on tags.
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

core::Result<std::vector<core::Tag>> PgTransaction::list_tags(std::int64_t) {
  return not_yet_written("list_tags");
}

core::Result<std::vector<std::pair<std::int64_t, core::Tag>>> PgTransaction::list_tags_of_secrets(const std::vector<std::int64_t>&) {
  return not_yet_written("list_tags_of_secrets");
}

core::Status PgTransaction::put_tag(std::int64_t, const core::Tag&) {
  return not_yet_written("put_tag");
}

core::Result<bool> PgTransaction::delete_tag(std::int64_t, std::string_view) {
  return not_yet_written("delete_tag");
}

core::Result<std::vector<core::TagKeyValues>> PgTransaction::list_project_tags(std::string_view) {
  return not_yet_written("list_project_tags");
}

}  // namespace csms::store::postgres
