// api_harness.hpp: an in-process csmsd API over a real SQLite store in a temp dir, with fixed credentials and clock.
#pragma once

#include "core/time.hpp"
#include "http/message.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace csms::fuzz {

/// The project of the seeded secrets (and of the signing.md test vectors).
inline constexpr std::string_view kProject = "0123456789abcdef0123456789abcdef";
/// An admin access key on every project, with the AK and SK of the signing.md test vectors, so their signed
/// requests (and corpus files signed the same way) authenticate.
inline constexpr std::string_view kAccessKey = "HPUAEXAMPLEAK0000001";
inline constexpr std::string_view kSecretKey = "exampleSK/+=0123456789abcdefghijklmnopqrs";
/// An admin token on every project.
inline constexpr std::string_view kToken = "csmst_fuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuz";
/// 2024-01-01T12:00:00Z, the X-Sdk-Date of the signing.md vectors: the API's clock stands still there.
inline constexpr core::EpochMillis kNow = 1'704'110'400'000;

/// The vault draws secret ids at random, so inputs name "app-db" in id-addressed routes (tags) by this placeholder;
/// handle() replaces it (same length) with the real id in unsigned requests.
inline constexpr std::string_view kAppDbIdPlaceholder = "00000000-0000-4000-8000-0000000a99db";

/// The daemon's own uid on its Unix socket: admin by the default peer rules, so requests reach the handlers.
http::Peer owner_peer();
/// An anonymous TCP peer: only a signature or a token authenticates it.
http::Peer tcp_peer();

/// Runs `request` through api::Api::handle as a session would (on an io_context, writes in a group commit) and
/// returns the response. The vault behind it holds two seeded secrets ("app-db" with versions v1 and v2, a stage
/// "PENDING" and the tag env=prod, and "fuzz", subscribed to the event "fuzz-event"), the access key and the token
/// above. It is rebuilt from scratch every `rebuild_every`
/// calls so that what the fuzzer creates does not pile up without bound.
http::Response handle(http::Request& request);
/// What a session answers for a request the parser refused.
http::Response transport_error(http::TransportError error, const std::string& request_id, const http::Peer& peer);

/// A request as a session hands it to the API (the target split into path and query).
http::Request make_request(std::string_view method, std::string_view target, std::string_view body,
                           const http::Peer& peer);

/// With CSMS_FUZZ_VERBOSE set, prints "<method> <target> -> <status>" (for seeing what an input does).
void trace(const http::Request& request, const http::Response& response);

/// Aborts (a fuzzer crash) when `response` is not a well-formed answer: a known status, and a JSON object body
/// with error_code and error_msg for every error status.
void check_response(const http::Response& response);

}  // namespace csms::fuzz
