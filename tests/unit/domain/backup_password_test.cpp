// backup_password_test.cpp: the backup document codec, the backup service's refusals, and the password generator.
#include "common/service_env.hpp"
#include "domain/backup_document.hpp"
#include "domain/password_generator.hpp"
#include "domain/tag_service.hpp"

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
  content.tags = {{"env", "prod"}, {"owner", ""}};
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
  REQUIRE(decoded.tags.size() == 2);
  CHECK(decoded.tags[0].key == "env");
  CHECK(decoded.tags[0].value == "prod");
  CHECK(decoded.tags[1].key == "owner");
  CHECK(decoded.tags[1].value.empty());
}

TEST_CASE("a format 1 backup document (before tags were carried) decodes as a secret without tags",
          "[unit][domain][backup]") {
  auto content = sample();
  content.tags.clear();
  const auto encoded = csms::domain::encode_backup(content);
  // Format 1 is format 2 without the trailing tag count.
  std::vector<std::uint8_t> old(encoded.span().begin(), encoded.span().end() - 4);
  REQUIRE(old.front() == 2);
  old.front() = 1;
  const auto decoded = expect_ok(csms::domain::decode_backup(old));
  CHECK(decoded.tags.empty());
  CHECK(decoded.versions.size() == 2);
  CHECK(decoded.stages.size() == 1);
  old.front() = 3;
  CHECK(csms::domain::decode_backup(old).error().code == Errc::kInvalidParameter);
}

TEST_CASE("restore brings back the secret's tags", "[unit][domain][backup]") {
  csms::unit::ServiceEnv env;
  const auto secret = env.create("db");
  csms::domain::TagService tags{*env.store};
  expect_ok(tags.add_tags(std::string(kProject), secret.id, {{"env", "prod"}, {"team", "core"}}));
  const auto blob = expect_ok(env.backups.backup(std::string(kProject), "db"));
  expect_ok(env.service.delete_secret(std::string(kProject), "db"));
  expect_ok(env.backups.restore(std::string(kProject), blob));
  const auto restored = expect_ok(tags.list_tags(std::string(kProject), secret.id));
  REQUIRE(restored.tags.size() == 2);
  CHECK(restored.tags[0].key == "env");
  CHECK(restored.tags[0].value == "prod");
  CHECK(restored.tags[1].key == "team");
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
  auto twice = sample();
  twice.tags.push_back({"env", "dev"});
  CHECK_FALSE(csms::domain::decode_backup(csms::domain::encode_backup(twice).span()).has_value());
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
