// sdk_signature.hpp: Huawei Cloud SDK-HMAC-SHA256 request signatures: canonical forms, verification and signing.
//
// The algorithm and its test vectors are in shared/signing.md. The two official clients disagree on the canonical
// URI (the Python SDK decodes the path before encoding it, the npm core encodes it as sent), so the verifier accepts
// either form; everything else is common to both.
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::auth {

inline constexpr std::string_view kSdkAlgorithm = "SDK-HMAC-SHA256";
inline constexpr std::string_view kSdkDateHeader = "x-sdk-date";
inline constexpr std::string_view kSdkContentSha256Header = "x-sdk-content-sha256";

/// The parts of a received request that a signature covers, borrowed from the transport so this layer needs no
/// HTTP types.
struct SignedRequestView {
  std::string_view method;
  std::string_view raw_path;   ///< as on the wire, still percent-encoded, no query
  std::string_view raw_query;  ///< after '?', as on the wire; empty when there is none
  /// Names already lower-case, values as received.
  const std::vector<std::pair<std::string, std::string>>& headers;
  std::string_view body;
  /// Only the head has been read: the signature is checked against the declared X-Sdk-Content-Sha256 (required
  /// then), and must be checked again with the body once it has arrived.
  bool body_follows = false;
};

/// `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`, split into its parts.
struct AuthorizationHeader {
  std::string algorithm;
  std::string access_key;
  std::vector<std::string> signed_headers;  ///< in the order the client listed them, which is the canonical order
  std::string signature;                    ///< 64 hex digits, lower-case
};

/// Parses an Authorization header value; parts may be separated by ", " or ",". kUnauthenticated for any other
/// algorithm, a missing, repeated or unknown part, an empty signed-header list, or a signature that is not hex.
core::Result<AuthorizationHeader> parse_authorization(std::string_view value);

enum class PathCanonicalization {
  kDecodeThenEncode,  ///< Python SDK: percent-decode the path, split on '/', encode each segment
  kEncodeAsSent,      ///< npm SDK: encode each segment of the path exactly as sent, so '%' becomes %25
};

/// The canonical URI, which always ends in '/'. kUnauthenticated when decoding meets a malformed percent escape.
core::Result<std::string> canonical_uri(std::string_view raw_path, PathCanonicalization mode);

/// The canonical query string: pairs percent-decoded ('+' stays '+'), sorted by decoded key then value, re-encoded.
/// kUnauthenticated on a malformed percent escape.
core::Result<std::string> canonical_query(std::string_view raw_query);

/// The full canonical request over `signed_headers` (in that order). kUnauthenticated when a signed header is
/// missing from the request or appears more than once, or the path or query is malformed.
core::Result<std::string> canonical_request(const SignedRequestView& request,
                                            const std::vector<std::string>& signed_headers,
                                            PathCanonicalization mode);

/// `SDK-HMAC-SHA256\n<sdk_date>\n<hex sha256(canonical_request)>`.
std::string string_to_sign(std::string_view sdk_date, std::string_view canonical_request);

/// Lower-case hex HMAC-SHA256 of `string_to_sign` keyed with the SK itself (no derived key chain).
std::string compute_signature(std::string_view secret_key, std::string_view string_to_sign);

/// Accepts an X-Sdk-Date (`%Y%m%dT%H%M%SZ`, UTC) no further than `window` from `now_epoch_seconds` either way.
/// kUnauthenticated when it is malformed, names an impossible date, or falls outside the window.
core::Status check_sdk_date(std::string_view x_sdk_date, std::int64_t now_epoch_seconds,
                            std::chrono::seconds window = std::chrono::minutes(15));

/// Recomputes the signature with the SK held for the caller's AK and compares it in constant time, accepting the
/// Python or the npm canonical URI. Requires an x-sdk-date header; the caller checks its window separately.
/// kUnauthenticated on any failure; the detail never contains the key or the expected signature.
core::Status verify_signature(const SignedRequestView& request, const AuthorizationHeader& authorization,
                              std::string_view secret_key);

/// The Authorization header value for a request, as the Python SDK computes it, for test clients and tools. The
/// request must already carry x-sdk-date and every header in `signed_headers`; if it does not (or its path or query
/// is malformed) the result is empty, so a mis-built request fails verification instead of being signed wrongly.
std::string sign_request(const SignedRequestView& request, std::string_view access_key, std::string_view secret_key,
                         const std::vector<std::string>& signed_headers);

}  // namespace csms::auth
