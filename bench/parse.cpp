// parse.cpp: number and duration arguments of the bench tools.
#include "parse.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace csms_bench {

std::uint64_t parse_count(std::string_view option, std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument(std::string(option) + " needs a number, not '" + std::string(text) + "'");
  }
  return value;
}

std::chrono::nanoseconds parse_duration(std::string_view option, std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::uint64_t amount = parse_count(option, text.substr(0, digits));
  const std::string_view unit = text.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(amount);
  if (unit.empty() || unit == "s") return std::chrono::seconds(amount);
  if (unit == "m") return std::chrono::minutes(amount);
  throw std::invalid_argument(std::string(option) + " needs a duration like 500ms, 10s or 1m");
}

}  // namespace csms_bench
