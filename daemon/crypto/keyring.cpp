// keyring.cpp: key file reading and creation with strict permissions.
#include "crypto/keyring.hpp"

#include "crypto/aead.hpp"
#include "crypto/locked_memory.hpp"
#include "crypto/random.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace csms::crypto {
namespace {

constexpr std::array<std::uint8_t, 4> kMagic{'C', 'S', 'M', 'K'};
constexpr std::uint8_t kFormat = 1;
constexpr std::size_t kFileBytes = kMagic.size() + 1 + 4 + kKeyBytes;

core::Error key_error(const std::filesystem::path& file, std::string what) {
  return core::make_error(core::Errc::kCryptoFailure, "master key file " + file.string() + ": " + what);
}

std::string errno_text() { return std::strerror(errno); }

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

core::Result<Keyring> Keyring::load(const std::filesystem::path& key_file) {
  FileDescriptor fd(::open(key_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) return core::make_error(core::Errc::kNotFound, "master key file " + key_file.string() + " does not exist");
    return key_error(key_file, "cannot open: " + errno_text());
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return key_error(key_file, "cannot stat: " + errno_text());
  if (!S_ISREG(info.st_mode)) return key_error(key_file, "is not a regular file");
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return key_error(key_file, "is accessible by group or others; run: chmod 600 " + key_file.string());
  }
  core::SecureBuffer content(kFileBytes + 1);
  std::size_t total = 0;
  while (total < content.size()) {
    const ssize_t got = ::read(fd.get(), content.data() + total, content.size() - total);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return key_error(key_file, "cannot read: " + errno_text());
    if (got == 0) break;
    total += static_cast<std::size_t>(got);
  }
  if (total != kFileBytes || !std::equal(kMagic.begin(), kMagic.end(), content.data()) ||
      content.data()[kMagic.size()] != kFormat) {
    return key_error(key_file, "is not a csmsd master key file (wrong size or header)");
  }
  const std::uint8_t* id_bytes = content.data() + kMagic.size() + 1;
  const std::uint32_t key_id = (std::uint32_t{id_bytes[0]} << 24) | (std::uint32_t{id_bytes[1]} << 16) |
                               (std::uint32_t{id_bytes[2]} << 8) | std::uint32_t{id_bytes[3]};
  if (key_id == 0) return key_error(key_file, "has key id 0, which is reserved");
  return from_key(key_id, core::SecureBuffer(id_bytes + 4, kKeyBytes));
}

core::Result<Keyring> Keyring::create(const std::filesystem::path& key_file) {
  FileDescriptor fd(::open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return key_error(key_file, "cannot create: " + errno_text());
  constexpr std::uint32_t kFirstKeyId = 1;
  core::SecureBuffer content(kFileBytes);
  std::copy(kMagic.begin(), kMagic.end(), content.data());
  content.data()[kMagic.size()] = kFormat;
  std::uint8_t* id_bytes = content.data() + kMagic.size() + 1;
  id_bytes[0] = 0;
  id_bytes[1] = 0;
  id_bytes[2] = 0;
  id_bytes[3] = kFirstKeyId;
  random_bytes(std::span<std::uint8_t>(id_bytes + 4, kKeyBytes));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t put = ::write(fd.get(), content.data() + written, content.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) {
      (void)::unlink(key_file.c_str());
      return key_error(key_file, "cannot write: " + errno_text());
    }
    written += static_cast<std::size_t>(put);
  }
  // The key must be durable before anything is sealed with it, or a crash could leave sealed rows without a key.
  if (::fsync(fd.get()) != 0) return key_error(key_file, "cannot fsync: " + errno_text());
  const auto directory = key_file.parent_path().empty() ? std::filesystem::path(".") : key_file.parent_path();
  FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) (void)::fsync(dir.get());
  return from_key(kFirstKeyId, core::SecureBuffer(id_bytes + 4, kKeyBytes));
}

Keyring::Keyring(Keyring&& other) noexcept
    : keys_(std::move(other.keys_)), retired_(std::move(other.retired_)),
      current_key_id_(other.current_key_id_.exchange(0)) {}

Keyring& Keyring::operator=(Keyring&& other) noexcept {
  keys_ = std::move(other.keys_);
  retired_ = std::move(other.retired_);
  current_key_id_ = other.current_key_id_.exchange(0);
  return *this;
}

Keyring Keyring::from_key(std::uint32_t key_id, core::SecureBuffer key) {
  Keyring ring;
  ring.add_key(key_id, std::move(key));
  ring.current_key_id_ = key_id;
  return ring;
}

void Keyring::add_key(std::uint32_t key_id, core::SecureBuffer key) {
  // Best effort, for when mlockall was not possible. Moving a SecureBuffer keeps its heap block, and keys are never
  // resized, so the locked pages stay the ones holding the key.
  (void)lock_pages(key.data(), key.size());
  auto held = std::make_shared<const core::SecureBuffer>(std::move(key));
  const std::unique_lock lock(mutex_);
  keys_.insert_or_assign(key_id, std::move(held));
}

bool Keyring::make_current(std::uint32_t key_id) {
  const std::unique_lock lock(mutex_);
  if (keys_.find(key_id) == keys_.end()) return false;
  current_key_id_ = key_id;
  return true;
}

void Keyring::remove_key(std::uint32_t key_id) {
  const std::unique_lock lock(mutex_);
  if (key_id != current_key_id_) keys_.erase(key_id);
}

void Keyring::retire_key(std::uint32_t key_id) {
  const std::unique_lock lock(mutex_);
  if (key_id == current_key_id_) return;
  const auto found = keys_.find(key_id);
  if (found == keys_.end()) return;
  retired_.insert_or_assign(key_id, std::move(found->second));
  keys_.erase(found);
}

std::vector<std::uint32_t> Keyring::key_ids() const {
  const std::shared_lock lock(mutex_);
  std::vector<std::uint32_t> ids;
  for (const auto& [id, key] : keys_) ids.push_back(id);
  return ids;
}

namespace {
// Set while this thread runs the miss handler, whose own lookups must not call it again.
thread_local bool t_in_miss_handler = false;
}  // namespace

HeldKey Keyring::key(std::uint32_t key_id) const {
  const auto lookup = [&]() -> HeldKey {
    const std::shared_lock lock(mutex_);
    if (const auto found = keys_.find(key_id); found != keys_.end()) return HeldKey(found->second);
    if (const auto retired = retired_.find(key_id); retired != retired_.end()) return HeldKey(retired->second);
    return {};
  };
  HeldKey held = lookup();
  if (!held.empty() || t_in_miss_handler) return held;
  std::function<void()> handler;
  {
    const std::lock_guard lock(miss_handler_mutex_);
    handler = miss_handler_;
  }
  if (!handler) return held;
  t_in_miss_handler = true;
  try {
    handler();
  } catch (...) {
    // A failed refresh leaves the key unknown; the caller reports that.
  }
  t_in_miss_handler = false;
  return lookup();
}

bool Keyring::holds(std::uint32_t key_id) const {
  const std::shared_lock lock(mutex_);
  return keys_.count(key_id) != 0 || retired_.count(key_id) != 0;
}

void Keyring::set_miss_handler(std::function<void()> handler) {
  const std::lock_guard lock(miss_handler_mutex_);
  miss_handler_ = std::move(handler);
}

std::pair<std::uint32_t, HeldKey> Keyring::current() const {
  const std::shared_lock lock(mutex_);
  const std::uint32_t id = current_key_id_;
  const auto found = keys_.find(id);
  return {id, found == keys_.end() ? HeldKey() : HeldKey(found->second)};
}

}  // namespace csms::crypto
