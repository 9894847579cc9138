// config_file.cpp: the small key = value parser behind --config.
#include "app/config_file.hpp"

#include "app/option_table.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

namespace csms::app {
namespace {

constexpr std::size_t kMaxConfigBytes = 1 << 20;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

ConfigFile parse_config_text(std::string_view text, std::string_view label) {
  ConfigFile out;
  std::map<std::string_view, std::size_t> first_line;  // non-repeatable keys seen, for "given again" errors
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto newline = text.find('\n');
    const std::string_view raw = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto error = [&](const std::string& message) {
      out.errors.push_back(std::string(label) + ":" + std::to_string(number) + ": " + message);
    };
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      error("expected 'key = value', got '" + std::string(line) + "'");
      continue;
    }
    const std::string_view key = trim(line.substr(0, equals));
    const std::string_view value = trim(line.substr(equals + 1));
    const OptionDef* option = find_option(key);
    if (option == nullptr) {
      error("unknown key '" + std::string(key) + "'");
      continue;
    }
    if ((option->sources & kFromFile) == 0) {
      error("'" + std::string(key) + "' cannot be set in a configuration file");
      continue;
    }
    if (!option->repeatable) {
      const auto [it, inserted] = first_line.emplace(option->name, number);
      if (!inserted) {
        error("'" + std::string(key) + "' given again (first on line " + std::to_string(it->second) + ")");
        continue;
      }
    }
    out.settings.push_back(ConfigSetting{option, std::string(value), number});
  }
  return out;
}

ConfigFile read_config_file(const std::filesystem::path& file) {
  ConfigFile out;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    out.errors.push_back(file.string() + ": cannot read: " + std::strerror(errno));
    return out;
  }
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    out.errors.push_back(file.string() + ": cannot read: " + std::strerror(errno));
    return out;
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    out.errors.push_back(file.string() + ": larger than 1 MiB; is this the right file?");
    return out;
  }
  return parse_config_text(text, file.string());
}

}  // namespace csms::app
