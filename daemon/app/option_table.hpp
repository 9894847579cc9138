// option_table.hpp: the one table of csmsd options that drives flags, the config file, CSMSD_* variables and --help.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace csms::app {

struct Options;

/// Where an option may be given. Flags, the config file and CSMSD_* environment variables all set the same
/// Options fields through the same `apply`, so a value means the same wherever it is written.
enum OptionSource : unsigned { kFromFlag = 1, kFromFile = 2, kFromEnv = 4, kFromAnywhere = 7 };

struct OptionDef {
  std::string_view name;        ///< the flag without "--", the config file key
  std::string_view value_name;  ///< "DIR", "DUR"...; empty for a switch (true/false in the file and environment)
  bool repeatable;              ///< each layer that gives it replaces the lower layers' list
  bool reloadable;              ///< SIGHUP applies a changed value; other changes wait for a restart
  unsigned sources;             ///< OptionSource bits
  std::string_view default_text;  ///< the default as written in csmsd.conf; empty when it is computed (see help)
  std::string_view help;          ///< for --help and csmsd.conf; '\n' starts a continuation line
  /// Parses `value` into `options`; on failure returns a message (without the option's name) and leaves them alone.
  /// Switches receive "true" or "false".
  std::string (*apply)(std::string_view value, Options& options);
  /// Empties a repeatable option's list before a layer gives its own values; null for the others.
  void (*clear)(Options& options);
};

/// Every option, in --help order.
std::span<const OptionDef> option_table();

/// The entry named `name` (no leading dashes), or null.
const OptionDef* find_option(std::string_view name);

/// CSMSD_ followed by the name in upper case with '-' as '_', e.g. CSMSD_DATA_DIR for data-dir.
std::string env_name(const OptionDef& option);

/// true/false, yes/no, on/off, 1/0 (what a switch accepts in the config file and the environment).
bool parse_bool(std::string_view text, bool& out);

/// The --help text, generated from the table.
std::string usage();

}  // namespace csms::app
