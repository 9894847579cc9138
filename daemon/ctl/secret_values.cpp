// secret_values.cpp: value bodies in wiped JSON, version lookup by id or stage, bare and --binary output.
#include "ctl/secret_values.hpp"

#include "ctl/api_call.hpp"
#include "ctl/json_text.hpp"
#include "ctl/project.hpp"
#include "ctl/value_io.hpp"

namespace csms::ctl {

core::Status add_value_from_input(boost::json::object& body, const ParsedArgs& parsed, bool binary) {
  CSMS_TRY_ASSIGN(const core::SecureString value, read_value(parsed.value("--value-file")));
  const std::string_view bytes(value.data(), value.size());
  if (binary) {
    const core::SecureString encoded = base64_encode_secure(bytes);
    body["secret_binary"] = std::string_view(encoded.data(), encoded.size());
  } else {
    body["secret_string"] = bytes;
  }
  return core::ok();
}

core::Result<boost::json::object> fetch_version(const Client& client, std::string_view project, std::string_view name,
                                                const std::optional<std::string>& version,
                                                const std::optional<std::string>& stage) {
  std::string version_id = version.value_or("");
  if (stage) {
    CSMS_TRY_ASSIGN(const boost::json::object answer,
                    call(client, "GET", secret_path(project, name) + "/stages/" + segment(*stage)));
    CSMS_TRY_ASSIGN(const boost::json::object* found, object_in(answer, "stage"));
    const boost::json::value* id = found->if_contains("version_id");
    if (id == nullptr || !id->is_string()) {
      return core::make_error(core::Errc::kInternal, "the daemon's stage answer has no version_id");
    }
    version_id = std::string(id->get_string());
  }
  CSMS_TRY_ASSIGN(boost::json::object answer,
                  call(client, "GET", secret_path(project, name) + "/versions/" + segment(version_id)));
  CSMS_TRY_ASSIGN(const boost::json::object* found, object_in(answer, "version"));
  return boost::json::object(*found, answer.storage());
}

core::Result<std::string_view> value_of(const boost::json::object& version, bool& is_binary) {
  for (const std::string_view key : {"secret_string", "secret_binary"}) {
    const boost::json::value* value = version.if_contains(key);
    if (value != nullptr && value->is_string()) {
      is_binary = key == "secret_binary";
      return std::string_view(value->get_string().data(), value->get_string().size());
    }
  }
  return core::make_error(core::Errc::kInternal, "the daemon's version answer holds no value");
}

core::Status print_version(const boost::json::object& version, bool binary, bool json) {
  if (json) return write_stdout(to_pretty_json(version));
  bool is_binary = false;
  CSMS_TRY_ASSIGN(const std::string_view value, value_of(version, is_binary));
  if (!binary || !is_binary) return write_stdout(value);
  const std::optional<core::SecureString> bytes = base64_decode_secure(value);
  if (!bytes) return core::make_error(core::Errc::kInternal, "the stored secret_binary is not base64");
  return write_stdout(std::string_view(bytes->data(), bytes->size()));
}

}  // namespace csms::ctl
