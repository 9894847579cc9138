// delivery_retry.hpp: how often and how soon a failed notification delivery is tried again.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace csms::domain {

/// Attempts per notification before its record is FAIL for good.
inline constexpr std::int64_t kMaxDeliveryAttempts = 5;

/// After `attempts` failed attempts (1 or more): how long to wait before the next, or nullopt when the attempts are
/// used up. The wait triples from 10 s (10 s, 30 s, 90 s, 270 s), so a listener that is down for a restart gets
/// the notification a little later, and one that stays down costs four more tries over about seven minutes, not
/// one try every worker pass.
std::optional<std::chrono::milliseconds> delivery_retry_delay(std::int64_t attempts);

}  // namespace csms::domain
