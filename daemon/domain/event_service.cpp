// event_service.cpp: events CRUD, notification records, the expiry check and delivery bookkeeping.
#include "domain/event_service.hpp"

#include "crypto/random.hpp"
#include "domain/delivery_retry.hpp"
#include "domain/event_firing.hpp"

namespace csms::domain {
namespace {

// ListNotificationRecords "covers the last three months" (csms-api.md 1.7).
constexpr core::EpochMillis kRecordWindow = 90 * core::kMillisPerDay;
// Per pass, so one pass never holds the write lock for long; the next pass takes the rest.
constexpr std::size_t kExpiriesPerPass = 200;
constexpr std::size_t kDeliveriesPerPass = 50;

core::Error no_event(const std::string& name) {
  return core::make_error(core::Errc::kNotFound, "the event " + name + " does not exist");
}

}  // namespace

core::Result<core::Event> EventService::create_event(CreateEventInput input) {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto existing, txn->find_event(input.project_id, input.name));
  if (existing) {
    return core::make_error(core::Errc::kEventAlreadyExists, "the event " + input.name + " already exists");
  }
  core::Event event;
  event.id = crypto::random_uuid();
  event.project_id = std::move(input.project_id);
  event.name = std::move(input.name);
  event.event_types = std::move(input.event_types);
  event.state = std::move(input.state);
  event.notification = std::move(input.notification);
  event.create_time = now;
  event.update_time = now;
  CSMS_TRY(txn->insert_event(event));
  CSMS_TRY(txn->commit());
  return event;
}

core::Result<Page<core::Event>> EventService::list_events(const std::string& project_id,
                                                          const std::optional<std::string>& marker,
                                                          std::size_t limit) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  std::optional<std::string_view> after;
  if (marker) after = *marker;
  CSMS_TRY_ASSIGN(auto events, txn->list_events(project_id, after, limit + 1));
  Page<core::Event> page;
  page.has_more = events.size() > limit;
  if (page.has_more) events.resize(limit);
  page.items = std::move(events);
  return page;
}

core::Result<core::Event> EventService::get_event(const std::string& project_id, const std::string& name) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(auto event, txn->find_event(project_id, name));
  if (!event) return no_event(name);
  return std::move(*event);
}

core::Result<core::Event> EventService::update_event(const std::string& project_id, const std::string& name,
                                                     const UpdateEventInput& input) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto event, txn->find_event(project_id, name));
  if (!event) return no_event(name);
  if (input.event_types) event->event_types = *input.event_types;
  if (input.state) event->state = *input.state;
  if (input.notification) event->notification = *input.notification;
  event->update_time = clock_();
  CSMS_TRY(txn->update_event(*event));
  CSMS_TRY(txn->commit());
  return std::move(*event);
}

core::Status EventService::delete_event(const std::string& project_id, const std::string& name) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto event, txn->find_event(project_id, name));
  if (!event) return no_event(name);
  CSMS_TRY_ASSIGN(const auto subscribers, txn->count_event_subscribers(project_id, name));
  if (subscribers > 0) {
    return core::make_error(core::Errc::kInvalidRequest,
                            "the event " + name + " is in use by " + std::to_string(subscribers) +
                                " secret(s); remove it from their event_subscriptions first");
  }
  CSMS_TRY(txn->delete_event(event->row_id));
  return txn->commit();
}

core::Result<Page<core::NotificationRecord>> EventService::list_records(
    const std::string& project_id, const std::optional<core::RecordPosition>& after, std::size_t limit) {
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  Page<core::NotificationRecord> page;
  CSMS_TRY_ASSIGN(page.items, txn->list_notification_records(project_id, clock_() - kRecordWindow, after, limit + 1));
  page.has_more = page.items.size() > limit;
  if (page.has_more) page.items.resize(limit);
  return page;
}

core::Result<std::size_t> EventService::announce_expiries() {
  const core::EpochMillis now = clock_();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(const auto expired, txn->list_unannounced_expiries(now, kExpiriesPerPass));
  for (const core::ExpiredVersion& version : expired) {
    CSMS_TRY_ASSIGN(const auto secret, txn->find_secret(version.project_id, version.secret_name));
    if (!secret) continue;
    CSMS_TRY(fire_event(*txn, *secret, core::kEventVersionExpired,
                        EventFacts{version.number, version.expire_time, std::nullopt}, now));
    CSMS_TRY(txn->mark_expiry_announced(secret->row_id, version.number, version.expire_time));
  }
  CSMS_TRY(txn->commit());
  return expired.size();
}

core::Result<DeliveryCounts> EventService::deliver_pending(NotificationSink& sink,
                                                           const std::function<bool()>& stop_requested) {
  std::vector<core::NotificationRecord> pending;
  {
    CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
    CSMS_TRY_ASSIGN(pending, txn->list_pending_notifications(clock_(), kDeliveriesPerPass));
  }
  DeliveryCounts counts;
  struct Outcome {
    std::int64_t row;
    std::string_view status;
    std::int64_t attempts;
    core::EpochMillis next_attempt_time;
  };
  std::vector<Outcome> outcomes;
  for (const core::NotificationRecord& record : pending) {
    // Each delivery may take up to the hook timeout: a stop waits for one, not for the whole pass.
    if (stop_requested && stop_requested()) break;
    // No transaction is open while a webhook or command runs.
    const core::Status delivered = sink.deliver(record);
    const std::int64_t attempts = record.attempts + 1;
    if (delivered) {
      outcomes.push_back({record.row_id, core::kNotificationSuccess, attempts, 0});
      ++counts.delivered;
    } else if (const auto delay = delivery_retry_delay(attempts)) {
      outcomes.push_back({record.row_id, core::kNotificationPending, attempts, clock_() + delay->count()});
      ++counts.retrying;
    } else {
      outcomes.push_back({record.row_id, core::kNotificationFail, attempts, 0});
      ++counts.failed;
    }
  }
  if (outcomes.empty()) return counts;
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  for (const Outcome& outcome : outcomes) {
    CSMS_TRY(txn->record_delivery_attempt(outcome.row, outcome.status, outcome.attempts, outcome.next_attempt_time));
  }
  CSMS_TRY(txn->commit());
  return counts;
}

}  // namespace csms::domain
