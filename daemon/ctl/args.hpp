// args.hpp: a small flag parser shared by csmsctl's global options and each command (usage errors only).
#pragma once

#include "core/error.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace csms::ctl {

/// One flag a parser accepts: `--name VALUE` / `--name=VALUE` when it takes a value, a bare switch otherwise.
struct FlagSpec {
  std::string_view name;  ///< with the leading dashes, e.g. "--project"
  bool takes_value = false;
  bool repeatable = false;
};

struct ParsedArgs {
  std::map<std::string, std::vector<std::string>, std::less<>> flags;
  std::vector<std::string> positionals;
  /// What follows the first positional when parsing stopped there (see parse_args).
  std::vector<std::string> rest;

  bool has(std::string_view flag) const { return flags.contains(flag); }
  /// The value of a non-repeatable flag, if given.
  std::optional<std::string> value(std::string_view flag) const;
  /// Every value of a repeatable flag, in order.
  std::vector<std::string> values(std::string_view flag) const;
};

/// Parses `args` against `specs`. Errors are core::Errc::kInvalidParameter (a usage error) naming `context`.
/// With `stop_at_positional`, the first positional ends parsing and it and everything after land in positionals
/// (first) and rest, so the global options can hand the command its own arguments untouched. "--" ends flags.
core::Result<ParsedArgs> parse_args(std::span<const std::string> args, std::span<const FlagSpec> specs,
                                    std::string_view context, bool stop_at_positional = false);

/// A usage error unless the command took no positional argument.
core::Status no_positionals(const ParsedArgs& parsed, std::string_view context);

/// A usage error (exit status 2).
core::Error usage_error(std::string detail);

/// Whether `error` is a usage error rather than a failure to get an answer from the daemon.
bool is_usage_error(const core::Error& error);

}  // namespace csms::ctl
