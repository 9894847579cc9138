// error.hpp: typed error values (Errc, Error) and Result<T>, the only way failures travel between layers.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace csms::core {

/// What went wrong, independent of transport. api/error_table.def maps every enumerator to an HTTP status and a
/// CSMS error code; there is deliberately no catch-all, so -Wswitch-enum finds a missing mapping.
enum class Errc {
  kInvalidParameter,              ///< a field or parameter fails its regex, range or enum
  kMalformedBody,                 ///< the body is not JSON, not an object, or a field has the wrong JSON type
  kInvalidRequest,                ///< unknown path or method, malformed HTTP
  kHeaderTooLarge,                ///< the header block exceeds the limit
  kPayloadTooLarge,               ///< the body exceeds the limit
  kUnauthenticated,               ///< no credentials, unknown credentials, or a signature that does not verify
  kForbidden,                     ///< a known caller outside its projects or role
  kNotFound,                      ///< secret, version or stage does not exist
  kAlreadyExists,                 ///< the secret name is taken in this project
  kEventAlreadyExists,            ///< the event name is taken in this project
  kSecretPendingDeletion,         ///< the secret is scheduled for deletion and the operation needs it usable
  kSecretNotEnabled,              ///< the secret is DISABLED or FROZEN
  kSecretAlreadyPendingDeletion,  ///< deletion is already scheduled
  kSecretNotPendingDeletion,      ///< cancelling a deletion that is not scheduled
  kSystemStageNotDeletable,       ///< SYSCURRENT and SYSPREVIOUS cannot be removed
  kStageLimitReached,             ///< the operation would leave more than 12 stages on the secret
  kStageListTooLong,              ///< a version_stages list longer than 12
  kBusy,                          ///< an operation that runs once at a time is already running (a vault backup)
  kUnavailable,                   ///< the database is busy or locked by another process
  kStorageFull,                   ///< the disk or the database size limit is reached
  kCryptoFailure,                 ///< sealing or opening a value failed (wrong key, tampered row)
  kInternal,                      ///< anything else; the detail goes to the log, not to the caller
};

/// Stable, human-readable name of an Errc, for logs and tests.
std::string_view errc_name(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  /// Safe to show to the caller: never contains a secret value or key material.
  std::string detail;
};

inline Error make_error(Errc code, std::string detail) { return Error{code, std::move(detail)}; }

/// boost::system::result calls this (found by ADL) when value() is used on an error; it throws ErrorException.
[[noreturn]] void throw_exception_from_error(Error const& error, boost::source_location const& location);

/// The exception form of Error, for the few places that must cross an exception boundary.
class ErrorException : public std::exception {
 public:
  explicit ErrorException(Error error) : error_(std::move(error)) {}
  const char* what() const noexcept override { return error_.detail.c_str(); }
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

template <class T>
using Result = boost::system::result<T, Error>;

using Status = Result<void>;

inline Status ok() { return {}; }

}  // namespace csms::core

#define CSMS_CONCAT_INNER(a, b) a##b
#define CSMS_CONCAT(a, b) CSMS_CONCAT_INNER(a, b)

/// Returns the error of `expr` (a Result) from the enclosing function, which must return a Result.
#define CSMS_TRY(expr)                                          \
  do {                                                          \
    auto&& csms_try_result_ = (expr);                           \
    if (!csms_try_result_) return std::move(csms_try_result_).error(); \
  } while (false)

/// Declares `decl` from the value of `expr` (a Result), or returns its error from the enclosing function.
#define CSMS_TRY_ASSIGN(decl, expr)                                              \
  auto CSMS_CONCAT(csms_try_value_, __LINE__) = (expr);                          \
  if (!CSMS_CONCAT(csms_try_value_, __LINE__))                                   \
    return std::move(CSMS_CONCAT(csms_try_value_, __LINE__)).error();            \
  decl = std::move(*CSMS_CONCAT(csms_try_value_, __LINE__))
