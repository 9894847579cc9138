// sdk_signature.cpp: canonicalisation, SDK-HMAC-SHA256 signing and constant-time verification.
#include "auth/sdk_signature.hpp"

#include "core/percent_encoding.hpp"

#include "crypto/digest.hpp"

#include <algorithm>
#include <ctime>
#include <optional>

namespace csms::auth {
namespace {

// SHA-256 of the empty string: the payload hash of every request without a body, whatever its headers say.
constexpr std::string_view kEmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

core::Error unauthenticated(std::string detail) {
  return core::make_error(core::Errc::kUnauthenticated, std::move(detail));
}

constexpr bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

char to_lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower_ascii(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), to_lower_ascii);
  return lowered;
}

void percent_encode_into(std::string& out, std::string_view bytes) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_unreserved(byte)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[byte >> 4]);
      out.push_back(kUpperHex[byte & 0x0f]);
    }
  }
}

// Strict (core::percent_decode), so the router and the signature check cannot disagree about the bytes.
core::Result<std::string> percent_decode(std::string_view text, std::string_view what) {
  auto decoded = core::percent_decode(text);
  if (!decoded) return unauthenticated(std::string(what) + " has a malformed percent escape");
  return std::move(*decoded);
}

// The same whitespace set as Python's str.strip() for ASCII, which is what the Python SDK applies to values.
std::string_view trim(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kWhitespace);
  return text.substr(first, last - first + 1);
}

// A repeated header would let the sender and this verifier each pick a different copy, so it is refused.
core::Result<std::optional<std::string_view>> find_single_header(
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view lower_name) {
  std::optional<std::string_view> found;
  for (const auto& [name, value] : headers) {
    if (name != lower_name) continue;
    if (found) return unauthenticated("the header " + std::string(lower_name) + " appears more than once");
    found = value;
  }
  return found;
}

// Everything of the canonical request after the URI line, which is the same for both URI conventions.
struct CanonicalRequestParts {
  std::string query;
  std::string headers;  ///< "name:value\n" per signed header
  std::string signed_header_list;
  std::string payload_hash;
};

core::Result<CanonicalRequestParts> canonical_parts(const SignedRequestView& request,
                                                    const std::vector<std::string>& signed_headers) {
  if (signed_headers.empty()) return unauthenticated("the request signs no headers");
  CanonicalRequestParts parts;
  CSMS_TRY_ASSIGN(parts.query, canonical_query(request.raw_query));
  for (const std::string& signed_name : signed_headers) {
    const std::string name = lower_ascii(signed_name);
    CSMS_TRY_ASSIGN(const auto value, find_single_header(request.headers, name));
    if (!value) return unauthenticated("the signed header " + name + " is missing from the request");
    parts.headers.append(name).append(":").append(trim(*value)).append("\n");
    if (!parts.signed_header_list.empty()) parts.signed_header_list.push_back(';');
    parts.signed_header_list.append(name);
  }
  if (request.body_follows) {
    // The SDKs sign the declared hash when there is one, so it verifies the head alone; the body is checked against
    // it when the signature is verified again with the body.
    CSMS_TRY_ASSIGN(const auto declared_hash, find_single_header(request.headers, kSdkContentSha256Header));
    if (!declared_hash || declared_hash->size() != 64 ||
        lower_ascii(*declared_hash).find_first_not_of("0123456789abcdef") != std::string::npos) {
      return unauthenticated("a signature is verified before its body only when X-Sdk-Content-Sha256 declares it");
    }
    parts.payload_hash = std::string(*declared_hash);
  } else if (request.body.empty()) {
    parts.payload_hash = kEmptyPayloadHash;
  } else {
    CSMS_TRY_ASSIGN(const auto declared_hash, find_single_header(request.headers, kSdkContentSha256Header));
    parts.payload_hash = crypto::to_hex(crypto::sha256(request.body));
    // The SDKs put the declared hash in the canonical request instead of hashing the body. Taken on trust, it would
    // let anyone who saw one signed request send another body under its signature: the declared hash must be the
    // body's, and an unsigned payload (the SDKs send one only for non-JSON bodies) is refused.
    if (declared_hash) {
      if (*declared_hash == "UNSIGNED-PAYLOAD") {
        return unauthenticated("an unsigned payload (X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD) is not accepted");
      }
      if (lower_ascii(*declared_hash) != parts.payload_hash) {
        return unauthenticated("X-Sdk-Content-Sha256 is not the SHA-256 of the body");
      }
      parts.payload_hash = std::string(*declared_hash);
    }
  }
  return parts;
}

std::string assemble(std::string_view method, std::string_view uri, const CanonicalRequestParts& parts) {
  std::string text;
  text.reserve(method.size() + uri.size() + parts.query.size() + parts.headers.size() +
               parts.signed_header_list.size() + parts.payload_hash.size() + 5);
  text.append(method).append("\n");
  text.append(uri).append("\n");
  text.append(parts.query).append("\n");
  text.append(parts.headers).append("\n");
  text.append(parts.signed_header_list).append("\n");
  text.append(parts.payload_hash);
  return text;
}

std::string signature_over(std::string_view secret_key, std::string_view sdk_date, std::string_view canonical) {
  return compute_signature(secret_key, string_to_sign(sdk_date, canonical));
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return core::hex_digit_value(c) >= 0; });
}

// Reads exactly `width` decimal digits; strtol would accept signs and spaces.
std::optional<int> fixed_digits(std::string_view text, std::size_t offset, std::size_t width) {
  int value = 0;
  for (std::size_t i = offset; i < offset + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

core::Result<AuthorizationHeader> parse_authorization(std::string_view value) {
  value = trim(value);
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return unauthenticated("the Authorization header has no credentials");
  AuthorizationHeader header;
  header.algorithm = std::string(value.substr(0, space));
  if (header.algorithm != kSdkAlgorithm) {
    return unauthenticated("the Authorization header must use the SDK-HMAC-SHA256 algorithm");
  }
  bool have_access = false;
  bool have_signed_headers = false;
  bool have_signature = false;
  std::string_view rest = value.substr(space + 1);
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view part = trim(rest.substr(0, comma));
    const auto equals = part.find('=');
    if (equals == std::string_view::npos) {
      return unauthenticated("the Authorization header has a part that is not name=value");
    }
    const std::string_view name = part.substr(0, equals);
    const std::string_view field = part.substr(equals + 1);
    auto claim = [&](bool& seen) -> core::Status {
      if (seen) return unauthenticated("the Authorization header repeats " + std::string(name));
      seen = true;
      return core::ok();
    };
    if (name == "Access") {
      CSMS_TRY(claim(have_access));
      header.access_key = std::string(field);
    } else if (name == "SignedHeaders") {
      CSMS_TRY(claim(have_signed_headers));
      std::string_view list = field;
      while (!list.empty()) {
        const auto semicolon = list.find(';');
        const std::string_view entry = list.substr(0, semicolon);
        if (entry.empty()) return unauthenticated("the Authorization header has an empty signed header name");
        header.signed_headers.emplace_back(entry);
        if (semicolon == std::string_view::npos) break;
        list.remove_prefix(semicolon + 1);
        if (list.empty()) return unauthenticated("the Authorization header has an empty signed header name");
      }
    } else if (name == "Signature") {
      CSMS_TRY(claim(have_signature));
      header.signature = lower_ascii(field);
    } else {
      return unauthenticated("the Authorization header has an unknown part " + std::string(name));
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!have_access || header.access_key.empty()) return unauthenticated("the Authorization header has no Access");
  if (!have_signed_headers || header.signed_headers.empty()) {
    return unauthenticated("the Authorization header has no SignedHeaders");
  }
  if (!have_signature || header.signature.empty()) return unauthenticated("the Authorization header has no Signature");
  if (header.signature.size() != 2 * crypto::kSha256Bytes || !is_hex(header.signature)) {
    return unauthenticated("the Authorization Signature must be 64 hex digits");
  }
  return header;
}

core::Result<std::string> canonical_uri(std::string_view raw_path, PathCanonicalization mode) {
  std::string decoded_path;
  std::string_view path = raw_path;
  if (mode == PathCanonicalization::kDecodeThenEncode) {
    // Decoding first means an encoded '/' (%2F) splits segments, exactly as the Python SDK's unquote-then-split.
    CSMS_TRY_ASSIGN(decoded_path, percent_decode(raw_path, "the request path"));
    path = decoded_path;
  }
  std::string uri;
  uri.reserve(path.size() + 16);
  while (true) {
    const auto slash = path.find('/');
    percent_encode_into(uri, path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    uri.push_back('/');
    path.remove_prefix(slash + 1);
  }
  if (uri.empty() || uri.back() != '/') uri.push_back('/');
  return uri;
}

core::Result<std::string> canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!raw_query.empty()) {
    const auto ampersand = raw_query.find('&');
    const std::string_view item = raw_query.substr(0, ampersand);
    if (!item.empty()) {
      const auto equals = item.find('=');
      CSMS_TRY_ASSIGN(std::string key, percent_decode(item.substr(0, equals), "the query string"));
      std::string value;
      if (equals != std::string_view::npos) {
        CSMS_TRY_ASSIGN(value, percent_decode(item.substr(equals + 1), "the query string"));
      }
      pairs.emplace_back(std::move(key), std::move(value));
    }
    if (ampersand == std::string_view::npos) break;
    raw_query.remove_prefix(ampersand + 1);
  }
  // std::string compares as unsigned bytes, which for UTF-8 is the code point order Python sorts by.
  std::sort(pairs.begin(), pairs.end());
  std::string canonical;
  for (const auto& [key, value] : pairs) {
    if (!canonical.empty()) canonical.push_back('&');
    percent_encode_into(canonical, key);
    canonical.push_back('=');
    percent_encode_into(canonical, value);
  }
  return canonical;
}

core::Result<std::string> canonical_request(const SignedRequestView& request,
                                            const std::vector<std::string>& signed_headers,
                                            PathCanonicalization mode) {
  CSMS_TRY_ASSIGN(const std::string uri, canonical_uri(request.raw_path, mode));
  CSMS_TRY_ASSIGN(const CanonicalRequestParts parts, canonical_parts(request, signed_headers));
  return assemble(request.method, uri, parts);
}

std::string string_to_sign(std::string_view sdk_date, std::string_view canonical_request) {
  std::string text;
  text.append(kSdkAlgorithm).append("\n");
  text.append(sdk_date).append("\n");
  text.append(crypto::to_hex(crypto::sha256(canonical_request)));
  return text;
}

std::string compute_signature(std::string_view secret_key, std::string_view string_to_sign) {
  return crypto::to_hex(crypto::hmac_sha256(secret_key, string_to_sign));
}

core::Status check_sdk_date(std::string_view x_sdk_date, std::int64_t now_epoch_seconds,
                            std::chrono::seconds window) {
  constexpr std::string_view kMalformed = "X-Sdk-Date must be a UTC time of the form YYYYMMDDTHHMMSSZ";
  if (x_sdk_date.size() != 16 || x_sdk_date[8] != 'T' || x_sdk_date[15] != 'Z') {
    return unauthenticated(std::string(kMalformed));
  }
  const auto year = fixed_digits(x_sdk_date, 0, 4);
  const auto month = fixed_digits(x_sdk_date, 4, 2);
  const auto day = fixed_digits(x_sdk_date, 6, 2);
  const auto hour = fixed_digits(x_sdk_date, 9, 2);
  const auto minute = fixed_digits(x_sdk_date, 11, 2);
  const auto second = fixed_digits(x_sdk_date, 13, 2);
  if (!year || !month || !day || !hour || !minute || !second) return unauthenticated(std::string(kMalformed));

  std::tm fields{};
  fields.tm_year = *year - 1900;
  fields.tm_mon = *month - 1;
  fields.tm_mday = *day;
  fields.tm_hour = *hour;
  fields.tm_min = *minute;
  fields.tm_sec = *second;
  // timegm normalises out-of-range fields (Feb 30 becomes Mar 2); converting back and comparing catches that.
  const std::time_t stamp = ::timegm(&fields);
  std::tm round_trip{};
  if (::gmtime_r(&stamp, &round_trip) == nullptr || round_trip.tm_year != *year - 1900 ||
      round_trip.tm_mon != *month - 1 || round_trip.tm_mday != *day || round_trip.tm_hour != *hour ||
      round_trip.tm_min != *minute || round_trip.tm_sec != *second) {
    return unauthenticated("X-Sdk-Date is not a valid date and time");
  }

  std::int64_t skew = 0;
  if (__builtin_sub_overflow(static_cast<std::int64_t>(stamp), now_epoch_seconds, &skew) ||
      skew > window.count() || skew < -window.count()) {
    return unauthenticated("X-Sdk-Date is outside the allowed window around the server's time");
  }
  return core::ok();
}

core::Status verify_signature(const SignedRequestView& request, const AuthorizationHeader& authorization,
                              std::string_view secret_key) {
  if (authorization.algorithm != kSdkAlgorithm) {
    return unauthenticated("the Authorization header must use the SDK-HMAC-SHA256 algorithm");
  }
  CSMS_TRY_ASSIGN(const auto sdk_date, find_single_header(request.headers, kSdkDateHeader));
  if (!sdk_date) return unauthenticated("the request has no X-Sdk-Date header");
  CSMS_TRY_ASSIGN(const CanonicalRequestParts parts, canonical_parts(request, authorization.signed_headers));

  CSMS_TRY_ASSIGN(const std::string python_uri,
                  canonical_uri(request.raw_path, PathCanonicalization::kDecodeThenEncode));
  // Both candidates are always compared in full; the result is combined without an early exit.
  bool matched = crypto::constant_time_equal(
      signature_over(secret_key, *sdk_date, assemble(request.method, python_uri, parts)), authorization.signature);
  CSMS_TRY_ASSIGN(const std::string npm_uri, canonical_uri(request.raw_path, PathCanonicalization::kEncodeAsSent));
  if (npm_uri != python_uri) {
    matched |= crypto::constant_time_equal(
        signature_over(secret_key, *sdk_date, assemble(request.method, npm_uri, parts)), authorization.signature);
  }
  if (!matched) return unauthenticated("the request signature does not match");
  return core::ok();
}

std::string sign_request(const SignedRequestView& request, std::string_view access_key, std::string_view secret_key,
                         const std::vector<std::string>& signed_headers) {
  const auto sdk_date = find_single_header(request.headers, kSdkDateHeader);
  if (!sdk_date || !*sdk_date) return {};
  const auto canonical = canonical_request(request, signed_headers, PathCanonicalization::kDecodeThenEncode);
  if (!canonical) return {};
  std::string signed_header_list;
  for (const std::string& name : signed_headers) {
    if (!signed_header_list.empty()) signed_header_list.push_back(';');
    signed_header_list.append(lower_ascii(name));
  }
  std::string value;
  value.append(kSdkAlgorithm)
      .append(" Access=")
      .append(access_key)
      .append(", SignedHeaders=")
      .append(signed_header_list)
      .append(", Signature=")
      .append(signature_over(secret_key, **sdk_date, *canonical));
  return value;
}

}  // namespace csms::auth
