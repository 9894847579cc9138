// events.hpp: plain structs for secret events, notification records and rotation tasks (csms-api.md 1.7, 1.8).
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::core {

/// The event types an event may list (csms-api.md 1.7); events fire only for these.
inline constexpr std::string_view kEventVersionCreated = "SECRET_VERSION_CREATED";
inline constexpr std::string_view kEventVersionExpired = "SECRET_VERSION_EXPIRED";
inline constexpr std::string_view kEventRotated = "SECRET_ROTATED";
inline constexpr std::string_view kEventDeleted = "SECRET_DELETED";
inline constexpr std::string_view kEventRotatedFailed = "SECRET_ROTATED_FAILED";

bool is_event_type(std::string_view text);

inline constexpr std::string_view kEventEnabled = "ENABLED";
inline constexpr std::string_view kEventDisabled = "DISABLED";

/// Where a notification goes. Offline there is no SMN: the fields are kept and echoed, delivery is local.
struct NotificationTarget {
  std::string target_type;  ///< always "SMN"
  std::string target_id;
  std::string target_name;
};

/// A secret event of one project. `row_id` is the store's key and never leaves the daemon; `id` is the public UUID.
struct Event {
  std::int64_t row_id = 0;
  std::string id;
  std::string project_id;
  std::string name;
  std::vector<std::string> event_types;  ///< in the order given, no duplicates
  std::string state;                     ///< ENABLED or DISABLED
  NotificationTarget notification;
  EpochMillis create_time = 0;
  EpochMillis update_time = 0;
};

/// What happened to a notification: PENDING until the delivery worker has delivered it or given up on it, then
/// SUCCESS or FAIL.
inline constexpr std::string_view kNotificationPending = "PENDING";
inline constexpr std::string_view kNotificationSuccess = "SUCCESS";
inline constexpr std::string_view kNotificationFail = "FAIL";

/// One notification an event fired, as ListNotificationRecords shows it.
struct NotificationRecord {
  std::int64_t row_id = 0;
  std::string project_id;
  std::string event_name;
  std::string trigger_event_type;
  EpochMillis create_time = 0;
  std::string secret_name;
  std::string secret_type;
  std::string target_name;
  std::string target_id;
  std::string content;  ///< the notification JSON text (never a secret value)
  std::string status;
  std::int64_t attempts = 0;                ///< delivery attempts made so far
  EpochMillis next_attempt_time = 0;        ///< when a PENDING record is due for its next attempt
};

/// Where a page of notification records ends (newest first): the last record's time and row, so records created
/// in the same millisecond are neither skipped nor repeated.
struct RecordPosition {
  EpochMillis create_time = 0;
  std::int64_t row_id = 0;
};

/// A version whose expire_time has passed and whose expiry has not been announced yet.
struct ExpiredVersion {
  std::string project_id;
  std::string secret_name;
  std::int64_t number = 0;
  EpochMillis create_time = 0;
  EpochMillis expire_time = 0;
};

inline constexpr std::string_view kTaskRunning = "RUNNING";
inline constexpr std::string_view kTaskSuccess = "SUCCESS";
inline constexpr std::string_view kTaskFailed = "FAILED";

/// A rotation task (ListSecretTask's SecretTask). The secret is named, not referenced: a task outlives its secret.
struct RotationTask {
  std::string id;
  std::string project_id;
  std::string secret_name;
  std::optional<std::string> rotation_func_urn;
  std::string status;        ///< RUNNING until the worker has run it, then SUCCESS or FAILED
  std::string operate_type;  ///< SINGLE_USER or MULTI_USER
  EpochMillis task_time = 0;
  std::int64_t attempt_nums = 0;
  std::optional<std::string> error_code;
  std::optional<std::string> error_msg;
  std::optional<std::string> version_id;  ///< the version the rotation created
};

/// ListSecretTask's filters; all optional.
struct TaskFilter {
  std::optional<std::string> secret_name;
  std::optional<std::string> status;
  std::optional<std::string> task_id;
};

}  // namespace csms::core
