// event_rows.cpp: every PostgreSQL statement on events, notification records and version expiry notices.
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

core::Result<std::optional<core::Event>> PgTransaction::find_event(std::string_view, std::string_view) {
  return not_yet_written("find_event");
}

core::Result<std::vector<core::Event>> PgTransaction::list_events(std::string_view, std::optional<std::string_view>, std::size_t) {
  return not_yet_written("list_events");
}

core::Status PgTransaction::insert_event(const core::Event&) {
  return not_yet_written("insert_event");
}

core::Status PgTransaction::update_event(const core::Event&) {
  return not_yet_written("update_event");
}

core::Status PgTransaction::delete_event(std::int64_t) {
  return not_yet_written("delete_event");
}

core::Result<std::int64_t> PgTransaction::count_event_subscribers(std::string_view, std::string_view) {
  return not_yet_written("count_event_subscribers");
}

core::Status PgTransaction::insert_notification_record(const core::NotificationRecord&) {
  return not_yet_written("insert_notification_record");
}

core::Result<std::vector<core::NotificationRecord>> PgTransaction::list_notification_records(std::string_view, core::EpochMillis, const std::optional<core::RecordPosition>&, std::size_t) {
  return not_yet_written("list_notification_records");
}

core::Result<std::vector<core::NotificationRecord>> PgTransaction::list_pending_notifications(core::EpochMillis, std::size_t) {
  return not_yet_written("list_pending_notifications");
}

core::Status PgTransaction::record_delivery_attempt(std::int64_t, std::string_view, std::int64_t, core::EpochMillis) {
  return not_yet_written("record_delivery_attempt");
}

core::Result<std::vector<core::ExpiredVersion>> PgTransaction::list_unannounced_expiries(core::EpochMillis, std::size_t) {
  return not_yet_written("list_unannounced_expiries");
}

core::Status PgTransaction::mark_expiry_announced(std::int64_t, core::VersionNumber, core::EpochMillis) {
  return not_yet_written("mark_expiry_announced");
}

}  // namespace csms::store::postgres
