// backup_commands.cpp: `backup FILE` (an online copy through the daemon, streamed to disk) and `restore-backup FILE --data-dir DIR`.
#include "app/options.hpp"
#include "app/vault.hpp"
#include "crypto/sealer.hpp"
#include "ctl/api_call.hpp"
#include "ctl/args.hpp"
#include "ctl/commands.hpp"
#include "ctl/download_file.hpp"
#include "ctl/json_text.hpp"
#include "domain/key_rotation.hpp"
#include "domain/master_key_check.hpp"
#include "store/sqlite/backup.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace csms::ctl {
namespace {

constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

// SQLite's page size from the file header (bytes 16-17, big-endian; 1 means 65536).
std::size_t page_size_of(std::string_view header) {
  if (header.size() < 18) return 4096;
  const std::size_t size = (std::size_t(std::uint8_t(header[16])) << 8) | std::uint8_t(header[17]);
  return size == 1 ? 65536 : size == 0 ? 4096 : size;
}

// Progress on stderr at most about once a second, and always for the last step.
class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)) {}
  void report(std::int64_t done, std::int64_t total, bool last) {
    const auto now = std::chrono::steady_clock::now();
    if (done == printed_) return;
    if (!last && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    printed_ = done;
    std::fprintf(stderr, "csmsctl: %s: %lld of %lld\n", what_.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total));
  }

 private:
  std::string what_;
  std::chrono::steady_clock::time_point last_{};
  std::int64_t printed_ = -1;
};

core::Error io_error(const std::string& what) {
  const int saved = errno;
  return core::make_error(core::Errc::kInternal, what + ": " + std::strerror(saved));
}

// NEWDIR must be new: absent, or an empty directory, so a restore never mixes with or replaces a vault.
core::Status check_new_data_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(dir, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) return core::ok();
  if (status.type() != std::filesystem::file_type::directory) {
    return usage_error("restore-backup: " + dir.string() + " exists and is not a directory");
  }
  if (!std::filesystem::is_empty(dir, ec) || ec) {
    return usage_error("restore-backup: " + dir.string() + " is not empty; restore into a new data directory");
  }
  return core::ok();
}

// A plain copy of the backup file into the new directory, page by page with progress: the backup is a complete,
// self-contained database (no WAL), and opening it in place with SQLite could leave -wal/-shm files beside it.
core::Status copy_backup_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return io_error("restore-backup: cannot open " + from.string());
  char header[100] = {};
  const ssize_t got = ::pread(in, header, sizeof(header), 0);
  if (got < static_cast<ssize_t>(kSqliteMagic.size()) || std::string_view(header, kSqliteMagic.size()) != kSqliteMagic) {
    ::close(in);
    return usage_error("restore-backup: " + from.string() + " is not a csmsd backup (no SQLite header)");
  }
  const std::size_t page = page_size_of(std::string_view(header, static_cast<std::size_t>(got)));
  const off_t size = ::lseek(in, 0, SEEK_END);
  ::lseek(in, 0, SEEK_SET);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    ::close(in);
    return io_error("restore-backup: cannot create " + to.string());
  }
  Progress progress("restore-backup: pages copied");
  const std::int64_t total = static_cast<std::int64_t>((static_cast<std::size_t>(size) + page - 1) / page);
  std::vector<char> buffer(page * 64);
  std::int64_t copied = 0;
  core::Status status = core::ok();
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = io_error("restore-backup: cannot read " + from.string());
      break;
    }
    if (n == 0) break;
    for (ssize_t written = 0; written < n;) {
      const ssize_t w = ::write(out, buffer.data() + written, static_cast<std::size_t>(n - written));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        status = io_error("restore-backup: cannot write " + to.string());
        break;
      }
      written += w;
    }
    if (!status) break;
    copied += static_cast<std::int64_t>((static_cast<std::size_t>(n) + page - 1) / page);
    progress.report(std::min(copied, total), total, false);
  }
  if (status && ::fsync(out) != 0) status = io_error("restore-backup: cannot write " + to.string());
  ::close(out);
  ::close(in);
  if (status) progress.report(total, total, true);
  return status;
}

// Opens every sealed value and credential key with the master key: a backup that restores but cannot be read is
// caught now, not when a client asks for a value.
core::Status verify_values(const std::filesystem::path& data_dir, const app::MasterKeySpec& key) {
  // The SQLite file just restored (the default store): a backup is a SQLite file, so restore-backup is SQLite-only.
  CSMS_TRY_ASSIGN(app::OpenVault vault, app::open_vault(data_dir, key, core::system_now(), app::StoreSpec{}));
  const crypto::Sealer sealer(*vault.keyring);
  CSMS_TRY(domain::verify_master_key(*vault.store, sealer, core::system_now()));
  CSMS_TRY_ASSIGN(auto txn, vault.store->begin(store::TransactionMode::kRead));
  constexpr std::size_t kAll = std::numeric_limits<std::int32_t>::max();
  // Key id 0 is never issued, so "sealed with another key than 0" lists every row.
  CSMS_TRY_ASSIGN(const auto versions, txn->list_versions_sealed_with_other_keys(0, kAll));
  CSMS_TRY_ASSIGN(const auto credentials, txn->list_credentials_sealed_with_other_keys(0, kAll));
  const auto total = static_cast<std::int64_t>(versions.size() + credentials.size());
  Progress progress("restore-backup: rows verified");
  std::int64_t done = 0;
  for (const core::SealedVersionRef& row : versions) {
    auto plain = sealer.open(row.value, crypto::ValueBinding{row.project_id, row.secret_id, row.number});
    if (!plain) {
      return core::make_error(core::Errc::kCryptoFailure, "restore-backup: version v" + std::to_string(row.number) +
                                                              " of secret " + row.secret_id +
                                                              " does not open with this master key: " +
                                                              plain.error().detail);
    }
    progress.report(++done, total, false);
  }
  for (const core::SealedCredentialRef& row : credentials) {
    auto plain = sealer.open(row.value, domain::credential_binding(row.credential_id));
    if (!plain) {
      return core::make_error(core::Errc::kCryptoFailure, "restore-backup: the secret key of credential " +
                                                              row.credential_id +
                                                              " does not open with this master key: " +
                                                              plain.error().detail);
    }
    progress.report(++done, total, false);
  }
  progress.report(done, total, true);
  std::fprintf(stderr, "csmsctl: restore-backup: %zu versions and %zu credential keys open with the master key\n",
               versions.size(), credentials.size());
  return core::ok();
}

// Undoes a failed restore, so the directory is new again for the next attempt.
void remove_restored_files(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const char* name : {"csmsd.db", "csmsd.db-wal", "csmsd.db-shm", "csmsd.db-journal", "csmsd.lock"}) {
    std::filesystem::remove(dir / name, ec);
  }
}

}  // namespace

core::Status backup(const Client& client, CommandArgs args) {
  constexpr std::array kFlags = {FlagSpec{"--quiet", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "backup"));
  if (parsed.positionals.size() != 1) return usage_error("backup: expected exactly one FILE to create");
  const std::string& file = parsed.positionals[0];
  // Refuse an existing file, or a directory that cannot take one, before the daemon does any work.
  if (std::error_code ec; std::filesystem::exists(std::filesystem::symlink_status(file, ec))) {
    return usage_error("backup: " + file + " already exists; csmsctl does not overwrite files");
  }
  DownloadFile download(file, "backup", parsed.has("--quiet"));
  CSMS_TRY(download.open());
  // The daemon copies the whole vault before it answers: the wait for the answer's head is the copy's.
  if (!parsed.has("--quiet")) std::fputs("csmsctl: backup: the daemon is copying the vault\n", stderr);
  CSMS_TRY_ASSIGN(const Answer answer, client.stream("POST", "/v1/csmsd/backup", download));
  CSMS_TRY(check_status(answer));
  if (!download.head().starts_with(kSqliteMagic)) {
    return core::make_error(core::Errc::kInternal, "the daemon's backup answer is not an SQLite database");
  }
  CSMS_TRY(download.publish());
  const std::uint64_t bytes = download.received();
  const std::uint64_t pages = bytes / page_size_of(download.head());
  std::fprintf(stderr,
               "csmsctl: backup: %llu pages (%llu bytes) written to %s\n"
               "csmsctl: the values in it stay sealed; the master key is NOT in it: back the key up separately\n",
               static_cast<unsigned long long>(pages), static_cast<unsigned long long>(bytes), file.c_str());
  return core::ok();
}

core::Status restore_backup(const Client&, CommandArgs args) {
  constexpr std::array kFlags = {FlagSpec{"--data-dir", true}, FlagSpec{"--master-key", true}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "restore-backup"));
  if (parsed.positionals.size() != 1) return usage_error("restore-backup: expected exactly one backup FILE");
  const std::optional<std::string> dir_text = parsed.value("--data-dir");
  if (!dir_text || dir_text->empty()) return usage_error("restore-backup: --data-dir NEWDIR is required");
  const std::optional<std::string> key_text = parsed.value("--master-key");
  if (!key_text) {
    return usage_error("restore-backup: --master-key SPEC is required (as for csmsd, e.g. file:/path/master.key): "
                       "the key is not in the backup");
  }
  app::MasterKeySpec key;
  if (std::string error; !app::parse_master_key(*key_text, key, error)) {
    return usage_error("restore-backup: --master-key: " + error);
  }
  const std::filesystem::path dir = std::filesystem::absolute(*dir_text);
  CSMS_TRY(check_new_data_dir(dir));
  CSMS_TRY(app::ensure_private_directory(dir));

  core::Status status = copy_backup_file(parsed.positionals[0], dir / app::kDatabaseFile);
  if (status) status = store::sqlite::check_integrity(dir / app::kDatabaseFile);
  if (status) std::fputs("csmsctl: restore-backup: PRAGMA integrity_check: ok\n", stderr);
  if (status) status = verify_values(dir, key);
  if (!status) {
    remove_restored_files(dir);
    return status;
  }
  return write_stdout("restored " + parsed.positionals[0] + " into " + dir.string() + "; start it with: csmsd " +
                      "--data-dir " + dir.string() + " --master-key " + *key_text + "\n");
}

}  // namespace csms::ctl
