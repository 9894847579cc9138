// authenticate.cpp: peer rules, SDK-HMAC-SHA256 verification and token lookup.
#include "api/authenticate.hpp"

#include "auth/sdk_signature.hpp"

namespace csms::api {
namespace {

core::Error unauthenticated(std::string detail) {
  return core::make_error(core::Errc::kUnauthenticated, std::move(detail));
}

core::Result<auth::Caller> from_signature(const http::Request& request, std::string_view authorization,
                                          ApiContext& context, bool body_follows) {
  CSMS_TRY_ASSIGN(const auto parsed, auth::parse_authorization(authorization));
  const auto now_seconds = context.access.clock() / 1000;
  CSMS_TRY(auth::check_sdk_date(request.header("x-sdk-date"), now_seconds, context.access.sdk_date_window));
  CSMS_TRY_ASSIGN(auto match, context.credentials.find_access_key(parsed.access_key));
  if (!match) return unauthenticated("the access key is unknown or revoked");
  const auth::SignedRequestView view{request.method_name, request.path, request.raw_query, request.headers,
                                     std::string_view(request.body.data(), request.body.size()), body_follows};
  CSMS_TRY(auth::verify_signature(view, parsed, match->secret_key.view()));
  auth::Caller caller;
  caller.kind = auth::Caller::Kind::kAccessKey;
  caller.id = match->credential.access_key;
  caller.role = match->credential.role;
  caller.projects = std::move(match->credential.projects);
  caller.uid = request.peer.uid;
  caller.pid = request.peer.pid;
  return caller;
}

core::Result<auth::Caller> from_token(const http::Request& request, std::string_view token, ApiContext& context) {
  CSMS_TRY_ASSIGN(auto found, context.credentials.find_token(token));
  if (!found) return unauthenticated("the X-Auth-Token is unknown or revoked");
  auth::Caller caller;
  caller.kind = auth::Caller::Kind::kToken;
  caller.id = found->id;
  caller.role = found->role;
  caller.projects = std::move(found->projects);
  caller.uid = request.peer.uid;
  caller.pid = request.peer.pid;
  return caller;
}

core::Result<auth::Caller> authenticate_caller(const http::Request& request, ApiContext& context, bool body_follows) {
  if (request.peer.transport == http::Peer::Transport::kUnix) {
    if (auto caller = auth::match_peer(context.access.peer_rules, request.peer.uid, request.peer.gid,
                                       request.peer.groups, request.peer.pid)) {
      return std::move(*caller);
    }
  }
  if (const auto authorization = request.header("authorization"); !authorization.empty()) {
    return from_signature(request, authorization, context, body_follows);
  }
  if (const auto token = request.header("x-auth-token"); !token.empty()) return from_token(request, token, context);
  return unauthenticated(
      "the request carries no credentials: sign it with an access key (SDK-HMAC-SHA256) or send X-Auth-Token");
}

}  // namespace

core::Result<auth::Caller> authenticate(const http::Request& request, ApiContext& context) {
  return authenticate_caller(request, context, false);
}

core::Result<auth::Caller> authenticate_head(const http::Request& head, ApiContext& context) {
  return authenticate_caller(head, context, true);
}

}  // namespace csms::api
