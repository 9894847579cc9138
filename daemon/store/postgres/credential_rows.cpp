// credential_rows.cpp: every PostgreSQL statement on credentials and their projects.
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

core::Result<std::vector<std::string>> PgTransaction::credential_projects(std::string_view) {
  return not_yet_written("credential_projects");
}

core::Status PgTransaction::insert_credential(const core::Credential&) {
  return not_yet_written("insert_credential");
}

core::Result<std::optional<core::Credential>> PgTransaction::find_credential_by_access_key(std::string_view) {
  return not_yet_written("find_credential_by_access_key");
}

core::Result<std::optional<core::Credential>> PgTransaction::find_credential_by_token_hash(std::span<const std::uint8_t>) {
  return not_yet_written("find_credential_by_token_hash");
}

core::Result<std::optional<core::Credential>> PgTransaction::find_credential(std::string_view) {
  return not_yet_written("find_credential");
}

core::Result<std::vector<core::Credential>> PgTransaction::list_credentials() {
  return not_yet_written("list_credentials");
}

core::Status PgTransaction::delete_credential(std::string_view) {
  return not_yet_written("delete_credential");
}

core::Result<std::vector<core::SealedCredentialRef>> PgTransaction::list_credentials_sealed_with_other_keys(std::uint32_t, std::size_t) {
  return not_yet_written("list_credentials_sealed_with_other_keys");
}

core::Status PgTransaction::replace_credential_seal(std::string_view, const core::SealedValue&) {
  return not_yet_written("replace_credential_seal");
}

}  // namespace csms::store::postgres
