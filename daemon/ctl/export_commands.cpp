// export_commands.cpp: `export` and `import` of a project's current (SYSCURRENT) values, in plaintext on purpose.
#include "core/wiping_json.hpp"
#include "ctl/api_call.hpp"
#include "ctl/args.hpp"
#include "ctl/commands.hpp"
#include "ctl/json_text.hpp"
#include "ctl/project.hpp"
#include "ctl/secret_values.hpp"
#include "ctl/text.hpp"
#include "ctl/value_io.hpp"

#include <array>
#include <cstdio>

namespace csms::ctl {
namespace {

// An import file may hold many values; the input is still held whole in wiped memory, so it stays bounded.
constexpr std::size_t kMaxImportInput = 64 * 1024 * 1024;

core::Result<std::string> format_of(const ParsedArgs& parsed, std::string_view context) {
  const std::string format = parsed.value("--format").value_or("json");
  if (format != "env" && format != "json") {
    return usage_error(std::string(context) + ": --format must be env or json, got '" + format + "'");
  }
  if (!parsed.has("--plaintext")) {
    return usage_error(std::string(context) +
                       ": the values are written in plaintext; say so with --plaintext (and keep the file safe)");
  }
  return format;
}

// Single quotes keep every byte literal in sh; a quote itself becomes '\''.
void append_env_line(core::SecureString& out, std::string_view name, std::string_view value) {
  out.append(name.data(), name.size());
  out += "='";
  for (const char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'\n";
}

struct Entry {
  std::string name;
  core::SecureString value;
  bool binary = false;
  std::optional<std::string> description;  ///< json only; used when the secret is created
};

// Parses what append_env_line writes: NAME='...' (quotes may span lines, '\'' is a quote), or NAME=bare text to the
// end of the line; blank lines and lines starting with '#' are skipped.
core::Result<std::vector<Entry>> parse_env(std::string_view text) {
  std::vector<Entry> entries;
  std::size_t i = 0;
  std::size_t line = 1;
  while (i < text.size()) {
    if (text[i] == '\n') {
      ++i;
      ++line;
      continue;
    }
    if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    const std::size_t eq = text.find('=', i);
    const std::size_t eol = text.find('\n', i);
    if (eq == std::string_view::npos || (eol != std::string_view::npos && eol < eq)) {
      return usage_error("import: line " + std::to_string(line) + " is not NAME=VALUE");
    }
    Entry entry;
    entry.name = std::string(text.substr(i, eq - i));
    if (entry.name.starts_with("export ")) entry.name.erase(0, 7);
    i = eq + 1;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      for (;;) {
        if (i >= text.size()) return usage_error("import: the quote opened on line " + std::to_string(line) + " never closes");
        if (text[i] != '\'') {
          if (text[i] == '\n') ++line;
          entry.value += text[i++];
          continue;
        }
        if (text.substr(i, 4) == "'\\''") {
          entry.value += '\'';
          i += 4;
          continue;
        }
        ++i;  // closing quote
        break;
      }
      if (i < text.size() && text[i] != '\n') {
        return usage_error("import: unexpected text after the closing quote on line " + std::to_string(line));
      }
    } else {
      const std::size_t end = text.find('\n', i);
      const std::string_view bare = text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      entry.value.assign(bare.data(), bare.size());
      i += bare.size();
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

core::Result<std::vector<Entry>> parse_json_export(std::string_view text) {
  CSMS_TRY_ASSIGN(const boost::json::object document, parse_answer(text));
  const boost::json::value* secrets = document.if_contains("secrets");
  if (secrets == nullptr || !secrets->is_array()) return usage_error("import: the JSON has no \"secrets\" array");
  std::vector<Entry> entries;
  for (const boost::json::value& item : secrets->get_array()) {
    const boost::json::object* secret = item.if_object();
    const boost::json::value* name = secret != nullptr ? secret->if_contains("name") : nullptr;
    if (name == nullptr || !name->is_string()) return usage_error("import: a secret without a \"name\" string");
    Entry entry;
    entry.name = std::string(name->get_string());
    bool binary = false;
    auto value = value_of(*secret, binary);
    if (!value) return usage_error("import: secret " + printable(entry.name) + " has no value");
    entry.value.assign(value->data(), value->size());
    entry.binary = binary;
    if (const auto* description = secret->if_contains("description"); description != nullptr && description->is_string()) {
      entry.description = std::string(description->get_string());
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

core::Status export_secrets(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "export";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--format", true}, FlagSpec{"--plaintext", false},
                                 FlagSpec{"--output", true}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY(no_positionals(parsed, kContext));
  CSMS_TRY_ASSIGN(const std::string format, format_of(parsed, kContext));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::object document(core::wiping_json_storage());
  document["project"] = project;
  boost::json::array& exported = document["secrets"].emplace_array();
  core::SecureString env;
  CSMS_TRY(for_each_listed(client, secrets_path(project), "secrets", [&](const boost::json::object& secret) -> core::Status {
    const std::string name = cell(secret.if_contains("name"));
    // Only an ENABLED secret's values can be read; one scheduled for deletion is left out, and said so.
    if (cell(secret.if_contains("state")) != "ENABLED") {
      std::fputs(("csmsctl: export: skipping " + printable(name) + " (state " +
                  printable(cell(secret.if_contains("state"))) + ")\n").c_str(), stderr);
      return core::ok();
    }
    CSMS_TRY_ASSIGN(const boost::json::object version,
                    fetch_version(client, project, name, std::nullopt, std::string("SYSCURRENT")));
    bool binary = false;
    CSMS_TRY_ASSIGN(const std::string_view value, value_of(version, binary));
    if (format == "env") {
      if (binary) {
        return usage_error("export: " + printable(name) + " holds a binary value, which --format env cannot "
                           "tell from text; use --format json");
      }
      append_env_line(env, name, value);
      return core::ok();
    }
    boost::json::object entry(document.storage());
    entry["name"] = name;
    if (const auto* description = secret.if_contains("description"); description != nullptr && description->is_string()) {
      entry["description"] = description->get_string();
    }
    entry[binary ? "secret_binary" : "secret_string"] = value;
    exported.push_back(std::move(entry));
    return core::ok();
  }));

  const core::SecureString text = format == "env" ? std::move(env) : to_pretty_json(document);
  const std::string_view bytes(text.data(), text.size());
  if (auto output = parsed.value("--output")) {
    CSMS_TRY(write_new_private_file(*output, bytes));
  } else {
    CSMS_TRY(write_stdout(bytes));
  }
  return core::ok();
}

core::Status import_secrets(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "import";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--format", true}, FlagSpec{"--plaintext", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  if (parsed.positionals.size() > 1) return usage_error("import: expected at most one FILE (default: stdin)");
  CSMS_TRY_ASSIGN(const std::string format, format_of(parsed, kContext));
  std::optional<std::string> file;
  if (!parsed.positionals.empty()) file = parsed.positionals[0];
  CSMS_TRY_ASSIGN(const core::SecureString text, read_value(file, kMaxImportInput));
  const std::string_view input(text.data(), text.size());
  CSMS_TRY_ASSIGN(const std::vector<Entry> entries, format == "env" ? parse_env(input) : parse_json_export(input));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  // An existing secret gets a new version (which takes SYSCURRENT); a missing one is created.
  for (const Entry& entry : entries) {
    boost::json::object body(core::wiping_json_storage());
    body[entry.binary ? "secret_binary" : "secret_string"] = std::string_view(entry.value.data(), entry.value.size());
    auto existing = call(client, "GET", secret_path(project, entry.name));
    if (!existing && existing.error().code != core::Errc::kNotFound) return existing.error();
    if (existing) {
      CSMS_TRY(call(client, "POST", secret_path(project, entry.name) + "/versions", &body));
      CSMS_TRY(write_stdout("updated " + printable(entry.name) + "\n"));
    } else {
      body["name"] = entry.name;
      if (entry.description) body["description"] = *entry.description;
      CSMS_TRY(call(client, "POST", secrets_path(project), &body));
      CSMS_TRY(write_stdout("created " + printable(entry.name) + "\n"));
    }
  }
  return core::ok();
}

}  // namespace csms::ctl
