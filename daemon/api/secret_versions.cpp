// secret_versions.cpp: CreateSecretVersion, ListSecretVersions, ShowSecretVersion and UpdateVersion.
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/json_io.hpp"
#include "api/paging.hpp"
#include "api/validation.hpp"
#include "api/value_fields.hpp"
#include "core/wiping_json.hpp"

#include <boost/json/array.hpp>


namespace csms::api::handlers {
namespace {

constexpr std::int64_t kMaxExpireTime = 9'999'999'999'999;

core::Result<std::optional<core::EpochMillis>> read_expire_time(const boost::json::object& body, bool required) {
  std::optional<std::int64_t> value;
  if (required) {
    CSMS_TRY_ASSIGN(value, required_integer(body, "expire_time"));
  } else {
    CSMS_TRY_ASSIGN(value, optional_integer(body, "expire_time"));
  }
  if (!value) return std::optional<core::EpochMillis>();
  CSMS_TRY(validate::integer_between("expire_time", *value, 0, kMaxExpireTime));
  return std::optional<core::EpochMillis>(core::truncate_to_seconds(*value));
}

}  // namespace

core::Result<http::Response> create_secret_version(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  CSMS_TRY_ASSIGN(auto body, parse_object(call.request.body));
  domain::CreateVersionInput input;
  CSMS_TRY_ASSIGN(input.stages, optional_string_array(body, "version_stages"));
  if (input.stages) {
    for (const std::string& stage : *input.stages) CSMS_TRY(validate::name("version_stages entries", stage));
  }
  CSMS_TRY_ASSIGN(input.expire_time, read_expire_time(body, false));
  CSMS_TRY_ASSIGN(input.value, take_secret_value(body));
  CSMS_TRY_ASSIGN(const auto version, context.secrets.create_version(call.project_id(), name, std::move(input)));
  call.notes.version_id = core::version_id(version.number);
  return json_response(boost::json::object{{"version_metadata", codec::version_metadata(version, name)}});
}

core::Result<http::Response> list_secret_versions(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  CSMS_TRY_ASSIGN(const auto limit, read_page_limit(call));
  domain::VersionRef marker;
  bool marker_is_latest = false;
  if (const auto text = call.query_value("marker"); text && !text->empty()) {
    auto parsed = validate::path_version(*text, true);
    if (!parsed && parsed.error().code == core::Errc::kNotFound) {
      return core::make_error(core::Errc::kInvalidParameter, "marker must be a version id without leading zeros");
    }
    CSMS_TRY_ASSIGN(marker, std::move(parsed));
    marker_is_latest = !marker.has_value();
  }
  CSMS_TRY_ASSIGN(const auto page,
                  context.secrets.list_versions(call.project_id(), name, marker, marker_is_latest, limit));
  boost::json::array versions;
  for (const core::VersionMetadata& version : page.items) versions.push_back(codec::version_metadata(version, name));
  std::optional<std::string> first;
  std::optional<std::string> last;
  if (!page.items.empty()) {
    first = core::version_id(page.items.front().number);
    last = core::version_id(page.items.back().number);
  }
  return json_response(boost::json::object{{"version_metadatas", std::move(versions)},
                                           {"page_info", codec::page_info(page.items.size(), first, last, page.has_more)}});
}

core::Result<http::Response> show_secret_version(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  CSMS_TRY_ASSIGN(const auto ref, validate::path_version(call.param("version_id"), true));
  CSMS_TRY_ASSIGN(const auto version, context.secrets.get_version(call.project_id(), name, ref));
  boost::json::object body(core::wiping_json_storage());
  body["version"] = codec::version_with_value(version.metadata, name, version.value);
  return json_response(body);
}

core::Result<http::Response> update_secret_version(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  CSMS_TRY_ASSIGN(const auto ref, validate::path_version(call.param("version_id"), true));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto expire_time, read_expire_time(body, true));
  CSMS_TRY_ASSIGN(const auto version, context.secrets.update_version(call.project_id(), name, ref, expire_time));
  return json_response(boost::json::object{{"version_metadata", codec::version_metadata(version, name)}});
}

}  // namespace csms::api::handlers
