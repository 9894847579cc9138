// args.cpp: flag parsing with --flag VALUE, --flag=VALUE, repeatable flags and a "--" terminator.
#include "ctl/args.hpp"

#include <algorithm>

namespace csms::ctl {

std::optional<std::string> ParsedArgs::value(std::string_view flag) const {
  const auto found = flags.find(flag);
  if (found == flags.end() || found->second.empty()) return std::nullopt;
  return found->second.back();
}

std::vector<std::string> ParsedArgs::values(std::string_view flag) const {
  const auto found = flags.find(flag);
  if (found == flags.end()) return {};
  return found->second;
}

// core::Errc has no code of its own for a bad command line; kInvalidParameter is what the daemon uses for a bad
// field, and the API never hands it to csmsctl as such (answers become other codes, see api_call.cpp).
core::Error usage_error(std::string detail) {
  return core::make_error(core::Errc::kInvalidParameter, std::move(detail));
}

bool is_usage_error(const core::Error& error) { return error.code == core::Errc::kInvalidParameter; }

core::Status no_positionals(const ParsedArgs& parsed, std::string_view context) {
  if (parsed.positionals.empty()) return core::ok();
  return usage_error(std::string(context) + ": unexpected argument '" + parsed.positionals[0] + "'");
}

core::Result<ParsedArgs> parse_args(std::span<const std::string> args, std::span<const FlagSpec> specs,
                                    std::string_view context, bool stop_at_positional) {
  ParsedArgs parsed;
  bool flags_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_ended || !arg.starts_with("-") || arg == "-") {
      parsed.positionals.push_back(arg);
      if (stop_at_positional) {
        parsed.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
        return parsed;
      }
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string> inline_value;
    if (const std::size_t eq = name.find('='); eq != std::string_view::npos) {
      inline_value = std::string(name.substr(eq + 1));
      name = name.substr(0, eq);
    }
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == name; });
    if (spec == specs.end()) return usage_error(std::string(context) + ": unknown option '" + std::string(name) + "'");
    std::vector<std::string>& slot = parsed.flags[std::string(name)];
    if (!slot.empty() && !spec->repeatable) {
      return usage_error(std::string(context) + ": " + std::string(name) + " given more than once");
    }
    if (!spec->takes_value) {
      // "--json=false" must not silently mean "on".
      if (inline_value) return usage_error(std::string(context) + ": " + std::string(name) + " takes no value");
      slot.emplace_back();
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return usage_error(std::string(context) + ": " + std::string(name) + " needs a value");
      inline_value = args[++i];
    }
    slot.push_back(std::move(*inline_value));
  }
  return parsed;
}

}  // namespace csms::ctl
