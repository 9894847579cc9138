// api_env.hpp: api::Api over a ServiceEnv with the admin services and an audit log, called in-process as a caller.
#pragma once

#include "api/routes.hpp"
#include "audit/audit_log.hpp"
#include "common/api_request.hpp"
#include "common/service_env.hpp"
#include "domain/credential_service.hpp"
#include "domain/key_rotation.hpp"

#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

namespace csms::unit {

/// Every api suite's fixture; suites add their own shortcuts by deriving from it.
struct ApiEnv : ServiceEnv {
  domain::CredentialService credentials{*store, sealer, time.clock()};
  domain::KeyRotation keys{*store, keyring, test_key(99), "file", time.clock()};
  api::AccessSettings access{auth::default_peer_rules(::getuid()), std::chrono::minutes(15), time.clock()};
  std::unique_ptr<audit::AuditLog> audit = expect_ok(audit::AuditLog::open(dir / "audit.log"));
  api::Api api{api::ApiContext{service, credentials, keys, access, *audit, *store, backups, events, rotation, tags}};
  /// Who the in-process requests come from: by default the test's own uid on a Unix socket (admin).
  http::Peer peer = own_unix_peer();
  http::HeaderList headers;

  Reply call(http::Method method, const std::string& target, const std::string& body = "") {
    return call_api(api, method, target, body, peer, headers);
  }
  Reply get(const std::string& target) { return call(http::Method::kGet, target); }
  Reply post(const std::string& target, const std::string& body) { return call(http::Method::kPost, target, body); }
  Reply put(const std::string& target, const std::string& body) { return call(http::Method::kPut, target, body); }
  Reply del(const std::string& target) { return call(http::Method::kDelete, target); }
};

}  // namespace csms::unit
