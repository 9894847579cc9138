// log.hpp: leveled key=value logging to stderr, with journald priority prefixes when JOURNAL_STREAM is set.
#pragma once

#include "core/secure_buffer.hpp"
#include "core/wiping_allocator.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace csms::log {

enum class Level { kDebug, kInfo, kWarning, kError };

std::optional<Level> level_from_string(std::string_view text);

/// One key=value pair of a log line. Values are quoted when they contain spaces. There is deliberately no overload
/// taking a SecureBuffer or SecureString: a secret value cannot be formatted into a log line.
struct Field {
  Field(std::string_view key_, std::string_view value_) : key(key_), value(value_) {}
  Field(std::string_view key_, const char* value_) : key(key_), value(value_) {}
  Field(std::string_view key_, long long value_) : key(key_), value(std::to_string(value_)) {}
  Field(std::string_view key_, unsigned long long value_) : key(key_), value(std::to_string(value_)) {}
  Field(std::string_view key_, long value_) : key(key_), value(std::to_string(value_)) {}
  Field(std::string_view key_, unsigned long value_) : key(key_), value(std::to_string(value_)) {}
  Field(std::string_view key_, int value_) : key(key_), value(std::to_string(value_)) {}
  Field(std::string_view key_, unsigned value_) : key(key_), value(std::to_string(value_)) {}
  // Secret-carrying types convert to string_view; these overloads make such a field a compile error instead.
  Field(std::string_view, const core::SecureString&) = delete;
  Field(std::string_view, const core::SecureBuffer&) = delete;
  std::string key;
  std::string value;
};

/// Sets the lowest level written; also reads JOURNAL_STREAM once to decide on `<N>` prefixes.
void configure(Level minimum);
bool enabled(Level level);

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view message, std::initializer_list<Field> fields = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, message, fields);
}
inline void info(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::kInfo, message, fields);
}
inline void warning(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::kWarning, message, fields);
}
inline void error(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::kError, message, fields);
}

}  // namespace csms::log
