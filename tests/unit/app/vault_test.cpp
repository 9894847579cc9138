// vault_test.cpp: opening a data directory: private directory, database, master key creation and refusal cases.
#include "app/vault.hpp"

#include "common/unit_env.hpp"
#include "crypto/sealer.hpp"
#include "crypto/key_wrap.hpp"
#include "domain/master_key_check.hpp"

#include <filesystem>
#include <fstream>

#include <cstdlib>
#include <unistd.h>

#include <sys/stat.h>

namespace {

using csms::core::Errc;
using csms::unit::expect_ok;
namespace fs = std::filesystem;

csms::core::Result<csms::app::OpenVault> open(const fs::path& data, const csms::app::MasterKeySpec& spec = {}) {
  return csms::app::open_vault(data, spec, 1'000);
}

mode_t mode_of(const fs::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

TEST_CASE("open_vault creates a private directory, the database and a key", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  const auto data = dir / "nested/data";
  auto vault = expect_ok(open(data));
  CHECK(vault.created_key);
  REQUIRE(vault.store != nullptr);
  REQUIRE(vault.keyring != nullptr);
  CHECK(mode_of(data) == 0700);
  CHECK(mode_of(dir / "nested") == 0700);
  CHECK(fs::exists(data / csms::app::kDatabaseFile));
  CHECK(fs::file_size(data / csms::app::kMasterKeyFile) == 41);
  CHECK(mode_of(data / csms::app::kMasterKeyFile) == 0600);
}

TEST_CASE("re-opening a vault loads the same key", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  {
    auto vault = expect_ok(open(dir.path()));
    const csms::crypto::Sealer sealer(*vault.keyring);
    expect_ok(csms::domain::verify_master_key(*vault.store, sealer, 1'000));
  }
  auto vault = expect_ok(open(dir.path()));
  CHECK_FALSE(vault.created_key);
  const csms::crypto::Sealer sealer(*vault.keyring);
  expect_ok(csms::domain::verify_master_key(*vault.store, sealer, 2'000));
}

TEST_CASE("a vault with sealed data but no key file is refused", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  {
    auto vault = expect_ok(open(dir.path()));
    const csms::crypto::Sealer sealer(*vault.keyring);
    expect_ok(csms::domain::verify_master_key(*vault.store, sealer, 1'000));
  }
  fs::remove(dir / csms::app::kMasterKeyFile);
  CHECK_ERRC(open(dir.path()), Errc::kCryptoFailure);
  CHECK_FALSE(fs::exists(dir / csms::app::kMasterKeyFile));  // no new key was made behind the user's back
}

TEST_CASE("a data directory path that is a file is refused", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  { std::ofstream(dir / "file") << "x"; }
  CHECK_FALSE(open(dir / "file").has_value());
  CHECK_FALSE(csms::app::ensure_private_directory(dir / "file").has_value());
}

// A pipe holding `passphrase`, as `--master-key passphrase-fd:N` reads it (the reader closes it).
csms::app::MasterKeySpec passphrase_spec(const std::string& passphrase) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], passphrase.data(), passphrase.size()) == static_cast<ssize_t>(passphrase.size()));
  ::close(fds[1]);
  csms::app::MasterKeySpec spec;
  spec.kind = csms::app::MasterKeySpec::Kind::kPassphraseFd;
  spec.fd = fds[0];
  return spec;
}

// Seals one value under the vault's current data key and returns it with its binding.
csms::core::SealedValue seal_probe(const csms::app::OpenVault& vault) {
  const csms::crypto::Sealer sealer(*vault.keyring);
  return expect_ok(sealer.seal(csms::crypto::PlainValue{csms::core::ValueKind::kString,
                                                        csms::core::SecureBuffer::from_string("probe")},
                               {"0123456789abcdef0123456789abcdef", "id", 1}));
}

void expect_opens_probe(const csms::app::OpenVault& vault, const csms::core::SealedValue& sealed) {
  const csms::crypto::Sealer sealer(*vault.keyring);
  const auto plain = expect_ok(sealer.open(sealed, {"0123456789abcdef0123456789abcdef", "id", 1}));
  CHECK(plain.bytes.view() == "probe");
}

TEST_CASE("a passphrase vault opens with the same passphrase and refuses another", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  csms::core::SealedValue sealed;
  {
    auto vault = expect_ok(open(dir.path(), passphrase_spec("correct horse battery staple\n")));
    CHECK(vault.key_source == "passphrase");
    CHECK_FALSE(vault.created_key);
    CHECK_FALSE(fs::exists(dir / csms::app::kMasterKeyFile));
    sealed = seal_probe(vault);
  }
  {
    auto vault = expect_ok(open(dir.path(), passphrase_spec("correct horse battery staple")));
    expect_opens_probe(vault, sealed);
  }
  CHECK_ERRC(open(dir.path(), passphrase_spec("wrong horse")), Errc::kCryptoFailure);
  // A passphrase vault started with the default key file source is refused, and no key file is made for it.
  CHECK_ERRC(open(dir.path()), Errc::kCryptoFailure);
  CHECK_FALSE(fs::exists(dir / csms::app::kMasterKeyFile));
}

TEST_CASE("a key-file vault refuses a passphrase", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  { expect_ok(open(dir.path())); }
  CHECK_ERRC(open(dir.path(), passphrase_spec("anything")), Errc::kCryptoFailure);
}

TEST_CASE("the key file moved into a systemd credential opens the same vault", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  csms::core::SealedValue sealed;
  {
    auto vault = expect_ok(open(dir / "data"));
    sealed = seal_probe(vault);
  }
  fs::create_directories(dir / "credentials");
  fs::copy_file(dir / "data" / csms::app::kMasterKeyFile, dir / "credentials/csmsd-master-key");
  fs::remove(dir / "data" / csms::app::kMasterKeyFile);
  ::setenv("CREDENTIALS_DIRECTORY", (dir / "credentials").c_str(), 1);
  csms::app::MasterKeySpec spec;
  spec.kind = csms::app::MasterKeySpec::Kind::kCredential;
  auto vault = open(dir / "data", spec);
  ::unsetenv("CREDENTIALS_DIRECTORY");
  REQUIRE(vault.has_value());
  CHECK(vault->key_source == "systemd-credential");
  expect_opens_probe(*vault, sealed);
}

TEST_CASE("a credential of 32 raw bytes is a key, and without CREDENTIALS_DIRECTORY the source is refused",
          "[unit][app][vault]") {
  csms::unit::TempDir dir;
  fs::create_directories(dir / "credentials");
  {
    std::ofstream out(dir / "credentials/vault-key", std::ios::binary);
    for (int i = 0; i < 32; ++i) out.put(static_cast<char>(i * 3 + 1));
  }
  csms::app::MasterKeySpec spec;
  spec.kind = csms::app::MasterKeySpec::Kind::kCredential;
  spec.credential_name = "vault-key";
  ::unsetenv("CREDENTIALS_DIRECTORY");
  CHECK_ERRC(open(dir / "data", spec), Errc::kCryptoFailure);
  ::setenv("CREDENTIALS_DIRECTORY", (dir / "credentials").c_str(), 1);
  csms::core::SealedValue sealed;
  {
    auto vault = expect_ok(open(dir / "data", spec));
    sealed = seal_probe(vault);
  }
  auto again = open(dir / "data", spec);
  ::unsetenv("CREDENTIALS_DIRECTORY");
  REQUIRE(again.has_value());
  expect_opens_probe(*again, sealed);
}

TEST_CASE("a vault from before data keys keeps its key file key as data key 1", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  // Simulate the 0.1 layout: values sealed directly under the key file's key, a key check, no data_keys rows.
  csms::core::SealedValue sealed;
  {
    auto vault = expect_ok(open(dir.path()));
    auto txn = expect_ok(vault.store->begin(csms::store::TransactionMode::kWrite));
    expect_ok(txn->delete_data_key(1));
    expect_ok(txn->commit());
    auto file_key = expect_ok(csms::crypto::Keyring::load(dir / csms::app::kMasterKeyFile));
    const csms::crypto::Sealer legacy(file_key);
    expect_ok(csms::domain::verify_master_key(*vault.store, legacy, 1'000));
    sealed = expect_ok(legacy.seal(csms::crypto::PlainValue{csms::core::ValueKind::kString,
                                                            csms::core::SecureBuffer::from_string("probe")},
                                   {"0123456789abcdef0123456789abcdef", "id", 1}));
  }
  auto vault = expect_ok(open(dir.path()));
  CHECK(vault.keyring->current_key_id() == 1);
  expect_opens_probe(vault, sealed);
  const csms::crypto::Sealer sealer(*vault.keyring);
  expect_ok(csms::domain::verify_master_key(*vault.store, sealer, 2'000));
}

}  // namespace
