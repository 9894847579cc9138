// log.cpp: the stderr sink. One write(2) per line so concurrent lines never interleave.
#include "log/log.hpp"

#include <atomic>
#include <cstdlib>

#include <unistd.h>

namespace csms::log {
namespace {

// Process-wide logging settings: written once at start-up (configure) and read by every line.
std::atomic<int> g_minimum{static_cast<int>(Level::kInfo)};
std::atomic<bool> g_journal_prefix{false};

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "info";
}

// syslog priorities as journald reads them from a "<N>" prefix.
char journal_priority(Level level) {
  switch (level) {
    case Level::kDebug: return '7';
    case Level::kInfo: return '6';
    case Level::kWarning: return '4';
    case Level::kError: return '3';
  }
  return '6';
}

void append_value(std::string& line, std::string_view value) {
  const bool needs_quotes = value.empty() || value.find_first_of(" \"=\t\n") != std::string_view::npos;
  if (!needs_quotes) {
    line.append(value);
    return;
  }
  line.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') line.push_back('\\');
    if (c == '\n') {
      line.append("\\n");
      continue;
    }
    line.push_back(c);
  }
  line.push_back('"');
}

}  // namespace

std::optional<Level> level_from_string(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warning" || text == "warn") return Level::kWarning;
  if (text == "error") return Level::kError;
  return std::nullopt;
}

void configure(Level minimum) {
  g_minimum = static_cast<int>(minimum);
  g_journal_prefix = std::getenv("JOURNAL_STREAM") != nullptr;
}

bool enabled(Level level) { return static_cast<int>(level) >= g_minimum.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(128);
  if (g_journal_prefix) {
    line.push_back('<');
    line.push_back(journal_priority(level));
    line.push_back('>');
  }
  line.append("csmsd ");
  line.append(level_name(level));
  line.append(": ");
  line.append(message);
  for (const Field& field : fields) {
    line.push_back(' ');
    line.append(field.key);
    line.push_back('=');
    append_value(line, field.value);
  }
  line.push_back('\n');
  // A failed log write has nowhere to be reported; the daemon keeps serving.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace csms::log
