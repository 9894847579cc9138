// key_rows.cpp: every PostgreSQL statement on master key checks, data keys, the passphrase KDF and re-sealing.
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

core::Status PgTransaction::delete_key_check(std::uint32_t) {
  return not_yet_written("delete_key_check");
}

core::Result<std::vector<core::DataKeyRecord>> PgTransaction::list_data_keys() {
  return not_yet_written("list_data_keys");
}

core::Status PgTransaction::insert_data_key(const core::DataKeyRecord&) {
  return not_yet_written("insert_data_key");
}

core::Status PgTransaction::delete_data_key(std::uint32_t) {
  return not_yet_written("delete_data_key");
}

core::Result<std::optional<core::PassphraseKdf>> PgTransaction::find_passphrase_kdf() {
  return not_yet_written("find_passphrase_kdf");
}

core::Status PgTransaction::insert_passphrase_kdf(const core::PassphraseKdf&) {
  return not_yet_written("insert_passphrase_kdf");
}

core::Result<std::vector<std::pair<std::uint32_t, std::int64_t>>> PgTransaction::count_sealed_rows_by_key() {
  return not_yet_written("count_sealed_rows_by_key");
}

core::Result<std::vector<core::SealedVersionRef>> PgTransaction::list_versions_sealed_with_other_keys(std::uint32_t, std::size_t) {
  return not_yet_written("list_versions_sealed_with_other_keys");
}

core::Status PgTransaction::replace_version_seal(std::int64_t, core::VersionNumber, const core::SealedValue&) {
  return not_yet_written("replace_version_seal");
}

}  // namespace csms::store::postgres
