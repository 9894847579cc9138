// version_rows.cpp: every PostgreSQL statement on versions.
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

core::Result<std::vector<std::string>> PgTransaction::stages_of_version(std::int64_t, core::VersionNumber) {
  return not_yet_written("stages_of_version");
}

core::Result<std::vector<core::VersionMetadata>> PgTransaction::list_versions(std::int64_t, std::optional<core::VersionNumber>, std::size_t) {
  return not_yet_written("list_versions");
}

core::Result<std::optional<core::StoredVersion>> PgTransaction::find_version(std::int64_t, core::VersionNumber) {
  return not_yet_written("find_version");
}

core::Result<std::optional<core::VersionNumber>> PgTransaction::latest_version(std::int64_t) {
  return not_yet_written("latest_version");
}

core::Status PgTransaction::insert_version(std::int64_t, const core::StoredVersion&) {
  return not_yet_written("insert_version");
}

core::Status PgTransaction::update_version_expiry(std::int64_t, core::VersionNumber, std::optional<core::EpochMillis>) {
  return not_yet_written("update_version_expiry");
}

core::Status PgTransaction::set_version_deprecated_since(std::int64_t, core::VersionNumber, std::optional<core::EpochMillis>) {
  return not_yet_written("set_version_deprecated_since");
}

core::Status PgTransaction::delete_version(std::int64_t, core::VersionNumber) {
  return not_yet_written("delete_version");
}

}  // namespace csms::store::postgres
