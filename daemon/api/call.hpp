// call.hpp: what a resource handler receives (request, path and query parameters) and the response helpers.
#pragma once

#include "api/errors.hpp"
#include "core/error.hpp"
#include "domain/secret_service.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::api {

/// One API call as a handler sees it. Path parameters are percent-decoded; project_id is already validated.
struct Call {
  const http::Request& request;
  const http::PathParams& params;
  const std::vector<std::pair<std::string, std::string>>& query;

  /// A path parameter the route template guarantees.
  const std::string& param(std::string_view name) const { return params.find(name)->second; }
  /// The first value of a query parameter.
  std::optional<std::string_view> query_value(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return std::string_view(value);
    }
    return std::nullopt;
  }
  const std::string& project_id() const { return param("project_id"); }
};

/// Everything a handler may use; passed explicitly, nothing is global.
struct ApiContext {
  domain::SecretService& secrets;
};

using Handler = core::Result<http::Response> (*)(ApiContext& context, const Call& call);

/// One row of the route table.
struct Route {
  std::string_view operation;  ///< the SDK operation name, for logs
  Handler handler;
  ErrorShape error_shape = ErrorShape::kFlat;
};

/// 200 (or `status`) with the JSON body.
http::Response json_response(const boost::json::value& body, unsigned status = 200);
/// A response without a body (DELETE answers 200 for secrets and 204 for stages).
http::Response empty_response(unsigned status);

}  // namespace csms::api
