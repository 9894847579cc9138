// audit_log.hpp: the audit trail: one JSON object per request, appended to a private file that logrotate can move.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace csms::audit {

/// Who asked for what, and how it ended. There is deliberately no field for a secret value, key, token or
/// signature: nothing that authenticates or decrypts can reach the audit file. Empty strings and absent optionals
/// are left out of the JSON line, as is a status of 0.
struct AuditRecord {
  core::EpochMillis time = 0;
  std::string request_id;
  std::string caller_kind;  ///< "access_key" | "token" | "unix_peer" | "anonymous"
  std::string caller_id;    ///< access key id, token id, or empty
  std::optional<std::uint32_t> uid;
  std::optional<std::int32_t> pid;
  std::string transport;    ///< "unix" | "tcp" | "tls"
  std::string remote;
  std::string method;
  std::string operation;
  std::string project_id;
  std::string secret_name;
  std::string version_id;
  std::string stage_name;
  unsigned status = 0;
  std::string error_code;
};

/// The record as one compact JSON object followed by '\n'. Invalid UTF-8 becomes U+FFFD and control characters
/// are escaped, so a hostile field can neither break the line nor forge a second record.
std::string to_json_line(const AuditRecord& record);

/// "2026-11-29T17:10:51.123Z".
std::string format_rfc3339_millis(core::EpochMillis time);

/// An append-only audit file. Every failure is returned, never swallowed: the caller fails the request closed
/// rather than serve it unaudited. Safe to use from several threads.
class AuditLog {
 public:
  /// Opens (creating with mode 0600) the file for appending; refuses a symlink at the path.
  static core::Result<std::unique_ptr<AuditLog>> open(std::filesystem::path file);

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  ~AuditLog();

  /// Appends one line with a single write(2) (continued after a short write). After a failure the next call tries
  /// again, so a transient ENOSPC does not end auditing.
  /// `reserved` is what reserve() set aside for this record (0 when it reserved nothing); it is released here.
  core::Status write(const AuditRecord& record, std::size_t reserved = 0);

  /// Makes sure the next `bytes` can be appended without running out of space (fallocate beyond the end of the
  /// file, keeping its size), so a request can be refused before it runs rather than after. Reserves a window of
  /// at least kReserveWindowBytes and only calls fallocate again once appends and the reservations of requests
  /// still running (released by write) no longer fit in it. Files that cannot
  /// reserve (devices, filesystems without fallocate) succeed here and report failures on write.
  core::Status reserve(std::size_t bytes);

  /// Opens the path again (after logrotate moved the file away) and switches to it only when that succeeded;
  /// on failure the error is returned and records keep going to the old file.
  core::Status reopen();

  /// Like reopen, but switches to another file (a reloaded --audit-log); on failure the old file stays in use.
  core::Status reopen_at(const std::filesystem::path& file);

  /// A copy: a reload may switch the file while requests log its name.
  std::filesystem::path path() const;

  static constexpr std::size_t kReserveWindowBytes = 4 << 20;

 private:
  AuditLog(std::filesystem::path file, int fd) : path_(std::move(file)), fd_(fd) {}

  std::filesystem::path path_;  // guarded by mutex_ once the log is shared
  mutable std::mutex mutex_;
  int fd_;
  // A failed write may have left part of a line behind; the next record then starts on a fresh line so that
  // the fragment cannot corrupt it.
  bool partial_line_ = false;
  // The reserved window: its size, and how much of it appends have used since it was reserved.
  std::size_t reserved_ahead_ = 0;
  std::size_t appended_since_reserve_ = 0;
  std::size_t outstanding_ = 0;  // reserved by requests that have not written their record yet
};

}  // namespace csms::audit
