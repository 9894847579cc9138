// event_rows.cpp: every PostgreSQL statement on events, notification records and version expiry notices.
#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_limit.hpp"
#include "store/postgres/pg_transaction.hpp"

#include <limits>
#include <string>

namespace csms::store::postgres {
namespace {

#define CSMS_EVENT_COLUMNS                                                                                    \
  "SELECT event_pk, id, project_id, name, event_types, state, target_type, target_id, target_name, create_time, " \
  "update_time FROM events "
constexpr const char* kFindEvent = CSMS_EVENT_COLUMNS "WHERE project_id = $1 AND name = $2";
constexpr const char* kListEventsFirst = CSMS_EVENT_COLUMNS "WHERE project_id = $1 ORDER BY name LIMIT $2";
constexpr const char* kListEventsAfter =
    CSMS_EVENT_COLUMNS "WHERE project_id = $1 AND name > $3 ORDER BY name LIMIT $2";
#undef CSMS_EVENT_COLUMNS
// ON CONFLICT DO NOTHING: a taken (project, name) or id inserts no row instead of raising an error, which would
// abort the transaction; SQLite's stays usable after kAlreadyExists, and so does this one.
constexpr const char* kInsertEvent =
    "INSERT INTO events (id, project_id, name, event_types, state, target_type, target_id, target_name, "
    "create_time, update_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING";
constexpr const char* kUpdateEvent =
    "UPDATE events SET event_types = $2, state = $3, target_type = $4, target_id = $5, target_name = $6, "
    "update_time = $7 WHERE event_pk = $1";
constexpr const char* kDeleteEvent = "DELETE FROM events WHERE event_pk = $1";
constexpr const char* kCountSubscribers =
    "SELECT count(*) FROM secret_event_subscriptions AS s JOIN secrets USING (secret_pk) "
    "WHERE secrets.project_id = $1 AND s.event_name = $2";

#define CSMS_RECORD_COLUMNS                                                                                   \
  "SELECT record_pk, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, "      \
  "target_name, target_id, content, status, attempts, next_attempt_time FROM notification_records "
constexpr const char* kInsertRecord =
    "INSERT INTO notification_records (project_id, event_name, trigger_event_type, create_time, secret_name, "
    "secret_type, target_name, target_id, content, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
// Newest first; ($4, $5) is the position of the last record of the previous page, ties broken by record_pk.
constexpr const char* kListRecords =
    CSMS_RECORD_COLUMNS
    "WHERE project_id = $1 AND create_time >= $2 AND (create_time < $4 OR (create_time = $4 AND record_pk < $5)) "
    "ORDER BY create_time DESC, record_pk DESC LIMIT $3";
constexpr const char* kListPendingRecords =
    CSMS_RECORD_COLUMNS "WHERE status = 'PENDING' AND next_attempt_time <= $1 ORDER BY record_pk LIMIT $2";
#undef CSMS_RECORD_COLUMNS
constexpr const char* kRecordAttempt =
    "UPDATE notification_records SET status = $2, attempts = $3, next_attempt_time = $4 WHERE record_pk = $1";

// A notice for another expire_time does not count: UpdateVersion re-arms the expiry by changing the time.
constexpr const char* kListUnannouncedExpiries =
    "SELECT s.project_id, s.name, v.number, v.create_time, v.expire_time FROM versions AS v "
    "JOIN secrets AS s USING (secret_pk) WHERE v.expire_time IS NOT NULL AND v.expire_time <= $1 "
    "AND NOT EXISTS (SELECT 1 FROM version_expiry_notices AS n WHERE n.secret_pk = v.secret_pk "
    "AND n.number = v.number AND n.expire_time = v.expire_time) ORDER BY v.expire_time LIMIT $2";
constexpr const char* kMarkExpiryAnnounced =
    "INSERT INTO version_expiry_notices (secret_pk, number, expire_time) VALUES ($1, $2, $3) "
    "ON CONFLICT (secret_pk, number) DO UPDATE SET expire_time = EXCLUDED.expire_time";

// The column keeps the types as one comma-separated text, as the SQLite store does (types never hold a comma).
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

core::Event read_event(const Rows& rows, int row) {
  core::Event event;
  event.row_id = rows.int64(row, 0);
  event.id = rows.text(row, 1);
  event.project_id = rows.text(row, 2);
  event.name = rows.text(row, 3);
  event.event_types = split_types(rows.text(row, 4));
  event.state = rows.text(row, 5);
  event.notification.target_type = rows.text(row, 6);
  event.notification.target_id = rows.text(row, 7);
  event.notification.target_name = rows.text(row, 8);
  event.create_time = rows.int64(row, 9);
  event.update_time = rows.int64(row, 10);
  return event;
}

core::NotificationRecord read_record(const Rows& rows, int row) {
  core::NotificationRecord record;
  record.row_id = rows.int64(row, 0);
  record.project_id = rows.text(row, 1);
  record.event_name = rows.text(row, 2);
  record.trigger_event_type = rows.text(row, 3);
  record.create_time = rows.int64(row, 4);
  record.secret_name = rows.text(row, 5);
  record.secret_type = rows.text(row, 6);
  record.target_name = rows.text(row, 7);
  record.target_id = rows.text(row, 8);
  record.content = rows.text(row, 9);
  record.status = rows.text(row, 10);
  record.attempts = rows.int64(row, 11);
  record.next_attempt_time = rows.int64(row, 12);
  return record;
}

std::vector<core::NotificationRecord> read_records(const Rows& rows) {
  std::vector<core::NotificationRecord> records;
  records.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) records.push_back(read_record(rows, row));
  return records;
}

}  // namespace

core::Result<std::optional<core::Event>> PgTransaction::find_event(std::string_view project_id,
                                                                  std::string_view name) {
  return guarded("reading an event", [&]() -> core::Result<std::optional<core::Event>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kFindEvent, Params().text(project_id).text(name)));
    if (rows.empty()) return std::optional<core::Event>();
    return std::optional<core::Event>(read_event(rows, 0));
  });
}

core::Result<std::vector<core::Event>> PgTransaction::list_events(std::string_view project_id,
                                                                 std::optional<std::string_view> after_name,
                                                                 std::size_t limit) {
  return guarded("listing events", [&]() -> core::Result<std::vector<core::Event>> {
    Params params;
    params.text(project_id).int64(as_limit(limit));
    if (after_name) params.text(*after_name);
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(after_name ? kListEventsAfter : kListEventsFirst, params));
    std::vector<core::Event> events;
    events.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) events.push_back(read_event(rows, row));
    return events;
  });
}

core::Status PgTransaction::insert_event(const core::Event& event) {
  return guarded("creating an event", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kInsertEvent, Params()
                                                                 .text(event.id)
                                                                 .text(event.project_id)
                                                                 .text(event.name)
                                                                 .text(join_types(event.event_types))
                                                                 .text(event.state)
                                                                 .text(event.notification.target_type)
                                                                 .text(event.notification.target_id)
                                                                 .text(event.notification.target_name)
                                                                 .int64(event.create_time)
                                                                 .int64(event.update_time)));
    if (rows.affected() == 0) {
      return core::make_error(core::Errc::kAlreadyExists, "creating an event: its name or id is already taken");
    }
    return core::ok();
  });
}

core::Status PgTransaction::update_event(const core::Event& event) {
  return guarded("updating an event", [&]() -> core::Status {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kUpdateEvent, Params()
                                                                .int64(event.row_id)
                                                                .text(join_types(event.event_types))
                                                                .text(event.state)
                                                                .text(event.notification.target_type)
                                                                .text(event.notification.target_id)
                                                                .text(event.notification.target_name)
                                                                .int64(event.update_time)));
    if (rows.affected() != 1) return core::make_error(core::Errc::kNotFound, "event row vanished during update");
    return core::ok();
  });
}

core::Status PgTransaction::delete_event(std::int64_t event_row) {
  return guarded("deleting an event", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kDeleteEvent, Params().int64(event_row)));
    return core::ok();
  });
}

core::Result<std::int64_t> PgTransaction::count_event_subscribers(std::string_view project_id,
                                                                 std::string_view name) {
  return guarded("counting an event's subscribers", [&]() -> core::Result<std::int64_t> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kCountSubscribers, Params().text(project_id).text(name)));
    return rows.int64(0, 0);
  });
}

core::Status PgTransaction::insert_notification_record(const core::NotificationRecord& record) {
  return guarded("writing a notification record", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kInsertRecord, Params()
                                          .text(record.project_id)
                                          .text(record.event_name)
                                          .text(record.trigger_event_type)
                                          .int64(record.create_time)
                                          .text(record.secret_name)
                                          .text(record.secret_type)
                                          .text(record.target_name)
                                          .text(record.target_id)
                                          .text(record.content)
                                          .text(record.status)));
    return core::ok();
  });
}

core::Result<std::vector<core::NotificationRecord>> PgTransaction::list_notification_records(
    std::string_view project_id, core::EpochMillis since, const std::optional<core::RecordPosition>& after,
    std::size_t limit) {
  return guarded("listing notification records", [&]() -> core::Result<std::vector<core::NotificationRecord>> {
    constexpr std::int64_t kPastEverything = std::numeric_limits<std::int64_t>::max();
    CSMS_TRY_ASSIGN(const Rows rows,
                    db_.exec(kListRecords, Params()
                                               .text(project_id)
                                               .int64(since)
                                               .int64(as_limit(limit))
                                               .int64(after ? after->create_time : kPastEverything)
                                               .int64(after ? after->row_id : kPastEverything)));
    return read_records(rows);
  });
}

core::Result<std::vector<core::NotificationRecord>> PgTransaction::list_pending_notifications(core::EpochMillis now,
                                                                                             std::size_t limit) {
  return guarded("listing pending notifications", [&]() -> core::Result<std::vector<core::NotificationRecord>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListPendingRecords, Params().int64(now).int64(as_limit(limit))));
    return read_records(rows);
  });
}

core::Status PgTransaction::record_delivery_attempt(std::int64_t record_row, std::string_view status,
                                                   std::int64_t attempts, core::EpochMillis next_attempt_time) {
  return guarded("updating a notification record", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kRecordAttempt,
                      Params().int64(record_row).text(status).int64(attempts).int64(next_attempt_time)));
    return core::ok();
  });
}

core::Result<std::vector<core::ExpiredVersion>> PgTransaction::list_unannounced_expiries(core::EpochMillis now,
                                                                                        std::size_t limit) {
  return guarded("listing expired versions", [&]() -> core::Result<std::vector<core::ExpiredVersion>> {
    CSMS_TRY_ASSIGN(const Rows rows, db_.exec(kListUnannouncedExpiries, Params().int64(now).int64(as_limit(limit))));
    std::vector<core::ExpiredVersion> expired;
    expired.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      core::ExpiredVersion version;
      version.project_id = rows.text(row, 0);
      version.secret_name = rows.text(row, 1);
      version.number = rows.int64(row, 2);
      version.create_time = rows.int64(row, 3);
      version.expire_time = rows.int64(row, 4);
      expired.push_back(std::move(version));
    }
    return expired;
  });
}

core::Status PgTransaction::mark_expiry_announced(std::int64_t secret_row, core::VersionNumber number,
                                                  core::EpochMillis expire_time) {
  return guarded("recording an announced expiry", [&]() -> core::Status {
    CSMS_TRY(db_.exec(kMarkExpiryAnnounced, Params().int64(secret_row).int64(number).int64(expire_time)));
    return core::ok();
  });
}

}  // namespace csms::store::postgres
