// backup_password_test.cpp: the backup document codec, the backup service's refusals, and the password generator.
#include "common/service_env.hpp"
#include "domain/backup_document.hpp"
#include "domain/password_generator.hpp"

#include <algorithm>
#include <cctype>

namespace {

using csms::core::Errc;
using csms::unit::expect_ok;
using csms::unit::kProject;

csms::domain::SecretBackupContent sample() {
  csms::domain::SecretBackupContent content;
  content.secret.id = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
  content.secret.name = "db";
  content.secret.secret_type = "COMMON";
  content.secret.event_subscriptions = {"ev"};
  content.secret.rotation_period = "1d";
  content.secret.last_version_number = 3;
  content.versions.push_back({{2, 1000, 5000, "k", {}, std::nullopt}, csms::unit::text_value("two")});
  content.versions.push_back({{3, 2000, std::nullopt, "k", {}, 7000}, csms::unit::binary_value("3q2+7w==")});
  content.stages.push_back({"SYSCURRENT", 2, 1000});
  return content;
}

}  // namespace

TEST_CASE("a backup document decodes to what was encoded", "[unit][domain][backup]") {
  const auto encoded = csms::domain::encode_backup(sample());
  const auto decoded = expect_ok(csms::domain::decode_backup(encoded.span()));
  CHECK(decoded.secret.id == "0d0466b0-e727-4d9c-b35d-f84bb474a37f");
  CHECK(decoded.secret.event_subscriptions == std::vector<std::string>{"ev"});
  CHECK(decoded.secret.rotation_period == std::optional<std::string>("1d"));
  CHECK(decoded.secret.last_version_number == 3);
  REQUIRE(decoded.versions.size() == 2);
  CHECK(decoded.versions[0].metadata.expire_time == std::optional<std::int64_t>(5000));
  CHECK(decoded.versions[1].metadata.deprecated_since == std::optional<std::int64_t>(7000));
  CHECK(decoded.versions[1].value.kind == csms::core::ValueKind::kBinary);
  CHECK(decoded.versions[1].value.bytes.view() == "3q2+7w==");
  REQUIRE(decoded.stages.size() == 1);
  CHECK(decoded.stages[0].version == 2);
}

TEST_CASE("a truncated, extended or inconsistent backup document is refused", "[unit][domain][backup]") {
  const auto encoded = csms::domain::encode_backup(sample());
  const auto bytes = encoded.span();
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    const auto result = csms::domain::decode_backup(bytes.first(cut));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == Errc::kInvalidParameter);
  }
  std::vector<std::uint8_t> longer(bytes.begin(), bytes.end());
  longer.push_back(0);
  CHECK_FALSE(csms::domain::decode_backup(longer).has_value());
  auto orphan = sample();
  orphan.stages.push_back({"custom", 9, 1});
  CHECK_FALSE(csms::domain::decode_backup(csms::domain::encode_backup(orphan).span()).has_value());
}

TEST_CASE("restore refuses a blob of another backup key as invalid input", "[unit][domain][backup]") {
  csms::unit::ServiceEnv env;
  env.create("db");
  const auto blob = expect_ok(env.backups.backup(std::string(kProject), "db"));
  const auto other = expect_ok(csms::crypto::BackupSealer::from_master_key(csms::unit::test_key(5).span()));
  csms::domain::SecretBackup foreign{*env.store, env.sealer, other, env.time.clock()};
  expect_ok(env.service.delete_secret(std::string(kProject), "db"));
  const auto refused = foreign.restore(std::string(kProject), blob);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Errc::kInvalidParameter);
  expect_ok(env.backups.restore(std::string(kProject), blob));
}

TEST_CASE("passwords honour length, classes and exclusions", "[unit][domain][password]") {
  csms::domain::PasswordOptions options;
  CHECK(expect_ok(csms::domain::generate_password(options)).size() == 32);
  options.length = 200;
  options.exclude_characters = "aeiouAEIOU";
  options.exclude_punctuation = true;
  const auto password = expect_ok(csms::domain::generate_password(options));
  CHECK(password.size() == 200);
  CHECK(password.find_first_of("aeiouAEIOU") == std::string::npos);
  CHECK(std::all_of(password.begin(), password.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }));

  csms::domain::PasswordOptions each;
  each.length = 4;
  each.require_each_included_type = true;
  each.exclude_characters = "ABCDEFGHIJKLMNOPQRSTUVWXY";  // only Z is left of the upper case letters
  for (int i = 0; i < 50; ++i) {
    const auto short_one = expect_ok(csms::domain::generate_password(each));
    CHECK(short_one.find('Z') != std::string::npos);
  }
  each.length = 3;
  CHECK(csms::domain::generate_password(each).error().code == Errc::kInvalidParameter);
  csms::domain::PasswordOptions none;
  none.exclude_lowercase = none.exclude_uppercase = none.exclude_numbers = none.exclude_punctuation = true;
  CHECK_FALSE(csms::domain::generate_password(none).has_value());
  none.include_space = true;
  CHECK(std::string_view(expect_ok(csms::domain::generate_password(none))) == std::string(32, ' '));
}
