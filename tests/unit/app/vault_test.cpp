// vault_test.cpp: opening a data directory: private directory, database, master key creation and refusal cases.
#include "app/vault.hpp"

#include "common/unit_env.hpp"
#include "crypto/sealer.hpp"
#include "domain/master_key_check.hpp"

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

namespace {

using csms::core::Errc;
using csms::unit::expect_ok;
namespace fs = std::filesystem;

mode_t mode_of(const fs::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

TEST_CASE("open_vault creates a private directory, the database and a key", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  const auto data = dir / "nested/data";
  auto vault = expect_ok(csms::app::open_vault(data));
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
    auto vault = expect_ok(csms::app::open_vault(dir.path()));
    const csms::crypto::Sealer sealer(*vault.keyring);
    expect_ok(csms::domain::verify_master_key(*vault.store, sealer, 1'000));
  }
  auto vault = expect_ok(csms::app::open_vault(dir.path()));
  CHECK_FALSE(vault.created_key);
  const csms::crypto::Sealer sealer(*vault.keyring);
  expect_ok(csms::domain::verify_master_key(*vault.store, sealer, 2'000));
}

TEST_CASE("a vault with sealed data but no key file is refused", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  {
    auto vault = expect_ok(csms::app::open_vault(dir.path()));
    const csms::crypto::Sealer sealer(*vault.keyring);
    expect_ok(csms::domain::verify_master_key(*vault.store, sealer, 1'000));
  }
  fs::remove(dir / csms::app::kMasterKeyFile);
  CHECK_ERRC(csms::app::open_vault(dir.path()), Errc::kCryptoFailure);
  CHECK_FALSE(fs::exists(dir / csms::app::kMasterKeyFile));  // no new key was made behind the user's back
}

TEST_CASE("a data directory path that is a file is refused", "[unit][app][vault]") {
  csms::unit::TempDir dir;
  { std::ofstream(dir / "file") << "x"; }
  CHECK_FALSE(csms::app::open_vault(dir / "file").has_value());
  CHECK_FALSE(csms::app::ensure_private_directory(dir / "file").has_value());
}

}  // namespace
