// event_rows.cpp: every SQL statement on events, notification_records and version_expiry_notices.
#include "store/sqlite/column_helpers.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

#include <limits>
#include <string>

namespace csms::store::sqlite {
namespace {

constexpr const char* kFindEvent =
    "SELECT event_pk, id, project_id, name, event_types, state, target_type, target_id, target_name, create_time, "
    "update_time FROM events WHERE project_id = ?1 AND name = ?2";
constexpr const char* kListEventsFirst =
    "SELECT event_pk, id, project_id, name, event_types, state, target_type, target_id, target_name, create_time, "
    "update_time FROM events WHERE project_id = ?1 ORDER BY name LIMIT ?2";
constexpr const char* kListEventsAfter =
    "SELECT event_pk, id, project_id, name, event_types, state, target_type, target_id, target_name, create_time, "
    "update_time FROM events WHERE project_id = ?1 AND name > ?3 ORDER BY name LIMIT ?2";
constexpr const char* kInsertEvent =
    "INSERT INTO events (id, project_id, name, event_types, state, target_type, target_id, target_name, "
    "create_time, update_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kUpdateEvent =
    "UPDATE events SET event_types = ?2, state = ?3, target_type = ?4, target_id = ?5, target_name = ?6, "
    "update_time = ?7 WHERE event_pk = ?1";
constexpr const char* kDeleteEvent = "DELETE FROM events WHERE event_pk = ?1";
constexpr const char* kCountSubscribers =
    "SELECT count(*) FROM secret_event_subscriptions AS s JOIN secrets USING (secret_pk) "
    "WHERE secrets.project_id = ?1 AND s.event_name = ?2";

constexpr const char* kInsertRecord =
    "INSERT INTO notification_records (project_id, event_name, trigger_event_type, create_time, secret_name, "
    "secret_type, target_name, target_id, content, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kListRecords =
    "SELECT record_pk, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, "
    "target_name, target_id, content, status, attempts, next_attempt_time FROM notification_records "
    "WHERE project_id = ?1 AND create_time >= ?2 "
    "AND (create_time < ?4 OR (create_time = ?4 AND record_pk < ?5)) "
    "ORDER BY create_time DESC, record_pk DESC LIMIT ?3";
constexpr const char* kListPendingRecords =
    "SELECT record_pk, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, "
    "target_name, target_id, content, status, attempts, next_attempt_time FROM notification_records "
    "WHERE status = 'PENDING' AND next_attempt_time <= ?1 ORDER BY record_pk LIMIT ?2";
constexpr const char* kRecordAttempt =
    "UPDATE notification_records SET status = ?2, attempts = ?3, next_attempt_time = ?4 WHERE record_pk = ?1";

// A notice for another expire_time does not count: UpdateVersion re-arms the expiry by changing the time.
constexpr const char* kListUnannouncedExpiries =
    "SELECT s.project_id, s.name, v.number, v.create_time, v.expire_time FROM versions AS v "
    "JOIN secrets AS s USING (secret_pk) WHERE v.expire_time IS NOT NULL AND v.expire_time <= ?1 "
    "AND NOT EXISTS (SELECT 1 FROM version_expiry_notices AS n WHERE n.secret_pk = v.secret_pk "
    "AND n.number = v.number AND n.expire_time = v.expire_time) ORDER BY v.expire_time LIMIT ?2";
constexpr const char* kMarkExpiryAnnounced =
    "INSERT INTO version_expiry_notices (secret_pk, number, expire_time) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (secret_pk, number) DO UPDATE SET expire_time = excluded.expire_time";

std::string join_types(const std::vector<std::string>& types) {
  std::string joined;
  for (const std::string& type : types) {
    if (!joined.empty()) joined += ',';
    joined += type;
  }
  return joined;
}

std::vector<std::string> split_types(const std::string& joined) {
  std::vector<std::string> types;
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    types.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return types;
}

core::Event read_event(SQLite::Statement& row) {
  core::Event event;
  event.row_id = row.getColumn(0).getInt64();
  event.id = row.getColumn(1).getString();
  event.project_id = row.getColumn(2).getString();
  event.name = row.getColumn(3).getString();
  event.event_types = split_types(row.getColumn(4).getString());
  event.state = row.getColumn(5).getString();
  event.notification.target_type = row.getColumn(6).getString();
  event.notification.target_id = row.getColumn(7).getString();
  event.notification.target_name = row.getColumn(8).getString();
  event.create_time = row.getColumn(9).getInt64();
  event.update_time = row.getColumn(10).getInt64();
  return event;
}

core::NotificationRecord read_record(SQLite::Statement& row) {
  core::NotificationRecord record;
  record.row_id = row.getColumn(0).getInt64();
  record.project_id = row.getColumn(1).getString();
  record.event_name = row.getColumn(2).getString();
  record.trigger_event_type = row.getColumn(3).getString();
  record.create_time = row.getColumn(4).getInt64();
  record.secret_name = row.getColumn(5).getString();
  record.secret_type = row.getColumn(6).getString();
  record.target_name = row.getColumn(7).getString();
  record.target_id = row.getColumn(8).getString();
  record.content = row.getColumn(9).getString();
  record.status = row.getColumn(10).getString();
  record.attempts = row.getColumn(11).getInt64();
  record.next_attempt_time = row.getColumn(12).getInt64();
  return record;
}

}  // namespace

core::Result<std::optional<core::Event>> SqliteTransaction::find_event(std::string_view project_id,
                                                                      std::string_view name) {
  return guarded("reading an event", [&]() -> core::Result<std::optional<core::Event>> {
    auto statement = statements_.use(kFindEvent);
    statement->bind(1, std::string(project_id));
    statement->bind(2, std::string(name));
    if (!statement->executeStep()) return std::optional<core::Event>();
    return std::optional<core::Event>(read_event(*statement));
  });
}

core::Result<std::vector<core::Event>> SqliteTransaction::list_events(std::string_view project_id,
                                                                     std::optional<std::string_view> after_name,
                                                                     std::size_t limit) {
  return guarded("listing events", [&]() -> core::Result<std::vector<core::Event>> {
    auto statement = statements_.use(after_name ? kListEventsAfter : kListEventsFirst);
    statement->bind(1, std::string(project_id));
    statement->bind(2, static_cast<int64_t>(limit));
    if (after_name) statement->bind(3, std::string(*after_name));
    std::vector<core::Event> events;
    while (statement->executeStep()) events.push_back(read_event(*statement));
    return events;
  });
}

core::Status SqliteTransaction::insert_event(const core::Event& event) {
  return guarded("creating an event", [&]() -> core::Status {
    auto statement = statements_.use(kInsertEvent);
    statement->bind(1, event.id);
    statement->bind(2, event.project_id);
    statement->bind(3, event.name);
    statement->bind(4, join_types(event.event_types));
    statement->bind(5, event.state);
    statement->bind(6, event.notification.target_type);
    statement->bind(7, event.notification.target_id);
    statement->bind(8, event.notification.target_name);
    statement->bind(9, static_cast<int64_t>(event.create_time));
    statement->bind(10, static_cast<int64_t>(event.update_time));
    statement->exec();
    return core::ok();
  });
}

core::Status SqliteTransaction::update_event(const core::Event& event) {
  return guarded("updating an event", [&]() -> core::Status {
    auto statement = statements_.use(kUpdateEvent);
    statement->bind(1, static_cast<int64_t>(event.row_id));
    statement->bind(2, join_types(event.event_types));
    statement->bind(3, event.state);
    statement->bind(4, event.notification.target_type);
    statement->bind(5, event.notification.target_id);
    statement->bind(6, event.notification.target_name);
    statement->bind(7, static_cast<int64_t>(event.update_time));
    if (statement->exec() != 1) return core::make_error(core::Errc::kNotFound, "event row vanished during update");
    return core::ok();
  });
}

core::Status SqliteTransaction::delete_event(std::int64_t event_row) {
  return guarded("deleting an event", [&]() -> core::Status {
    auto statement = statements_.use(kDeleteEvent);
    statement->bind(1, static_cast<int64_t>(event_row));
    statement->exec();
    return core::ok();
  });
}

core::Result<std::int64_t> SqliteTransaction::count_event_subscribers(std::string_view project_id,
                                                                     std::string_view name) {
  return guarded("counting an event's subscribers", [&]() -> core::Result<std::int64_t> {
    auto statement = statements_.use(kCountSubscribers);
    statement->bind(1, std::string(project_id));
    statement->bind(2, std::string(name));
    statement->executeStep();
    return static_cast<std::int64_t>(statement->getColumn(0).getInt64());
  });
}

core::Status SqliteTransaction::insert_notification_record(const core::NotificationRecord& record) {
  return guarded("writing a notification record", [&]() -> core::Status {
    auto statement = statements_.use(kInsertRecord);
    statement->bind(1, record.project_id);
    statement->bind(2, record.event_name);
    statement->bind(3, record.trigger_event_type);
    statement->bind(4, static_cast<int64_t>(record.create_time));
    statement->bind(5, record.secret_name);
    statement->bind(6, record.secret_type);
    statement->bind(7, record.target_name);
    statement->bind(8, record.target_id);
    statement->bind(9, record.content);
    statement->bind(10, record.status);
    statement->exec();
    return core::ok();
  });
}

core::Result<std::vector<core::NotificationRecord>> SqliteTransaction::list_notification_records(
    std::string_view project_id, core::EpochMillis since, const std::optional<core::RecordPosition>& after,
    std::size_t limit) {
  return guarded("listing notification records", [&]() -> core::Result<std::vector<core::NotificationRecord>> {
    auto statement = statements_.use(kListRecords);
    statement->bind(1, std::string(project_id));
    statement->bind(2, static_cast<int64_t>(since));
    statement->bind(3, static_cast<int64_t>(limit));
    // Without a position, one past every record.
    statement->bind(4, static_cast<int64_t>(after ? after->create_time : std::numeric_limits<int64_t>::max()));
    statement->bind(5, static_cast<int64_t>(after ? after->row_id : std::numeric_limits<int64_t>::max()));
    std::vector<core::NotificationRecord> records;
    while (statement->executeStep()) records.push_back(read_record(*statement));
    return records;
  });
}

core::Result<std::vector<core::NotificationRecord>> SqliteTransaction::list_pending_notifications(
    core::EpochMillis now, std::size_t limit) {
  return guarded("listing pending notifications", [&]() -> core::Result<std::vector<core::NotificationRecord>> {
    auto statement = statements_.use(kListPendingRecords);
    statement->bind(1, static_cast<int64_t>(now));
    statement->bind(2, static_cast<int64_t>(limit));
    std::vector<core::NotificationRecord> records;
    while (statement->executeStep()) records.push_back(read_record(*statement));
    return records;
  });
}

core::Status SqliteTransaction::record_delivery_attempt(std::int64_t record_row, std::string_view status,
                                                       std::int64_t attempts, core::EpochMillis next_attempt_time) {
  return guarded("updating a notification record", [&]() -> core::Status {
    auto statement = statements_.use(kRecordAttempt);
    statement->bind(1, static_cast<int64_t>(record_row));
    statement->bind(2, std::string(status));
    statement->bind(3, static_cast<int64_t>(attempts));
    statement->bind(4, static_cast<int64_t>(next_attempt_time));
    statement->exec();
    return core::ok();
  });
}

core::Result<std::vector<core::ExpiredVersion>> SqliteTransaction::list_unannounced_expiries(core::EpochMillis now,
                                                                                            std::size_t limit) {
  return guarded("listing expired versions", [&]() -> core::Result<std::vector<core::ExpiredVersion>> {
    auto statement = statements_.use(kListUnannouncedExpiries);
    statement->bind(1, static_cast<int64_t>(now));
    statement->bind(2, static_cast<int64_t>(limit));
    std::vector<core::ExpiredVersion> expired;
    while (statement->executeStep()) {
      core::ExpiredVersion version;
      version.project_id = statement->getColumn(0).getString();
      version.secret_name = statement->getColumn(1).getString();
      version.number = statement->getColumn(2).getInt64();
      version.create_time = statement->getColumn(3).getInt64();
      version.expire_time = statement->getColumn(4).getInt64();
      expired.push_back(std::move(version));
    }
    return expired;
  });
}

core::Status SqliteTransaction::mark_expiry_announced(std::int64_t secret_row, core::VersionNumber number,
                                                      core::EpochMillis expire_time) {
  return guarded("recording an announced expiry", [&]() -> core::Status {
    auto statement = statements_.use(kMarkExpiryAnnounced);
    statement->bind(1, static_cast<int64_t>(secret_row));
    statement->bind(2, static_cast<int64_t>(number));
    statement->bind(3, static_cast<int64_t>(expire_time));
    statement->exec();
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
