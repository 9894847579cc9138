// error.cpp: names of error codes and the exception bridge used by Result::value().
#include "core/error.hpp"

namespace csms::core {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::kInvalidParameter: return "invalid_parameter";
    case Errc::kMalformedBody: return "malformed_body";
    case Errc::kInvalidRequest: return "invalid_request";
    case Errc::kHeaderTooLarge: return "header_too_large";
    case Errc::kPayloadTooLarge: return "payload_too_large";
    case Errc::kUnauthenticated: return "unauthenticated";
    case Errc::kForbidden: return "forbidden";
    case Errc::kNotFound: return "not_found";
    case Errc::kAlreadyExists: return "already_exists";
    case Errc::kEventAlreadyExists: return "event_already_exists";
    case Errc::kSecretPendingDeletion: return "secret_pending_deletion";
    case Errc::kSecretNotEnabled: return "secret_not_enabled";
    case Errc::kSecretAlreadyPendingDeletion: return "secret_already_pending_deletion";
    case Errc::kSecretNotPendingDeletion: return "secret_not_pending_deletion";
    case Errc::kSystemStageNotDeletable: return "system_stage_not_deletable";
    case Errc::kStageLimitReached: return "stage_limit_reached";
    case Errc::kStageListTooLong: return "stage_list_too_long";
    case Errc::kBusy: return "busy";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kStorageFull: return "storage_full";
    case Errc::kCryptoFailure: return "crypto_failure";
    case Errc::kInternal: return "internal";
  }
  return "unknown";
}

void throw_exception_from_error(Error const& error, boost::source_location const&) { throw ErrorException(error); }

}  // namespace csms::core
