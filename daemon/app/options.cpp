// options.cpp: merging the option layers (defaults < config file < environment < flags) into Options.
#include "app/options.hpp"

#include "app/config_file.hpp"
#include "app/paths.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <system_error>
#include <variant>

namespace csms::app {
namespace {

// One value for one option from one layer; `where` prefixes its errors ("--listen", "CSMSD_LISTEN", "FILE:3: listen").
struct Setting {
  const OptionDef* option;
  std::string value;
  std::string where;
};

std::vector<Setting> flag_settings(const std::vector<std::string>& args, std::vector<std::string>& errors) {
  std::vector<Setting> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    std::string_view value;
    bool has_inline_value = false;
    if (const std::size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline_value = true;
    }
    if (flag == "-h") flag = "--help";
    const OptionDef* option = flag.starts_with("--") ? find_option(flag.substr(2)) : nullptr;
    if (option == nullptr || (option->sources & kFromFlag) == 0) {
      errors.push_back("unknown argument '" + args[i] + "'");
      continue;
    }
    if (option->value_name.empty()) {
      // "--allow-remote-tcp=false" must not silently mean "on".
      if (has_inline_value) {
        errors.push_back(std::string(flag) + " takes no value");
        continue;
      }
      out.push_back(Setting{option, "true", std::string(flag)});
      continue;
    }
    if (!has_inline_value) {
      if (i + 1 >= args.size()) {
        errors.push_back(std::string(flag) + ": missing value");
        continue;
      }
      value = args[++i];
    }
    out.push_back(Setting{option, std::string(value), std::string(flag)});
  }
  return out;
}

// A repeatable option's variable holds its values separated by blanks, since one variable cannot repeat.
std::vector<Setting> env_settings(const ParseInputs& inputs) {
  std::vector<Setting> out;
  if (!inputs.getenv) return out;
  for (const OptionDef& option : option_table()) {
    if ((option.sources & kFromEnv) == 0) continue;
    const std::string name = env_name(option);
    const auto value = inputs.getenv(name);
    if (!value) continue;
    if (!option.repeatable) {
      out.push_back(Setting{&option, *value, name});
      continue;
    }
    std::string_view rest = *value;
    while (!rest.empty()) {
      const auto start = rest.find_first_not_of(" \t\n");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const auto end = rest.find_first_of(" \t\n");
      out.push_back(Setting{&option, std::string(rest.substr(0, end)), name});
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
  }
  return out;
}

// Applies one layer over what the lower layers set; a repeatable option named here drops the lower layers' values.
void apply_layer(const std::vector<Setting>& layer, Options& options, std::vector<std::string>& errors) {
  std::vector<const OptionDef*> cleared;
  for (const Setting& setting : layer) {
    const OptionDef& option = *setting.option;
    if (option.repeatable && std::find(cleared.begin(), cleared.end(), &option) == cleared.end()) {
      option.clear(options);
      options.settings.erase(std::string(option.name));
      cleared.push_back(&option);
    }
    if (std::string error = option.apply(setting.value, options); !error.empty()) {
      errors.push_back(setting.where + ": " + error);
      continue;
    }
    std::string& text = options.settings[std::string(option.name)];
    text = option.repeatable && !text.empty() ? text + "\n" + setting.value : setting.value;
  }
}

}  // namespace

bool parse_listen(std::string_view text, ListenSpec& out, std::string& error) {
  if (text.starts_with("unix:")) {
    const std::string_view path = text.substr(5);
    if (path.empty()) {
      error = "unix: needs a path";
      return false;
    }
    out = UnixListen{std::filesystem::absolute(std::filesystem::path(path))};
    return true;
  }
  if (text.starts_with("tcp:")) text.remove_prefix(4);
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    error = "expected unix:PATH or HOST:PORT, got '" + std::string(text) + "'";
    return false;
  }
  std::string host(text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    error = "bad port in '" + std::string(text) + "'";
    return false;
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  out = TcpListen{host, static_cast<std::uint16_t>(port)};
  return true;
}

bool parse_master_key(std::string_view text, MasterKeySpec& out, std::string& error) {
  MasterKeySpec spec;
  if (text == "file") {
    spec.kind = MasterKeySpec::Kind::kFile;
  } else if (text.starts_with("file:") && text.size() > 5) {
    spec.kind = MasterKeySpec::Kind::kFile;
    spec.file = std::filesystem::absolute(std::filesystem::path(text.substr(5)));
  } else if (text == "credential" || (text.starts_with("credential:") && text.size() > 11)) {
    spec.kind = MasterKeySpec::Kind::kCredential;
    if (text.size() > 10) spec.credential_name = std::string(text.substr(11));
    if (spec.credential_name.find('/') != std::string::npos) {
      error = "a credential name cannot contain '/'";
      return false;
    }
  } else if (text.starts_with("passphrase-fd:")) {
    const std::string_view number = text.substr(14);
    int fd = -1;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), fd);
    if (ec != std::errc() || end != number.data() + number.size() || fd < 0) {
      error = "passphrase-fd: needs a file descriptor number";
      return false;
    }
    spec.kind = MasterKeySpec::Kind::kPassphraseFd;
    spec.fd = fd;
  } else if (text == "passphrase-prompt") {
    spec.kind = MasterKeySpec::Kind::kPassphrasePrompt;
  } else {
    error = "expected file, file:PATH, credential[:NAME], passphrase-fd:N or passphrase-prompt, got '" +
            std::string(text) + "'";
    return false;
  }
  out = std::move(spec);
  return true;
}

ParseResult parse_options(const ParseInputs& inputs) {
  ParseResult result;
  Options& options = result.options;
  std::vector<std::string> flag_errors;
  const std::vector<Setting> flags = flag_settings(inputs.args, flag_errors);
  const std::vector<Setting> environment = env_settings(inputs);

  // Which file to read comes from the layers above it, so those are looked at first.
  Options config_choice;
  std::vector<std::string> config_errors;  // reported again when the layers are applied below
  std::vector<Setting> config_settings;
  for (const auto* layer : {&environment, &flags}) {
    for (const Setting& setting : *layer) {
      if (setting.option->name == "config") config_settings.push_back(setting);
    }
  }
  apply_layer(config_settings, config_choice, config_errors);
  std::vector<Setting> file_layer;
  std::vector<std::string> file_errors;
  std::filesystem::path file = config_choice.config_given ? config_choice.config_file : inputs.default_config;
  std::error_code ec;
  if (!config_choice.config_given && (file.empty() || !std::filesystem::exists(file, ec)) && !ec) file.clear();
  if (!file.empty()) {
    ConfigFile parsed = read_config_file(file);
    file_errors = std::move(parsed.errors);
    for (const ConfigSetting& setting : parsed.settings) {
      file_layer.push_back(Setting{setting.option, setting.value,
                                   file.string() + ":" + std::to_string(setting.line) + ": " + std::string(setting.option->name)});
    }
  }
  apply_layer(file_layer, options, file_errors);
  // Syntax and value errors of the file come out in line order, as an editor would walk them.
  const auto line_of = [prefix = file.string().size() + 1](const std::string& error) {
    std::size_t line = 0;
    if (error.size() > prefix) std::from_chars(error.data() + prefix, error.data() + error.size(), line);
    return line;
  };
  std::stable_sort(file_errors.begin(), file_errors.end(),
                   [&](const std::string& a, const std::string& b) { return line_of(a) < line_of(b); });
  result.errors.insert(result.errors.end(), file_errors.begin(), file_errors.end());

  apply_layer(environment, options, result.errors);
  result.errors.insert(result.errors.end(), flag_errors.begin(), flag_errors.end());
  apply_layer(flags, options, result.errors);
  options.config_file = file;

  if (options.data_dir.empty()) options.data_dir = default_data_dir();
  if (options.listens.empty()) {
    options.listens.push_back(UnixListen{default_socket_path(options.data_dir)});
    options.listens_defaulted = true;
  }
  if (options.audit_log.empty()) options.audit_log = options.data_dir / "audit.log";
  const auto has_listener = [&](auto kind) {
    return std::any_of(options.listens.begin(), options.listens.end(),
                       [](const ListenSpec& spec) { return std::holds_alternative<decltype(kind)>(spec); });
  };
  if (options.tls_cert.has_value() != options.tls_key.has_value()) {
    result.errors.push_back("--tls-cert and --tls-key go together: give both or neither");
  } else if (options.tls_cert && !has_listener(TcpListen{})) {
    result.errors.push_back("--tls-cert/--tls-key: no TCP listener to apply them to (add --listen HOST:PORT)");
  }
  if ((options.socket_mode != 0600 || options.socket_group) && !has_listener(UnixListen{})) {
    result.errors.push_back("--socket-mode/--socket-group: no Unix socket listener to apply them to");
  }
  return result;
}

ParseResult parse_options(int argc, const char* const* argv) {
  ParseInputs inputs;
  for (int i = 1; i < argc; ++i) inputs.args.emplace_back(argv[i]);
  inputs.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  return parse_options(inputs);
}

}  // namespace csms::app
