// key_source.cpp: the three sources of the key-encryption key.
#include "app/key_source.hpp"

#include "app/vault.hpp"
#include "crypto/aead.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/keyring.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

namespace csms::app {
namespace {

constexpr std::size_t kMaxPassphrase = 4096;

core::Error key_error(std::string detail) { return core::make_error(core::Errc::kCryptoFailure, std::move(detail)); }

KeyEncryptionKey from_keyring(const crypto::Keyring& keyring, std::string source) {
  KeyEncryptionKey kek;
  const auto bytes = keyring.key(keyring.current_key_id());
  kek.key = core::SecureBuffer(bytes.data(), bytes.size());
  kek.legacy_key_id = keyring.current_key_id();
  kek.source = std::move(source);
  return kek;
}

core::Result<KeyEncryptionKey> from_key_file(const std::filesystem::path& file, bool vault_has_keys) {
  auto loaded = crypto::Keyring::load(file);
  if (!loaded && loaded.error().code == core::Errc::kNotFound) {
    if (vault_has_keys) {
      return key_error("the master key file " + file.string() +
                       " is missing but the vault holds sealed data; restore the key file (or pass the --master-key "
                       "source this vault was created with)");
    }
    CSMS_TRY_ASSIGN(auto created, crypto::Keyring::create(file));
    auto kek = from_keyring(created, "file");
    kek.created = true;
    kek.created_file = file;
    return kek;
  }
  if (!loaded) return loaded.error();
  return from_keyring(*loaded, "file");
}

// A credential holds either a csmsd key file (so an existing master.key can be moved into the TPM-sealed
// credential unchanged) or 32 raw key bytes.
core::Result<KeyEncryptionKey> from_credential(const std::string& name) {
  const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
  if (directory == nullptr || *directory == '\0') {
    return key_error("--master-key credential needs $CREDENTIALS_DIRECTORY, which systemd sets for a unit with "
                     "LoadCredential= or LoadCredentialEncrypted=");
  }
  const std::filesystem::path file = std::filesystem::path(directory) / name;
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return key_error("the systemd credential " + file.string() + " cannot be read: " + ec.message());
  if (size == crypto::kKeyBytes) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return key_error("cannot open " + file.string() + ": " + std::strerror(errno));
    KeyEncryptionKey kek;
    kek.key = core::SecureBuffer(crypto::kKeyBytes);
    const ssize_t got = ::read(fd, kek.key.data(), kek.key.size());
    ::close(fd);
    if (got != static_cast<ssize_t>(crypto::kKeyBytes)) return key_error("cannot read " + file.string());
    kek.source = "systemd-credential";
    return kek;
  }
  CSMS_TRY_ASSIGN(const auto keyring, crypto::Keyring::load(file));
  return from_keyring(keyring, "systemd-credential");
}

core::Result<core::SecureString> read_passphrase_fd(int fd) {
  core::SecureString passphrase;
  passphrase.reserve(kMaxPassphrase + 1);
  char chunk[256];
  for (;;) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      explicit_bzero(chunk, sizeof chunk);
      return key_error("cannot read the passphrase from descriptor " + std::to_string(fd) + ": " + std::strerror(errno));
    }
    if (got == 0) break;
    passphrase.append(chunk, static_cast<std::size_t>(got));
    if (passphrase.size() > kMaxPassphrase) break;
  }
  explicit_bzero(chunk, sizeof chunk);
  ::close(fd);
  if (passphrase.size() > kMaxPassphrase) return key_error("the passphrase is longer than 4096 bytes");
  // One trailing newline is how `echo` and files end a line, not part of the passphrase.
  if (!passphrase.empty() && passphrase.back() == '\n') passphrase.pop_back();
  if (!passphrase.empty() && passphrase.back() == '\r') passphrase.pop_back();
  return passphrase;
}

core::Result<core::SecureString> prompt_passphrase(const char* prompt) {
  const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) return key_error("--master-key passphrase-prompt needs a terminal; use passphrase-fd:N instead");
  termios saved{};
  const bool is_terminal = ::tcgetattr(tty, &saved) == 0;
  if (is_terminal) {
    termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  (void)!::write(tty, prompt, std::strlen(prompt));
  core::SecureString passphrase;
  char c = 0;
  while (passphrase.size() <= kMaxPassphrase) {
    const ssize_t got = ::read(tty, &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || c == '\n') break;
    passphrase.push_back(c);
  }
  c = 0;
  if (is_terminal) ::tcsetattr(tty, TCSAFLUSH, &saved);
  (void)!::write(tty, "\n", 1);
  ::close(tty);
  if (!passphrase.empty() && passphrase.back() == '\r') passphrase.pop_back();
  return passphrase;
}

core::Result<KeyEncryptionKey> from_passphrase(const MasterKeySpec& spec, store::Store& store, bool vault_has_keys) {
  std::optional<core::PassphraseKdf> kdf;
  {
    CSMS_TRY_ASSIGN(auto txn, store.begin(store::TransactionMode::kRead));
    CSMS_TRY_ASSIGN(kdf, txn->find_passphrase_kdf());
  }
  if (!kdf && vault_has_keys) {
    return key_error("this vault's master key does not come from a passphrase; start it with the --master-key "
                     "source it was created with");
  }
  core::SecureString passphrase;
  if (spec.kind == MasterKeySpec::Kind::kPassphraseFd) {
    CSMS_TRY_ASSIGN(passphrase, read_passphrase_fd(spec.fd));
  } else {
    CSMS_TRY_ASSIGN(passphrase, prompt_passphrase("csmsd: master key passphrase: "));
    if (!kdf) {
      CSMS_TRY_ASSIGN(const auto again, prompt_passphrase("csmsd: the same passphrase again: "));
      if (again != passphrase) return key_error("the two passphrases differ");
    }
  }
  if (passphrase.empty()) return key_error("the passphrase is empty");
  if (!kdf) {
    kdf = crypto::new_passphrase_kdf();
    CSMS_TRY_ASSIGN(auto txn, store.begin(store::TransactionMode::kWrite));
    CSMS_TRY(txn->insert_passphrase_kdf(*kdf));
    CSMS_TRY(txn->commit());
  }
  KeyEncryptionKey kek;
  CSMS_TRY_ASSIGN(kek.key, crypto::derive_passphrase_key(passphrase, *kdf));
  kek.source = "passphrase";
  return kek;
}

}  // namespace

core::Result<KeyEncryptionKey> load_key_encryption_key(const MasterKeySpec& spec,
                                                        const std::filesystem::path& data_dir, store::Store& store,
                                                        bool vault_has_keys) {
  switch (spec.kind) {
    case MasterKeySpec::Kind::kFile:
      return from_key_file(spec.file.empty() ? data_dir / kMasterKeyFile : spec.file, vault_has_keys);
    case MasterKeySpec::Kind::kCredential: return from_credential(spec.credential_name);
    case MasterKeySpec::Kind::kPassphraseFd:
    case MasterKeySpec::Kind::kPassphrasePrompt: return from_passphrase(spec, store, vault_has_keys);
  }
  return key_error("unknown master key source");
}

}  // namespace csms::app
