// validation.cpp: hand-written matchers for the published patterns (no std::regex: predictable cost, no recursion).
#include "api/validation.hpp"

#include <string>

namespace csms::api::validate {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool all_name_chars(std::string_view text) {
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_base64_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

// Digits only, at most 18 of them (fits int64); nullopt otherwise.
std::optional<std::int64_t> parse_digits(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool is_name(std::string_view text) { return !text.empty() && text.size() <= 64 && all_name_chars(text); }

bool is_project_id(std::string_view text) { return text.size() >= 32 && text.size() <= 64 && all_name_chars(text); }

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !is_lower_alnum(text[i])) return false;
  }
  return true;
}

bool is_base64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i + padding < text.size(); ++i) {
    if (!is_base64_char(text[i])) return false;
  }
  return true;
}

core::Status name(std::string_view field, std::string_view value) {
  if (is_name(value)) return core::ok();
  return invalid(std::string(field) + " must match ^[a-zA-Z0-9_-]{1,64}$");
}

core::Status project_id(std::string_view value) {
  if (is_project_id(value)) return core::ok();
  return invalid("project_id must be 32 to 64 characters of [a-zA-Z0-9_-]");
}

core::Status max_length(std::string_view field, std::string_view value, std::size_t maximum) {
  if (code_points(value) <= maximum) return core::ok();
  return invalid(std::string(field) + " is longer than " + std::to_string(maximum) + " characters");
}

core::Status length_between(std::string_view field, std::string_view value, std::size_t minimum, std::size_t maximum) {
  const std::size_t length = code_points(value);
  if (length >= minimum && length <= maximum) return core::ok();
  return invalid(std::string(field) + " must be " + std::to_string(minimum) + " to " + std::to_string(maximum) +
                 " characters long");
}

core::Status integer_between(std::string_view field, std::int64_t value, std::int64_t minimum, std::int64_t maximum) {
  if (value >= minimum && value <= maximum) return core::ok();
  return invalid(std::string(field) + " must be between " + std::to_string(minimum) + " and " + std::to_string(maximum));
}

core::Result<std::optional<core::VersionNumber>> path_version(std::string_view text, bool allow_latest) {
  if (allow_latest && text == "latest") return std::optional<core::VersionNumber>();
  if (text.size() >= 2 && text.size() <= 11 && text.front() == 'v') {
    if (auto number = parse_digits(text.substr(1))) {
      if (text[1] == '0') return core::make_error(core::Errc::kNotFound, "the version " + std::string(text) + " does not exist");
      return std::optional<core::VersionNumber>(*number);
    }
  }
  return invalid(std::string("version_id must match v[0-9]{1,10}") + (allow_latest ? " or be latest" : ""));
}

core::Result<std::optional<core::VersionNumber>> body_version(std::string_view field, std::string_view text) {
  if (text.empty() || text.size() > 64 || text.front() != 'v') {
    return invalid(std::string(field) + " must match ^v[0-9]{0,63}$");
  }
  const std::string_view digits = text.substr(1);
  for (char c : digits) {
    if (c < '0' || c > '9') return invalid(std::string(field) + " must match ^v[0-9]{0,63}$");
  }
  // Canonical ids have no leading zero; "v01" names no version, like "v" alone or a 30-digit number.
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return std::optional<core::VersionNumber>();
  return std::optional<core::VersionNumber>(parse_digits(digits));
}

core::Status rotation_period(std::string_view value) {
  const auto fail = [&]() { return invalid("rotation_period must be <number><d|h|m|s> between 6h and 8760h"); };
  if (value.size() < 2) return fail();
  const auto count = parse_digits(value.substr(0, value.size() - 1));
  if (!count) return fail();
  std::int64_t seconds_per_unit = 0;
  switch (value.back()) {
    case 'd': seconds_per_unit = 86'400; break;
    case 'h': seconds_per_unit = 3'600; break;
    case 'm': seconds_per_unit = 60; break;
    case 's': seconds_per_unit = 1; break;
    default: return fail();
  }
  if (*count > 8760 * 3600) return fail();
  const std::int64_t seconds = *count * seconds_per_unit;
  if (seconds < 6 * 3600 || seconds > 8760 * 3600) return fail();
  return core::ok();
}

}  // namespace csms::api::validate
