// download_file.cpp: an unnamed 0600 file (O_TMPFILE) filled as an answer streams in, linked at its name at the end.
#include "ctl/download_file.hpp"

#include "ctl/args.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

namespace csms::ctl {
namespace {

constexpr std::uint64_t kMinReportStep = 1024 * 1024;
constexpr std::size_t kHeadBytes = 100;

core::Error io_error(const std::string& what) {
  const int saved = errno;
  return core::make_error(core::Errc::kInternal, what + ": " + std::strerror(saved));
}

std::string directory_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

DownloadFile::DownloadFile(std::string path, std::string what, bool quiet)
    : path_(std::move(path)), what_(std::move(what)), quiet_(quiet) {}

DownloadFile::~DownloadFile() {
  if (!temporary_name_.empty()) ::unlink(temporary_name_.c_str());
}

core::Status DownloadFile::open() {
  const std::string directory = directory_of(path_);
  file_.reset(::open(directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
  if (file_) return core::ok();
  // Not every file system has unnamed files (EOPNOTSUPP, or EISDIR from kernels that do not know the flag).
  if (errno != EOPNOTSUPP && errno != EISDIR) return io_error("cannot create a file in " + directory);
  std::string pattern = directory + "/." + std::filesystem::path(path_).filename().string() + ".partial-XXXXXX";
  file_.reset(::mkstemp(pattern.data()));  // mode 0600
  if (!file_) return io_error("cannot create a file in " + directory);
  temporary_name_ = pattern;
  return core::ok();
}

core::Status DownloadFile::begin(std::optional<std::uint64_t> length) {
  length_ = length;
  report(false);
  return core::ok();
}

core::Status DownloadFile::write(std::string_view bytes) {
  if (head_.size() < kHeadBytes) head_.append(bytes.substr(0, kHeadBytes - head_.size()));
  while (!bytes.empty()) {
    const ssize_t n = ::write(file_.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot write the " + what_ + " for " + path_);
    bytes.remove_prefix(static_cast<std::size_t>(n));
    received_ += static_cast<std::uint64_t>(n);
  }
  report(false);
  return core::ok();
}

core::Status DownloadFile::publish() {
  if (length_ && received_ != *length_) {
    return core::make_error(core::Errc::kUnavailable, "the " + what_ + " broke off after " +
                                                          std::to_string(received_) + " of " +
                                                          std::to_string(*length_) + " bytes");
  }
  if (::fsync(file_.get()) != 0) return io_error("cannot write the " + what_ + " for " + path_);
  // link, unlike rename, fails when `path` exists: a file that appeared meanwhile is never replaced.
  int linked = 0;
  if (temporary_name_.empty()) {
    const std::string self = "/proc/self/fd/" + std::to_string(file_.get());
    linked = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path_.c_str(), AT_SYMLINK_FOLLOW);
  } else {
    linked = ::link(temporary_name_.c_str(), path_.c_str());
  }
  if (linked != 0) {
    if (errno == EEXIST) return usage_error(path_ + " already exists; csmsctl does not overwrite files");
    return io_error("cannot create " + path_);
  }
  if (!temporary_name_.empty()) {
    ::unlink(temporary_name_.c_str());
    temporary_name_.clear();
  }
  // The new name is durable only once its directory is.
  if (const int directory = ::open(directory_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
  report(true);
  return core::ok();
}

void DownloadFile::report(bool last) {
  if (quiet_) return;
  if (!last && received_ < next_report_) return;
  const std::uint64_t step = std::max(kMinReportStep, length_.value_or(0) / 20);
  next_report_ = (received_ / step + 1) * step;
  if (length_ && *length_ > 0) {
    std::fprintf(stderr, "csmsctl: %s: %llu of %llu bytes (%llu%%)%s\n", what_.c_str(),
                 static_cast<unsigned long long>(received_), static_cast<unsigned long long>(*length_),
                 static_cast<unsigned long long>(received_ * 100 / *length_), last ? ", done" : "");
  } else {
    std::fprintf(stderr, "csmsctl: %s: %llu bytes%s\n", what_.c_str(), static_cast<unsigned long long>(received_),
                 last ? ", done" : "");
  }
}

}  // namespace csms::ctl
