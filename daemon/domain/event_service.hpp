// event_service.hpp: the event and notification-record use cases, the version-expiry check and the delivery step.
#pragma once

#include "core/error.hpp"
#include "core/events.hpp"
#include "core/time.hpp"
#include "domain/secret_service.hpp"
#include "store/store.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace csms::domain {

/// Inputs arrive validated by the API layer (name regex, type enum, no duplicates, target patterns).
struct CreateEventInput {
  std::string project_id;
  std::string name;
  std::vector<std::string> event_types;
  std::string state;
  core::NotificationTarget notification;
};

/// Only the fields that are present change.
struct UpdateEventInput {
  std::optional<std::vector<std::string>> event_types;
  std::optional<std::string> state;
  std::optional<core::NotificationTarget> notification;
};

/// Delivers one notification (webhook, command); the API never waits for it.
class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  /// ok when every configured channel accepted the notification.
  virtual core::Status deliver(const core::NotificationRecord& record) = 0;
};

struct DeliveryCounts {
  std::size_t delivered = 0;
  std::size_t retrying = 0;  ///< failed, tried again later
  std::size_t failed = 0;    ///< failed for the last time: FAIL
};

class EventService {
 public:
  EventService(store::Store& store, core::Clock clock) : store_(store), clock_(std::move(clock)) {}

  core::Result<core::Event> create_event(CreateEventInput input);
  core::Result<Page<core::Event>> list_events(const std::string& project_id, const std::optional<std::string>& marker,
                                              std::size_t limit);
  core::Result<core::Event> get_event(const std::string& project_id, const std::string& name);
  core::Result<core::Event> update_event(const std::string& project_id, const std::string& name,
                                         const UpdateEventInput& input);
  /// Refused (kInvalidRequest) while a secret of the project subscribes to the event (csms-api.md 1.7, 28).
  core::Status delete_event(const std::string& project_id, const std::string& name);

  /// The project's records of the last three months, newest first, at most `limit`, starting after `after`.
  core::Result<Page<core::NotificationRecord>> list_records(const std::string& project_id,
                                                            const std::optional<core::RecordPosition>& after,
                                                            std::size_t limit);

  /// Fires SECRET_VERSION_EXPIRED once for each version whose expire_time has passed (remembered in the store, so
  /// once across restarts too; a new expire_time re-arms it). Returns how many expiries it processed.
  core::Result<std::size_t> announce_expiries();

  /// Hands the PENDING records that are due to `sink`, outside any transaction, then stores each outcome: SUCCESS;
  /// a failure is tried again after delivery_retry_delay, and is FAIL once the attempts are used up. Stops before
  /// the next record once `stop_requested` answers true (what was delivered is still stored).
  core::Result<DeliveryCounts> deliver_pending(NotificationSink& sink,
                                               const std::function<bool()>& stop_requested = {});

 private:
  store::Store& store_;
  core::Clock clock_;
};

}  // namespace csms::domain
