// event_firing.hpp: writing the notification records an event fires, inside the transaction that caused it.
#pragma once

#include "core/error.hpp"
#include "core/events.hpp"
#include "core/model.hpp"
#include "store/store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace csms::domain {

/// What the notification says beyond the secret itself.
struct EventFacts {
  std::optional<core::VersionNumber> version;
  std::optional<core::EpochMillis> version_expire_time;
  std::optional<std::string> error_msg;  ///< SECRET_ROTATED_FAILED: why (never a secret value)
};

/// For each event the secret subscribes to that exists, is ENABLED and lists `type`, writes a PENDING
/// notification record. Delivery happens later, after commit, on the event worker (never in this transaction).
/// A subscription naming no event fires nothing.
core::Status fire_event(store::Transaction& txn, const core::Secret& secret, std::string_view type,
                        const EventFacts& facts, core::EpochMillis now);

/// The notification JSON text (csms-api.md 1.7): eventName, eventType, eventTime and data about the secret.
std::string notification_content(std::string_view event_name, std::string_view type, const core::Secret& secret,
                                 const EventFacts& facts, core::EpochMillis now);

/// "2023-04-14T20:25:10.000Z" for epoch milliseconds.
std::string iso8601_utc(core::EpochMillis millis);

}  // namespace csms::domain
