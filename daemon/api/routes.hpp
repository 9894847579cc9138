// routes.hpp: the API as an http::RequestHandler: the route table, parameter checks and error rendering.
#pragma once

#include "api/call.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace csms::api {

class Api final : public http::RequestHandler {
 public:
  explicit Api(ApiContext context);

  http::Response handle(http::Request& request) override;
  http::Response transport_error(http::TransportError error, const std::string& request_id) override;
  http::Response internal_error(const std::string& request_id) noexcept override;

  const http::Router<Route>& router() const { return router_; }

 private:
  core::Result<http::Response> dispatch(http::Request& request, const Route*& route);

  ApiContext context_;
  http::Router<Route> router_;
};

}  // namespace csms::api
