// time.hpp: the vault's notion of time: epoch milliseconds truncated to whole seconds, and a replaceable clock.
#pragma once

#include <cstdint>
#include <functional>

namespace csms::core {

/// Epoch milliseconds. Every stored and emitted timestamp is a multiple of 1000 (csms-api.md decision 6).
using EpochMillis = std::int64_t;

inline constexpr EpochMillis kMillisPerSecond = 1000;
inline constexpr EpochMillis kMillisPerDay = 86'400'000;

inline constexpr EpochMillis truncate_to_seconds(EpochMillis millis) {
  return millis - (millis % kMillisPerSecond + kMillisPerSecond) % kMillisPerSecond;
}

/// The current time, already truncated to whole seconds.
EpochMillis system_now();

/// Services take a Clock so tests can fix or advance time.
using Clock = std::function<EpochMillis()>;

}  // namespace csms::core
