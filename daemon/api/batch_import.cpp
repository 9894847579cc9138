// batch_import.cpp: BatchImportSecrets (POST /secrets/batch-import): CreateSecret for each entry, per-secret errors.
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/secret_fields.hpp"
#include "log/log.hpp"

#include <boost/json/array.hpp>

namespace csms::api::handlers {
namespace {

// Bounds how long one request holds the write batch; the body limit bounds it too.
constexpr std::size_t kMaxImportedSecrets = 1000;

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

// Every entry is created like one CreateSecret call, in its own (nested) transaction: a refused entry leaves
// nothing behind and does not undo the others. They all become durable with the request's write batch.
core::Status import_one(ApiContext& context, const Call& call, boost::json::value& entry) {
  if (!entry.is_object()) {
    return core::make_error(core::Errc::kMalformedBody, "the entry is not a JSON object");
  }
  CSMS_TRY_ASSIGN(auto input, read_create_secret_body(entry.as_object(), call.project_id()));
  CSMS_TRY(context.secrets.create_secret(std::move(input)));
  return core::ok();
}

std::string entry_name(const boost::json::value& entry) {
  if (const auto* object = entry.if_object()) {
    if (const auto* name = object->if_contains("name"); name != nullptr && name->is_string()) {
      return std::string(name->get_string());
    }
  }
  return "";
}

}  // namespace

core::Result<http::Response> batch_import_secrets(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(auto body, parse_object(call.request.body));
  auto* secrets = body.if_contains("secrets");
  if (secrets == nullptr || secrets->is_null()) return invalid("secrets is required");
  if (!secrets->is_array()) return core::make_error(core::Errc::kMalformedBody, "secrets must be an array");
  auto& entries = secrets->as_array();
  if (entries.size() > kMaxImportedSecrets) return invalid("secrets takes at most 1000 entries");
  CSMS_TRY_ASSIGN(const auto total, optional_integer(body, "total"));
  if (total && *total != static_cast<std::int64_t>(entries.size())) {
    return invalid("total is " + std::to_string(*total) + " but secrets holds " + std::to_string(entries.size()) +
                   " entries");
  }
  boost::json::array errors;
  std::int64_t succeeded = 0;
  for (boost::json::value& entry : entries) {
    const std::string name = entry_name(entry);
    if (auto imported = import_one(context, call, entry); imported) {
      ++succeeded;
    } else {
      const core::Error& error = imported.error();
      // The caller sees only the generic text of a server-side failure; the operator needs its cause, logged as a
      // failed request's would be (names and error details never carry a value).
      if (error_info(error.code).status >= 500) {
        log::error("batch import entry failed", {{"request_id", call.request.request_id},
                                                 {"operation", std::string_view("BatchImportSecrets")},
                                                 {"secret_name", name},
                                                 {"error", core::errc_name(error.code)},
                                                 {"detail", error.detail}});
      }
      errors.push_back(boost::json::object{{"name", name}, {"error_msg", error_message(error)}});
    }
  }
  const auto count = static_cast<std::int64_t>(entries.size());
  return json_response(boost::json::object{
      {"error_list", std::move(errors)}, {"total", count}, {"success", succeeded}, {"failed", count - succeeded}});
}

}  // namespace csms::api::handlers
