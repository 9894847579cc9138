// routes.hpp: the API as an http::RequestHandler: the route table, parameter checks and error rendering.
#pragma once

#include "api/call.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace csms::api {

class Api final : public http::RequestHandler {
 public:
  explicit Api(ApiContext context);

  boost::asio::awaitable<http::Response> handle(http::Request& request) override;
  /// A route's max_body_bytes when the head authenticates a caller the route admits; `standard` otherwise.
  std::size_t body_limit(const http::Request& head, std::size_t standard) override;
  http::Response transport_error(http::TransportError error, const std::string& request_id,
                                 const http::Peer& peer) override;
  http::Response internal_error(const std::string& request_id) noexcept override;

  const http::Router<Route>& router() const { return router_; }

 private:
  /// What dispatch learned before it answered, for the audit record.
  struct DispatchState {
    std::optional<auth::Caller> caller;
    const Route* route = nullptr;
    http::PathParams params;
    std::vector<std::pair<std::string, std::string>> query;
    AuditNotes notes;
  };

  /// Authenticates, matches and authorizes; ok when the route may run.
  core::Status admit(http::Request& request, DispatchState& state);
  boost::asio::awaitable<core::Result<http::Response>> dispatch(http::Request& request, DispatchState& state);

  /// Before context_, which points at it.
  std::unique_ptr<metrics::RequestMetrics> request_metrics_;
  ApiContext context_;
  http::Router<Route> router_;
  std::atomic<bool> audit_failing_{false};
};

}  // namespace csms::api
