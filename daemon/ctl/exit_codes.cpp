// exit_codes.cpp: Errc to exit status; the help text is written beside the mapping so the two cannot drift apart.
#include "ctl/exit_codes.hpp"

namespace csms::ctl {

ExitCode exit_code_for(const core::Error& error) {
  switch (error.code) {
    // kInvalidParameter is a usage error of csmsctl itself; kInvalidRequest and kMalformedBody are the daemon's 400.
    case core::Errc::kInvalidParameter:
    case core::Errc::kInvalidRequest:
    case core::Errc::kMalformedBody: return kExitBadInput;
    case core::Errc::kNotFound: return kExitNotFound;
    case core::Errc::kUnauthenticated:
    case core::Errc::kForbidden: return kExitDenied;
    case core::Errc::kUnavailable: return kExitUnreachable;
    case core::Errc::kHeaderTooLarge:
    case core::Errc::kPayloadTooLarge:
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
    case core::Errc::kStorageFull:
    case core::Errc::kCryptoFailure:
    case core::Errc::kInternal: return kExitFailure;
  }
  return kExitFailure;
}

std::string exit_status_help() {
  return "Exit status:\n"
         "  0  done\n"
         "  1  any other failure (the daemon answered 409 or 5xx, a local file could not be read or written)\n"
         "  2  bad input: a usage error, or the daemon refused a name, value or field (400)\n"
         "  3  not found: no such secret, version, stage or credential (404)\n"
         "  4  denied: missing or unknown credentials (401) or not allowed (403)\n"
         "  5  the daemon could not be reached, or gave no answer within --timeout\n";
}

}  // namespace csms::ctl
