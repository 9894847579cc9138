// key_commands.cpp: `key status` and `key rotate [--wait]`.
#include "ctl/api_call.hpp"
#include "ctl/args.hpp"
#include "ctl/commands.hpp"
#include "ctl/json_text.hpp"
#include "ctl/text.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>

namespace csms::ctl {
namespace {

constexpr std::string_view kMasterKeyPath = "/v1/csmsd/master-key";
constexpr std::chrono::milliseconds kPollInterval{200};
// An idle rotation that still leaves rows under an old key has stopped (see the daemon's log); this many polls in a
// row (5 s) tell that apart from the moment between the POST and the rotation picking up.
constexpr int kStalledPolls = 25;

std::int64_t integer(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr) return 0;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->get_uint64());
  return 0;
}

std::string rows_text(std::int64_t rows) { return std::to_string(rows) + (rows == 1 ? " row" : " rows"); }

std::string rotation_state(const boost::json::object& master_key) {
  const boost::json::value* rotation = master_key.if_contains("rotation");
  if (rotation == nullptr || !rotation->is_object()) return "-";
  return cell(rotation->get_object().if_contains("state"));
}

// Rows still sealed under a key other than the current one.
std::int64_t rows_under_old_keys(const boost::json::object& master_key) {
  const std::int64_t current = integer(master_key, "current_key_id");
  std::int64_t rows = 0;
  const boost::json::value* keys = master_key.if_contains("keys");
  if (keys == nullptr || !keys->is_array()) return 0;
  for (const auto& key : keys->get_array()) {
    if (!key.is_object()) continue;
    if (integer(key.get_object(), "key_id") != current) rows += integer(key.get_object(), "sealed_rows");
  }
  return rows;
}

std::string describe(const boost::json::object& master_key) {
  const boost::json::value* rotation = master_key.if_contains("rotation");
  const std::int64_t remaining =
      rotation != nullptr && rotation->is_object() ? integer(rotation->get_object(), "remaining_rows") : 0;
  std::string out;
  out += "current key id: " + printable(cell(master_key.if_contains("current_key_id"))) + "\n";
  out += "source:         " + printable(cell(master_key.if_contains("source"))) + "\n";
  out += "rotation:       " + printable(rotation_state(master_key)) + " (" + rows_text(remaining) + " remaining)\n\n";
  std::vector<std::vector<std::string>> rows;
  const std::int64_t current = integer(master_key, "current_key_id");
  if (const auto* keys = master_key.if_contains("keys"); keys != nullptr && keys->is_array()) {
    for (const auto& key : keys->get_array()) {
      if (!key.is_object()) continue;
      const boost::json::object& fields = key.get_object();
      rows.push_back({cell(fields.if_contains("key_id")), cell(fields.if_contains("sealed_rows")),
                      integer(fields, "key_id") == current ? "current" : "old"});
    }
  }
  return out + render_table({"KEY ID", "SEALED ROWS", "STATE"}, rows);
}

core::Result<boost::json::object> master_key_of(const boost::json::object& answer) {
  const boost::json::value* value = answer.if_contains("master_key");
  if (value == nullptr || !value->is_object()) {
    return core::make_error(core::Errc::kInternal, "the daemon's answer has no master_key object");
  }
  return value->get_object();
}

core::Status print(const boost::json::object& master_key, bool json) {
  if (json) return write_stdout(to_pretty_json(master_key));
  return write_stdout(describe(master_key));
}

// Polls until the rotation is idle with no row left under an old key; progress lines go to stderr when they change.
core::Result<boost::json::object> wait_for_rotation(const Client& client, boost::json::object master_key) {
  std::string last_line;
  int stalled = 0;
  for (;;) {
    const std::int64_t old_rows = rows_under_old_keys(master_key);
    const std::string state = rotation_state(master_key);
    if (state == "idle" && old_rows == 0) break;
    if (state == "stalled") {
      std::string reason;
      if (const auto* rotation = master_key.if_contains("rotation"); rotation && rotation->is_object()) {
        if (const auto* text = rotation->as_object().if_contains("stall_reason"); text && text->is_string()) {
          reason = printable(std::string(text->as_string()));
        }
      }
      return core::make_error(core::Errc::kInternal, "the rotation stopped with " + rows_text(old_rows) +
                                                         " still under old keys: " + reason);
    }
    stalled = state == "idle" ? stalled + 1 : 0;
    if (stalled >= kStalledPolls) {
      return core::make_error(core::Errc::kInternal,
                              "the rotation stopped with " + rows_text(old_rows) +
                                  " still under old keys; see the daemon's log, then run `csmsctl key rotate` again");
    }
    const std::string line = "csmsctl: rotating to key " + printable(cell(master_key.if_contains("current_key_id"))) +
                             ": " + rows_text(old_rows) + " left under old keys (" + printable(state) + ")\n";
    if (line != last_line) std::fputs(line.c_str(), stderr);
    last_line = line;
    std::this_thread::sleep_for(kPollInterval);
    CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "GET", kMasterKeyPath));
    CSMS_TRY_ASSIGN(master_key, master_key_of(answer));
  }
  std::fputs(("csmsctl: rotation done: key " + printable(cell(master_key.if_contains("current_key_id"))) +
              " is current and no row is left under an old key\n")
                 .c_str(),
             stderr);
  return master_key;
}

}  // namespace

core::Status key_status(const Client& client, CommandArgs args) {
  constexpr std::array kFlags = {FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "key status"));
  CSMS_TRY(no_positionals(parsed, "key status"));

  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "GET", kMasterKeyPath));
  CSMS_TRY_ASSIGN(const boost::json::object master_key, master_key_of(answer));
  return print(master_key, parsed.has("--json"));
}

core::Status key_rotate(const Client& client, CommandArgs args) {
  constexpr std::array kFlags = {FlagSpec{"--wait", false}, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "key rotate"));
  CSMS_TRY(no_positionals(parsed, "key rotate"));

  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "POST", std::string(kMasterKeyPath) + "/rotate"));
  CSMS_TRY_ASSIGN(boost::json::object master_key, master_key_of(answer));
  if (parsed.has("--wait")) {
    CSMS_TRY_ASSIGN(master_key, wait_for_rotation(client, std::move(master_key)));
  }
  return print(master_key, parsed.has("--json"));
}

}  // namespace csms::ctl
