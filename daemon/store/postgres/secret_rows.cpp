// secret_rows.cpp: every PostgreSQL statement on secrets and their event subscriptions.
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

core::Result<std::vector<std::string>> PgTransaction::load_event_subscriptions(std::int64_t) {
  return not_yet_written("load_event_subscriptions");
}

core::Status PgTransaction::store_event_subscriptions(const core::Secret&) {
  return not_yet_written("store_event_subscriptions");
}

core::Result<std::optional<core::Secret>> PgTransaction::find_secret(std::string_view, std::string_view) {
  return not_yet_written("find_secret");
}

core::Result<std::vector<core::Secret>> PgTransaction::list_secrets(std::string_view, std::optional<std::string_view>, std::optional<std::string_view>, std::size_t) {
  return not_yet_written("list_secrets");
}

core::Status PgTransaction::load_page_event_subscriptions(std::vector<core::Secret>&) {
  return not_yet_written("load_page_event_subscriptions");
}

core::Result<std::optional<core::Secret>> PgTransaction::find_secret_by_id(std::string_view, std::string_view) {
  return not_yet_written("find_secret_by_id");
}

core::Result<std::vector<core::Secret>> PgTransaction::filter_secrets(std::string_view, const core::SecretFilter&, std::size_t, std::size_t) {
  return not_yet_written("filter_secrets");
}

core::Result<std::vector<core::Secret>> PgTransaction::list_secrets_due_for_deletion(core::EpochMillis) {
  return not_yet_written("list_secrets_due_for_deletion");
}

core::Result<std::int64_t> PgTransaction::count_filtered_secrets(std::string_view, const core::SecretFilter&) {
  return not_yet_written("count_filtered_secrets");
}

core::Result<std::vector<core::Secret>> PgTransaction::list_secrets_due_for_rotation(core::EpochMillis, std::size_t) {
  return not_yet_written("list_secrets_due_for_rotation");
}

core::Result<std::int64_t> PgTransaction::insert_secret(const core::Secret&) {
  return not_yet_written("insert_secret");
}

core::Status PgTransaction::update_secret(const core::Secret&) {
  return not_yet_written("update_secret");
}

core::Status PgTransaction::delete_secret(std::int64_t) {
  return not_yet_written("delete_secret");
}

}  // namespace csms::store::postgres
