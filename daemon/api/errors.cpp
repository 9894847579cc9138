// errors.cpp: the error table lookup and the error body.
#include "api/errors.hpp"

#include "core/utf8.hpp"
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
    case core::Errc::kBusy:
      return error.detail;
  }
  return error.detail;
}

}  // namespace

std::string error_message(const core::Error& error) {
  const std::string detail = detail_is_internal(error.code) ? public_detail(error) : error.detail;
  std::string message(error_info(error.code).message);
  // The detail may quote the request (its path, a header); those bytes need not be UTF-8, and JSON text must be.
  if (!detail.empty()) message += " " + core::utf8::with_replacements(detail);
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
