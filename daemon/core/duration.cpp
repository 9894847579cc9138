// duration.cpp: duration parsing and formatting.
#include "core/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace csms::core {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Longest suffix first so "ms" is not read as "m".
constexpr std::array<Unit, 5> kUnits{{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 18) return std::nullopt;
  const std::string_view suffix = text.substr(digits);
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    std::int64_t count = 0;
    for (char c : text.substr(0, digits)) count = count * 10 + (c - '0');
    if (count > std::numeric_limits<std::int64_t>::max() / unit.millis) return std::nullopt;
    return std::chrono::milliseconds(count * unit.millis);
  }
  return std::nullopt;
}

std::string format_duration(std::chrono::milliseconds value) {
  const std::int64_t millis = value.count();
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (millis != 0 && millis % it->millis == 0) return std::to_string(millis / it->millis) + std::string(it->suffix);
  }
  return std::to_string(millis) + "ms";
}

}  // namespace csms::core
