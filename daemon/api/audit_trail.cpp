// audit_trail.cpp: the audit record of a request: caller, operation, names and outcome, never a value or key.
#include "api/audit_trail.hpp"

#include <boost/json/parse.hpp>

namespace csms::api {
namespace {

std::string param_or(const http::PathParams* params, std::string_view name, const std::string& fallback) {
  if (params) {
    if (const auto found = params->find(name); found != params->end()) return found->second;
  }
  return fallback;
}

// The CSMS code of an error response, read back from its body (flat or nested); the body of an error never holds
// a secret value.
std::string error_code_of(const http::Response& response) {
  if (response.status < 400 || response.body.empty()) return {};
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(std::string_view(response.body.data(), response.body.size()), ec);
  if (ec || !parsed.is_object()) return {};
  const auto* object = &parsed.as_object();
  if (const auto* nested = object->if_contains("error"); nested && nested->is_object()) object = &nested->as_object();
  if (const auto* code = object->if_contains("error_code"); code && code->is_string()) return std::string(code->as_string());
  return {};
}

std::string_view transport_of(const http::Peer& peer) {
  if (peer.transport == http::Peer::Transport::kUnix) return "unix";
  return peer.tls ? "tls" : "tcp";
}

}  // namespace

audit::AuditRecord make_audit_record(const AuditFacts& facts, core::EpochMillis now) {
  const http::Request& request = facts.request;
  audit::AuditRecord record;
  record.time = now;
  record.request_id = request.request_id;
  if (facts.caller) {
    record.caller_kind = std::string(auth::to_string(facts.caller->kind));
    record.caller_id = facts.caller->id;
  } else {
    record.caller_kind = "anonymous";
  }
  if (request.peer.uid) record.uid = static_cast<std::uint32_t>(*request.peer.uid);
  if (request.peer.pid) record.pid = static_cast<std::int32_t>(*request.peer.pid);
  record.transport = std::string(transport_of(request.peer));
  record.remote = request.peer.address;
  record.method = request.method_name;
  record.operation = facts.route ? std::string(facts.route->operation) : std::string();
  record.project_id = param_or(facts.params, "project_id", "");
  record.secret_name = param_or(facts.params, "secret_name", facts.notes.secret_name);
  record.version_id = param_or(facts.params, "version_id", facts.notes.version_id);
  record.stage_name = param_or(facts.params, "stage_name", facts.notes.stage_name);
  record.status = facts.response.status;
  record.error_code = error_code_of(facts.response);
  return record;
}

}  // namespace csms::api
