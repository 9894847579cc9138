// duration.hpp: parses durations such as 500ms, 30s, 15m, 24h, 7d for flags and configuration.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace csms::core {

/// `<digits><unit>` with unit one of ms, s, m, h, d; nullopt when the text is not of that form or overflows.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// The inverse, for log lines: the largest unit that divides the value exactly (e.g. 86400000 → "1d").
std::string format_duration(std::chrono::milliseconds value);

}  // namespace csms::core
