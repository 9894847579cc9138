// exit_codes.hpp: THE table of csmsctl's exit statuses, one per kind of failure a script may want to tell apart.
#pragma once

#include "core/error.hpp"

#include <string>

namespace csms::ctl {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,      ///< anything else: a 409/5xx answer, a broken answer, a local file that cannot be written
  kExitBadInput = 2,     ///< a usage error, or the daemon's 400 (a name, value or field it refuses)
  kExitNotFound = 3,     ///< 404: no such secret, version or stage (or credential)
  kExitDenied = 4,       ///< 401 or 403: no or unknown credentials, or not allowed for this project or operation
  kExitUnreachable = 5,  ///< no answer: nothing listens where csmsctl looked, the connection broke, or the timeout
};

/// The exit status for an error from a command (see api_call.cpp and client.cpp for the Errc each case carries).
ExitCode exit_code_for(const core::Error& error);

/// The table as help text, for --help and the README.
std::string exit_status_help();

}  // namespace csms::ctl
