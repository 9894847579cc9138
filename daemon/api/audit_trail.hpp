// audit_trail.hpp: building the audit record of one request from what the dispatcher learned about it.
#pragma once

#include "api/call.hpp"
#include "audit/audit_log.hpp"

#include <optional>

namespace csms::api {

/// What the dispatcher knows when the response is ready; absent parts are left out of the record.
struct AuditFacts {
  const http::Request& request;
  const auth::Caller* caller = nullptr;
  const Route* route = nullptr;
  const http::PathParams* params = nullptr;
  const AuditNotes& notes;
  const http::Response& response;
};

audit::AuditRecord make_audit_record(const AuditFacts& facts, core::EpochMillis now);

}  // namespace csms::api
