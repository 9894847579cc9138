// master_key.cpp: the admin API for the master key: status and rotation (re-sealing runs in the background).
#include "api/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace csms::api::handlers {
namespace {

boost::json::object rotation_object(const domain::MasterKeyStatus& status) {
  boost::json::object rotation;
  rotation["state"] = status.stalled ? "stalled" : status.rotating ? "running" : "idle";
  rotation["remaining_rows"] = status.remaining_rows;
  if (status.stalled) rotation["stall_reason"] = status.stall_reason;
  return rotation;
}

boost::json::object status_object(const domain::MasterKeyStatus& status) {
  boost::json::array keys;
  for (const domain::KeyUsage& key : status.keys) {
    keys.push_back(boost::json::object{{"key_id", key.key_id}, {"sealed_rows", key.sealed_rows}});
  }
  return boost::json::object{
      {"master_key",
       boost::json::object{{"current_key_id", status.current_key_id},
                           {"source", status.source},
                           {"keys", std::move(keys)},
                           {"rotation", rotation_object(status)}}}};
}

}  // namespace

core::Result<http::Response> show_master_key(ApiContext& context, const Call&) {
  CSMS_TRY_ASSIGN(const auto status, context.keys.status());
  return json_response(status_object(status));
}

core::Result<http::Response> rotate_master_key(ApiContext& context, const Call&) {
  CSMS_TRY_ASSIGN(const auto status, context.keys.rotate());
  return json_response(status_object(status), 202);
}

}  // namespace csms::api::handlers
