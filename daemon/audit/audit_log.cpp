// audit_log.cpp: JSON-lines serialisation of audit records and the append-only file behind them.
#include "audit/audit_log.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace csms::audit {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = core::utf8::sequence_length(text, at);
    if (length == 0) {
      out += kReplacement;
      ++at;
      continue;
    }
    if (length > 1) {
      out.append(text, at, length);
      at += length;
      continue;
    }
    const char c = text[at++];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        // DEL is legal JSON but escaped anyway, like the C0 controls, so terminals viewing the file stay sane.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

class JsonObject {
 public:
  void string(std::string_view key, std::string_view value) {
    if (value.empty()) return;
    open_member(key);
    append_json_string(out_, value);
  }
  void number(std::string_view key, long long value) {
    open_member(key);
    out_ += std::to_string(value);
  }
  std::string finish() && {
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  void open_member(std::string_view key) {
    out_ += out_.size() == 1 ? "\"" : ",\"";
    out_ += key;  // keys are the literals below, nothing to escape
    out_ += "\":";
  }
  std::string out_ = "{";
};

core::Error io_error(const std::filesystem::path& file, std::string_view what, int error_number) {
  const bool full = error_number == ENOSPC || error_number == EDQUOT;
  return core::make_error(full ? core::Errc::kStorageFull : core::Errc::kInternal,
                          "audit log " + file.string() + ": " + std::string(what) + ": " + std::strerror(error_number));
}

core::Result<int> open_append(const std::filesystem::path& file) {
  // O_NOFOLLOW: whoever can plant a symlink in the log directory must not be able to aim our appends elsewhere.
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_error(file, "cannot open", errno);
  // The trail names callers and secrets: a file someone else can read (left by another tool or a copy) is
  // narrowed to its owner rather than written as it is.
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0 &&
      ::fchmod(fd, 0600) != 0) {
    const int error_number = errno;
    ::close(fd);
    return io_error(file, "cannot make private (chmod 600)", error_number);
  }
  return fd;
}

bool same_file(int first, int second) {
  struct stat a {};
  struct stat b {};
  return ::fstat(first, &a) == 0 && ::fstat(second, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

std::string format_rfc3339_millis(core::EpochMillis time) {
  using namespace std::chrono;
  const sys_time<milliseconds> point{milliseconds(time)};
  const sys_days day = floor<days>(point);
  const year_month_day date(day);
  const hh_mm_ss clock(point - day);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

std::string to_json_line(const AuditRecord& record) {
  JsonObject json;
  json.string("time", format_rfc3339_millis(record.time));
  json.string("request_id", record.request_id);
  json.string("caller_kind", record.caller_kind);
  json.string("caller_id", record.caller_id);
  if (record.uid) json.number("uid", *record.uid);
  if (record.pid) json.number("pid", *record.pid);
  json.string("transport", record.transport);
  json.string("remote", record.remote);
  json.string("method", record.method);
  json.string("operation", record.operation);
  json.string("project_id", record.project_id);
  json.string("secret_name", record.secret_name);
  json.string("version_id", record.version_id);
  json.string("stage_name", record.stage_name);
  if (record.status != 0) json.number("status", record.status);
  json.string("error_code", record.error_code);
  return std::move(json).finish();
}

core::Result<std::unique_ptr<AuditLog>> AuditLog::open(std::filesystem::path file) {
  CSMS_TRY_ASSIGN(const int fd, open_append(file));
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(file), fd));
}

AuditLog::~AuditLog() { ::close(fd_); }

core::Status AuditLog::write(const AuditRecord& record, std::size_t reserved) {
  std::string line = to_json_line(record);
  const std::lock_guard lock(mutex_);
  outstanding_ -= std::min(outstanding_, reserved);
  if (partial_line_) line.insert(line.begin(), '\n');
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t put = ::write(fd_, line.data() + written, line.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) {
      const int error_number = errno;
      if (written > 0) partial_line_ = true;
      return io_error(path_, "cannot append", error_number);
    }
    // A zero-byte write of a non-empty buffer would spin forever; report it as the disk being full.
    if (put == 0) {
      if (written > 0) partial_line_ = true;
      return io_error(path_, "cannot append", ENOSPC);
    }
    written += static_cast<std::size_t>(put);
    appended_since_reserve_ += static_cast<std::size_t>(put);
  }
  partial_line_ = false;
  return core::ok();
}

core::Status AuditLog::reserve(std::size_t bytes) {
  const std::lock_guard lock(mutex_);
  // Space is reserved a window at a time: while the window still covers what was appended since, what other
  // requests have reserved and not yet written, and this request, no system call is needed (an fstat and an
  // fallocate per request cost more than the rest of a cached read).
  if (appended_since_reserve_ + outstanding_ + bytes <= reserved_ahead_) {
    outstanding_ += bytes;
    return core::ok();
  }
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return io_error(path_, "cannot stat", errno);
  if (!S_ISREG(info.st_mode)) return core::ok();
  const std::size_t window = std::max(outstanding_ + bytes, kReserveWindowBytes);
  if (::fallocate(fd_, FALLOC_FL_KEEP_SIZE, info.st_size, static_cast<off_t>(window)) == 0) {
    reserved_ahead_ = window;
    appended_since_reserve_ = 0;
    outstanding_ += bytes;
    return core::ok();
  }
  reserved_ahead_ = 0;
  if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINTR) return core::ok();
  return io_error(path_, "cannot reserve space in", errno);
}

core::Status AuditLog::reopen() { return reopen_at(path()); }

std::filesystem::path AuditLog::path() const {
  const std::lock_guard lock(mutex_);
  return path_;
}

core::Status AuditLog::reopen_at(const std::filesystem::path& file) {
  CSMS_TRY_ASSIGN(const int fd, open_append(file));
  const std::lock_guard lock(mutex_);
  path_ = file;
  // A fresh file has no fragment to step over; only when logrotate left the file in place does the flag carry on.
  if (!same_file(fd, fd_)) partial_line_ = false;
  ::close(fd_);
  fd_ = fd;
  reserved_ahead_ = 0;  // the new file has no window yet; the next reserve makes one for all outstanding requests
  return core::ok();
}

}  // namespace csms::audit
