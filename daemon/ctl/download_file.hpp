// download_file.hpp: a streamed answer written into a new private file that appears at its name only when complete.
#pragma once

#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "ctl/client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::ctl {

/// Receives a body (Client::stream) into a file with no name yet, created 0600 in the directory of `path`, and
/// reports progress on stderr: a line each time another 5% (at least 1 MiB) has arrived. publish() gives it the
/// name `path` once everything has arrived, and never replaces a file that appeared there meanwhile. Until then
/// nothing is at `path`: a backup that breaks off or is killed leaves no truncated file behind. (Where the file
/// system cannot create unnamed files, a hidden temporary name is used and removed on every failure but a kill.)
class DownloadFile final : public BodySink {
 public:
  /// `what` names the transfer in progress lines ("backup"); `quiet` drops them.
  DownloadFile(std::string path, std::string what, bool quiet);
  ~DownloadFile() override;
  DownloadFile(const DownloadFile&) = delete;
  DownloadFile& operator=(const DownloadFile&) = delete;

  /// Creates the unnamed file; first, so that an unwritable directory fails before the daemon does any work.
  core::Status open();
  core::Status begin(std::optional<std::uint64_t> length) override;
  core::Status write(std::string_view bytes) override;
  /// Checks that the whole declared length arrived, flushes the file to disk and links it at `path`.
  core::Status publish();

  std::uint64_t received() const { return received_; }
  /// The first bytes received (up to 100, an SQLite header's size), to check what the answer is.
  std::string_view head() const { return head_; }

 private:
  void report(bool last);

  std::string path_;
  std::string what_;
  bool quiet_;
  core::UniqueFd file_;
  std::string temporary_name_;  // only when the file system has no unnamed files
  std::optional<std::uint64_t> length_;
  std::uint64_t received_ = 0;
  std::uint64_t next_report_ = 0;
  std::string head_;
};

}  // namespace csms::ctl
