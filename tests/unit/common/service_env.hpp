// service_env.hpp: a SecretService over a real SqliteStore in a temp directory, with a fixed key and a test clock.
#pragma once

#include "common/unit_env.hpp"
#include "core/secure_buffer.hpp"
#include "crypto/backup_sealer.hpp"
#include "crypto/keyring.hpp"
#include "crypto/sealer.hpp"
#include "domain/secret_backup.hpp"
#include "domain/event_service.hpp"
#include "domain/rotation_service.hpp"
#include "domain/secret_service.hpp"
#include "domain/tag_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace csms::unit {

inline constexpr std::string_view kOtherProject = "fedcba9876543210fedcba9876543210";

inline core::SecureBuffer test_key(std::uint8_t seed) {
  core::SecureBuffer key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = static_cast<std::uint8_t>(seed + i * 7);
  return key;
}

inline crypto::PlainValue text_value(std::string_view text) {
  return crypto::PlainValue{core::ValueKind::kString, core::SecureBuffer::from_string(text)};
}

inline crypto::PlainValue binary_value(std::string_view base64) {
  return crypto::PlainValue{core::ValueKind::kBinary, core::SecureBuffer::from_string(base64)};
}

struct ServiceEnv {
  TempDir dir;
  std::unique_ptr<store::sqlite::SqliteStore> store = expect_ok(store::sqlite::SqliteStore::open(dir / "vault.db"));
  crypto::Keyring keyring = crypto::Keyring::from_key(1, test_key(11));
  crypto::Sealer sealer{keyring};
  TestClock time;
  domain::SecretService service{*store, sealer, time.clock()};
  /// The backup key is derived from a master key of its own here; the daemon derives it from its real one.
  crypto::BackupSealer backup_sealer = expect_ok(crypto::BackupSealer::from_master_key(test_key(77).span()));
  domain::SecretBackup backups{*store, sealer, backup_sealer, time.clock()};
  domain::EventService events{*store, time.clock()};
  /// Without a rotation runner: RotateSecret is refused (tests that rotate build their own RotationService).
  domain::RotationService rotation{*store, sealer, time.clock(), nullptr};
  domain::TagService tags{*store};

  /// Creates a secret holding a string value in `project` (default kProject).
  core::Secret create(const std::string& name, std::string_view value = "value-1",
                      std::string_view project = kProject) {
    domain::CreateSecretInput input;
    input.project_id = std::string(project);
    input.name = name;
    input.value = text_value(value);
    return expect_ok(service.create_secret(std::move(input)));
  }

  core::VersionMetadata add_version(const std::string& name, std::string_view value,
                                    std::optional<std::vector<std::string>> stages = std::nullopt) {
    domain::CreateVersionInput input;
    input.value = text_value(value);
    input.stages = std::move(stages);
    return expect_ok(service.create_version(std::string(kProject), name, std::move(input)));
  }

  /// Every version of the secret as the store holds it (deprecated_since included).
  std::vector<core::VersionMetadata> stored_versions(const std::string& name, std::string_view project = kProject) {
    auto txn = expect_ok(store->begin(store::TransactionMode::kRead));
    const auto secret = expect_ok(txn->find_secret(project, name));
    REQUIRE(secret.has_value());
    return expect_ok(txn->list_versions(secret->row_id, std::nullopt, 1000));
  }

  std::optional<core::VersionMetadata> stored_version(const std::string& name, core::VersionNumber number) {
    for (auto& version : stored_versions(name)) {
      if (version.number == number) return version;
    }
    return std::nullopt;
  }
};

}  // namespace csms::unit
