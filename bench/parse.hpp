// parse.hpp: number and duration arguments, shared by csmsd-loadgen and csmsd-sqlite-ceiling.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace csms_bench {

/// A decimal count; throws std::invalid_argument naming `option` when `text` is not one.
std::uint64_t parse_count(std::string_view option, std::string_view text);

/// 500ms, 10s (or plain 10) and 1m; throws std::invalid_argument naming `option` otherwise.
std::chrono::nanoseconds parse_duration(std::string_view option, std::string_view text);

}  // namespace csms_bench
