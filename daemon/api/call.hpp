// call.hpp: what a resource handler receives (request, path and query parameters) and the response helpers.
#pragma once

#include "api/errors.hpp"
#include "auth/caller.hpp"
#include "auth/peer_rules.hpp"
#include "core/error.hpp"
#include "domain/credential_service.hpp"
#include "domain/event_service.hpp"
#include "domain/key_rotation.hpp"
#include "domain/secret_backup.hpp"
#include "domain/rotation_service.hpp"
#include "domain/secret_service.hpp"
#include "domain/tag_service.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "metrics/daemon_counters.hpp"
#include "metrics/request_metrics.hpp"
#include "store/store.hpp"

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <memory>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::api {

/// What a handler learns that the audit record should name (e.g. the secret a CreateSecret body named).
struct AuditNotes {
  std::string secret_name;
  std::string version_id;
  std::string stage_name;
};

/// One API call as a handler sees it. Path parameters are percent-decoded; project_id is already validated, and
/// the caller is authenticated and authorized for the route's permission on that project.
struct Call {
  const http::Request& request;
  const http::PathParams& params;
  const std::vector<std::pair<std::string, std::string>>& query;
  const auth::Caller& caller;
  AuditNotes& notes;

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

/// How callers are recognised (see docs/auth.md).
struct AccessSettings {
  std::vector<auth::PeerRule> peer_rules;
  std::chrono::seconds sdk_date_window{std::chrono::minutes(15)};
  core::Clock clock;
};

}  // namespace csms::api

namespace csms::audit {
class AuditLog;
}

namespace boost::asio {
class thread_pool;
}

namespace csms::api {

/// Everything a handler may use; passed explicitly, nothing is global.
struct ApiContext {
  domain::SecretService& secrets;
  domain::CredentialService& credentials;
  domain::KeyRotation& keys;
  const AccessSettings& access;
  audit::AuditLog& audit;
  /// Only for submit_write: the CSMS write operations run as jobs of the store's group commit.
  store::Store& store;
  domain::SecretBackup& backups;
  domain::EventService& events;
  domain::RotationService& rotation;
  domain::TagService& tags;
  /// For /metrics: pruning, memory locking and build facts; none reported when absent.
  const metrics::DaemonCounters* daemon_counters = nullptr;
  /// Set by Api to the request counters it keeps (one slot per route), for /metrics.
  const metrics::RequestMetrics* request_metrics = nullptr;
  /// Where routes marked `background` run (owned by the app); they run on the session's thread when absent.
  boost::asio::thread_pool* background = nullptr;
  /// Set while a whole-vault backup is copied or sent: one at a time (vault_backup.cpp).
  std::shared_ptr<std::atomic<bool>> vault_backup_running = std::make_shared<std::atomic<bool>>(false);
};

using Handler = core::Result<http::Response> (*)(ApiContext& context, const Call& call);

/// One row of the route table.
struct Route {
  std::string_view operation;  ///< the SDK operation name, for logs and the audit log
  Handler handler;
  /// No default: every row states what it needs (-Wmissing-field-initializers). Routes needing kWrite (and those
  /// marked write_job) run as group-commit jobs on the store's writer thread; the rest on the session's thread.
  auth::Permission permission;
  ErrorShape error_shape = ErrorShape::kFlat;
  /// A larger request body than the standard 512 KiB, allowed only to a caller that the request's head already
  /// authenticates and authorizes (Api::body_limit); 0 for the standard limit.
  std::size_t max_body_bytes = 0;
  /// The route's slot in the request metrics; Api numbers the rows (0 is for requests no route matched).
  std::size_t metrics_slot = 0;
  /// Runs on ApiContext::background instead of the session's thread: for a handler that takes long (copying the
  /// whole vault), which would otherwise hold up every other connection of that thread.
  bool background = false;
  /// Changes the vault without being a CSMS write (credential admin): runs as a write job like the kWrite routes, so
  /// a PostgreSQL serialization conflict is retried rather than answered as an error.
  bool write_job = false;
};

/// Whether the route's handler runs as a job of the store's group commit (Store::submit_write).
inline bool runs_as_write_job(const Route& route) {
  return route.permission == auth::Permission::kWrite || route.write_job;
}

/// 200 (or `status`) with the JSON body.
http::Response json_response(const boost::json::value& body, unsigned status = 200);
/// A response without a body (DELETE answers 200 for secrets and 204 for stages).
http::Response empty_response(unsigned status);

}  // namespace csms::api
