// config_file.hpp: reading csmsd's configuration file (key = value lines) into settings, every error at once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::app {

struct OptionDef;

/// One `key = value` from the file, with where it came from for error messages.
struct ConfigSetting {
  const OptionDef* option = nullptr;
  std::string value;
  std::size_t line = 0;
};

struct ConfigFile {
  std::vector<ConfigSetting> settings;  ///< in file order
  std::vector<std::string> errors;      ///< "FILE:LINE: message", every one found
};

/// The format: one `key = value` per line; blank lines and lines whose first non-blank character is '#' are
/// ignored; spaces around key and value are dropped; there is no quoting and no trailing comment (a '#' inside a
/// value is part of it, as in a URL). Keys are option names without "--"; a repeatable key may appear again (each
/// line adds a value), any other key only once. `label` names the file in errors.
ConfigFile parse_config_text(std::string_view text, std::string_view label);

/// Reads and parses `file` (at most 1 MiB). A file that cannot be read is one error.
ConfigFile read_config_file(const std::filesystem::path& file);

}  // namespace csms::app
