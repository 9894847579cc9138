// responses.cpp: JSON and empty success responses.
#include "api/call.hpp"
#include "core/wiping_json.hpp"

namespace csms::api {

http::Response json_response(const boost::json::value& body, unsigned status) {
  http::Response response;
  response.status = status;
  response.body = core::to_json_wiped(body);
  return response;
}

http::Response empty_response(unsigned status) {
  http::Response response;
  response.status = status;
  return response;
}

}  // namespace csms::api
