// errors.cpp: the error table lookup and the error body.
#include "api/errors.hpp"

#include "core/wiping_json.hpp"

#include <boost/json/object.hpp>

namespace csms::api {

ErrorInfo error_info(core::Errc code) {
  switch (code) {
#define X(errc, status, csms_code, message) \
  case core::Errc::errc:                    \
    return ErrorInfo{status, csms_code, message};
#include "api/error_table.def"
#undef X
  }
  return ErrorInfo{500, "CSMS.0001", "An internal error occurred."};
}

namespace {

// Errors whose detail may describe internals (paths, SQLite messages); callers get a fixed text instead.
bool detail_is_internal(core::Errc code) {
  return code == core::Errc::kInternal || code == core::Errc::kUnavailable || code == core::Errc::kCryptoFailure ||
         code == core::Errc::kStorageFull;
}

std::string public_detail(const core::Error& error) {
  switch (error.code) {
    case core::Errc::kStorageFull: return "the vault's storage is full; writes fail until space is freed";
    case core::Errc::kUnavailable: return "the vault's storage is busy or read-only; retry later";
    case core::Errc::kCryptoFailure: return "a stored value could not be decrypted (see the daemon log)";
    case core::Errc::kInternal: return "see the daemon log";
    case core::Errc::kInvalidParameter:
    case core::Errc::kMalformedBody:
    case core::Errc::kInvalidRequest:
    case core::Errc::kHeaderTooLarge:
    case core::Errc::kPayloadTooLarge:
    case core::Errc::kUnauthenticated:
    case core::Errc::kForbidden:
    case core::Errc::kNotFound:
    case core::Errc::kAlreadyExists:
    case core::Errc::kEventAlreadyExists:
    case core::Errc::kSecretPendingDeletion:
    case core::Errc::kSecretNotEnabled:
    case core::Errc::kSecretAlreadyPendingDeletion:
    case core::Errc::kSecretNotPendingDeletion:
    case core::Errc::kSystemStageNotDeletable:
    case core::Errc::kStageLimitReached:
    case core::Errc::kStageListTooLong:
      return error.detail;
  }
  return error.detail;
}

// The detail may quote the request (its path, a header); those bytes need not be UTF-8, and JSON text must be. Each
// byte that does not start a well-formed sequence (RFC 3629: no overlong forms, surrogates or code points past
// U+10FFFF) becomes U+FFFD.
std::string well_formed_utf8(std::string_view text) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;  // the allowed range of the second byte
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    }
    bool ok = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      ok = k == 1 ? (byte >= low && byte <= high) : (byte >= 0x80 && byte <= 0xBF);
    }
    if (ok) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string error_message(const core::Error& error) {
  const std::string detail = detail_is_internal(error.code) ? public_detail(error) : error.detail;
  std::string message(error_info(error.code).message);
  if (!detail.empty()) message += " " + well_formed_utf8(detail);
  return message;
}

http::Response error_response(const core::Error& error, ErrorShape shape) {
  const ErrorInfo info = error_info(error.code);
  boost::json::object fields;
  fields["error_code"] = info.code;
  fields["error_msg"] = error_message(error);
  boost::json::value body;
  if (shape == ErrorShape::kNested) {
    boost::json::object wrapper;
    wrapper["error"] = std::move(fields);
    body = std::move(wrapper);
  } else {
    body = std::move(fields);
  }
  http::Response response;
  response.status = info.status;
  response.body = core::to_json_wiped(body);
  return response;
}

}  // namespace csms::api
