// credential_service_test.cpp: CredentialService over a real SqliteStore: issuing, lookups, listing and revocation.
#include "domain/credential_service.hpp"

#include "common/service_env.hpp"
#include "crypto/digest.hpp"
#include "domain/key_rotation.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

namespace {

using csms::core::CredentialKind;
using csms::core::Errc;
using csms::core::Role;
using csms::domain::NewCredential;
using csms::unit::expect_ok;
using namespace std::chrono_literals;

const std::string P(csms::unit::kProject);
const std::string Q(csms::unit::kOtherProject);

struct CredentialEnv : csms::unit::ServiceEnv {
  csms::domain::CredentialService credentials{*store, sealer, time.clock()};

  csms::domain::IssuedCredential issue(CredentialKind kind, Role role = Role::kWriter,
                                       std::vector<std::string> projects = {P}, std::string description = "") {
    NewCredential request;
    request.kind = kind;
    request.role = role;
    request.projects = std::move(projects);
    request.description = std::move(description);
    return expect_ok(credentials.create(request));
  }

  /// Every byte SQLite keeps for the vault: the database file and its WAL.
  std::string stored_bytes() {
    std::string bytes;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      if (entry.path().filename().string().rfind("vault.db", 0) != 0) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), {});
    }
    return bytes;
  }
};

std::string text(const csms::core::SecureString& secret) { return std::string(secret.begin(), secret.end()); }

std::string hex(const std::vector<std::uint8_t>& bytes) { return csms::crypto::to_hex(bytes); }

TEST_CASE("an access key is CSMS + 16 base32 characters with a 40-character secret key",
          "[unit][domain][credentials]") {
  CredentialEnv env;
  const auto issued = env.issue(CredentialKind::kAccessKey, Role::kWriter, {P}, "ci deploy");
  const auto& credential = issued.credential;
  CHECK(std::regex_match(credential.access_key, std::regex("CSMS[A-Z2-7]{16}")));
  CHECK(std::regex_match(text(issued.secret), std::regex("[A-Za-z0-9]{40}")));
  CHECK(std::regex_match(credential.id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(credential.kind == CredentialKind::kAccessKey);
  CHECK(credential.role == Role::kWriter);
  CHECK(credential.projects == std::vector<std::string>{P});
  CHECK(credential.description == "ci deploy");
  CHECK(credential.create_time == env.time.now);
  REQUIRE(credential.sealed_secret.has_value());
  CHECK(credential.sealed_secret->key_id == 1);
  CHECK(credential.token_hash.empty());

  // Two keys never share an AK or SK.
  const auto other = env.issue(CredentialKind::kAccessKey);
  CHECK(other.credential.access_key != credential.access_key);
  CHECK(text(other.secret) != text(issued.secret));
  CHECK(other.credential.id != credential.id);
}

TEST_CASE("find_access_key returns the credential with the same secret key", "[unit][domain][credentials]") {
  CredentialEnv env;
  const auto issued = env.issue(CredentialKind::kAccessKey, Role::kAdmin, {Q, P}, "d");
  const auto found = expect_ok(env.credentials.find_access_key(issued.credential.access_key));
  REQUIRE(found.has_value());
  CHECK(found->secret_key.view() == text(issued.secret));
  CHECK(found->credential.id == issued.credential.id);
  CHECK(found->credential.access_key == issued.credential.access_key);
  CHECK(found->credential.role == Role::kAdmin);
  CHECK(found->credential.projects == std::vector<std::string>{P, Q});
  CHECK(found->credential.description == "d");
  CHECK(found->credential.create_time == issued.credential.create_time);

  CHECK_FALSE(expect_ok(env.credentials.find_access_key("CSMSAAAAAAAAAAAAAAAA")).has_value());
  CHECK_FALSE(expect_ok(env.credentials.find_access_key("")).has_value());
  // Lookups are exact: a lower-cased AK is another key.
  std::string lower = issued.credential.access_key;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  CHECK_FALSE(expect_ok(env.credentials.find_access_key(lower)).has_value());
  // A token's id or an access key's credential id is not an access key.
  CHECK_FALSE(expect_ok(env.credentials.find_access_key(issued.credential.id)).has_value());
}

TEST_CASE("the secret key is stored sealed, never in plaintext", "[unit][domain][credentials]") {
  CredentialEnv env;
  const auto issued = env.issue(CredentialKind::kAccessKey);
  const std::string secret_key = text(issued.secret);
  std::string sealed;
  {
    SQLite::Statement statement(env.store->database(),
                                "SELECT sealed_secret, key_id, token_hash FROM credentials WHERE access_key = ?1");
    statement.bind(1, issued.credential.access_key);
    REQUIRE(statement.executeStep());
    const auto blob = statement.getColumn(0);
    sealed.assign(static_cast<const char*>(blob.getBlob()), static_cast<std::size_t>(blob.getBytes()));
    CHECK(statement.getColumn(1).getInt() == 1);
    CHECK(statement.getColumn(2).isNull());
  }
  CHECK(sealed.size() > secret_key.size());
  CHECK(sealed.find(secret_key) == std::string::npos);

  const std::string bytes = env.stored_bytes();
  REQUIRE_FALSE(bytes.empty());
  CHECK(bytes.find(issued.credential.access_key) != std::string::npos);  // the scan does see what is stored
  CHECK(bytes.find(secret_key) == std::string::npos);
  CHECK(bytes.find(secret_key.substr(0, 20)) == std::string::npos);

  // The sealed secret is bound to its credential: moved to another credential's row it does not open.
  const auto other = env.issue(CredentialKind::kAccessKey);
  {
    SQLite::Statement move(env.store->database(),
                           "UPDATE credentials SET sealed_secret = ?1 WHERE access_key = ?2");
    move.bind(1, sealed.data(), static_cast<int>(sealed.size()));
    move.bind(2, other.credential.access_key);
    REQUIRE(move.exec() == 1);
  }
  CHECK_ERRC(env.credentials.find_access_key(other.credential.access_key), Errc::kCryptoFailure);
}

TEST_CASE("a token is csmst_ + 43 base64url characters and only its SHA-256 is stored",
          "[unit][domain][credentials]") {
  CredentialEnv env;
  const auto issued = env.issue(CredentialKind::kToken, Role::kReader, {P});
  const std::string token = text(issued.secret);
  CHECK(token.size() == 49);
  CHECK(std::regex_match(token, std::regex("csmst_[A-Za-z0-9_-]{43}")));
  CHECK(issued.credential.kind == CredentialKind::kToken);
  CHECK(issued.credential.access_key.empty());
  CHECK_FALSE(issued.credential.sealed_secret.has_value());
  const auto digest = csms::crypto::sha256(token);
  CHECK(issued.credential.token_hash == std::vector<std::uint8_t>(digest.begin(), digest.end()));

  {
    SQLite::Statement statement(env.store->database(),
                                "SELECT token_hash, access_key, sealed_secret, key_id FROM credentials WHERE id = ?1");
    statement.bind(1, issued.credential.id);
    REQUIRE(statement.executeStep());
    const auto column = statement.getColumn(0);
    const auto* stored = static_cast<const std::uint8_t*>(column.getBlob());
    CHECK(hex(std::vector<std::uint8_t>(stored, stored + column.getBytes())) == hex(issued.credential.token_hash));
    CHECK(statement.getColumn(1).isNull());
    CHECK(statement.getColumn(2).isNull());
    CHECK(statement.getColumn(3).isNull());
  }

  const std::string bytes = env.stored_bytes();
  CHECK(bytes.find(token) == std::string::npos);
  CHECK(bytes.find(token.substr(6)) == std::string::npos);
  CHECK(bytes.find(token.substr(6, 20)) == std::string::npos);

  const auto other = env.issue(CredentialKind::kToken);
  CHECK(text(other.secret) != token);
}

TEST_CASE("find_token finds the exact token and nothing else", "[unit][domain][credentials]") {
  CredentialEnv env;
  const auto issued = env.issue(CredentialKind::kToken, Role::kAdmin, {P, Q, P}, "ops");
  const std::string token = text(issued.secret);
  const auto found = expect_ok(env.credentials.find_token(token));
  REQUIRE(found.has_value());
  CHECK(found->id == issued.credential.id);
  CHECK(found->kind == CredentialKind::kToken);
  CHECK(found->role == Role::kAdmin);
  CHECK(found->projects == std::vector<std::string>{P, Q});
  CHECK(found->description == "ops");

  for (const std::size_t at : {std::size_t{0}, std::size_t{5}, std::size_t{6}, std::size_t{27}, token.size() - 1}) {
    std::string changed = token;
    changed[at] = changed[at] == 'A' ? 'B' : 'A';
    INFO("changed at " << at);
    CHECK_FALSE(expect_ok(env.credentials.find_token(changed)).has_value());
  }
  CHECK_FALSE(expect_ok(env.credentials.find_token(token.substr(0, 48))).has_value());
  CHECK_FALSE(expect_ok(env.credentials.find_token(token + "A")).has_value());
  CHECK_FALSE(expect_ok(env.credentials.find_token(token.substr(6))).has_value());
  CHECK_FALSE(expect_ok(env.credentials.find_token("")).has_value());
  CHECK_FALSE(expect_ok(env.credentials.find_token("csmst_")).has_value());
  // An access key's secret key is not a token.
  const auto key = env.issue(CredentialKind::kAccessKey);
  CHECK_FALSE(expect_ok(env.credentials.find_token(text(key.secret))).has_value());
  CHECK_FALSE(expect_ok(env.credentials.find_token("csmst_" + text(key.secret))).has_value());
}

TEST_CASE("projects are sorted and deduplicated", "[unit][domain][credentials]") {
  CredentialEnv env;
  const auto issued = env.issue(CredentialKind::kAccessKey, Role::kReader, {Q, P, Q, P, Q});
  CHECK(issued.credential.projects == std::vector<std::string>{P, Q});
  CHECK(expect_ok(env.credentials.find(issued.credential.id)).projects == std::vector<std::string>{P, Q});
  {
    SQLite::Statement count(env.store->database(), "SELECT count(*) FROM credential_projects WHERE credential_id = ?1");
    count.bind(1, issued.credential.id);
    REQUIRE(count.executeStep());
    CHECK(count.getColumn(0).getInt() == 2);
  }

  const auto everywhere = env.issue(CredentialKind::kToken, Role::kAdmin, {"*", "*"});
  CHECK(expect_ok(env.credentials.find(everywhere.credential.id)).projects == std::vector<std::string>{"*"});
}

TEST_CASE("list returns every credential without secrets, oldest first", "[unit][domain][credentials]") {
  CredentialEnv env;
  CHECK(expect_ok(env.credentials.list()).empty());
  const auto first = env.issue(CredentialKind::kToken, Role::kReader, {P}, "first");
  env.time.advance(1s);
  const auto second = env.issue(CredentialKind::kAccessKey, Role::kWriter, {Q}, "second");
  env.time.advance(1s);
  const auto third = env.issue(CredentialKind::kToken, Role::kAdmin, {"*"}, "third");
  // Two at the same millisecond come in id order.
  const auto fourth = env.issue(CredentialKind::kAccessKey, Role::kReader, {P}, "fourth");

  const auto listed = expect_ok(env.credentials.list());
  REQUIRE(listed.size() == 4);
  CHECK(listed[0].id == first.credential.id);
  CHECK(listed[1].id == second.credential.id);
  const auto& [low, high] = std::minmax(third.credential.id, fourth.credential.id);
  CHECK(listed[2].id == low);
  CHECK(listed[3].id == high);
  CHECK(listed[0].description == "first");
  CHECK(listed[0].create_time == first.credential.create_time);
  CHECK(listed[1].create_time == first.credential.create_time + 1000);
  CHECK(listed[1].access_key == second.credential.access_key);
  CHECK(listed[1].projects == std::vector<std::string>{Q});
  CHECK(listed[0].token_hash == first.credential.token_hash);
  for (const auto& credential : listed) {
    CHECK(std::is_sorted(credential.projects.begin(), credential.projects.end()));
  }
  CHECK(std::is_sorted(listed.begin(), listed.end(), [](const auto& a, const auto& b) {
    return a.create_time < b.create_time || (a.create_time == b.create_time && a.id < b.id);
  }));
}

TEST_CASE("revoke: lookups fail at once, a second revoke is kNotFound", "[unit][domain][credentials]") {
  CredentialEnv env;
  const auto key = env.issue(CredentialKind::kAccessKey, Role::kWriter, {P, Q});
  const auto token = env.issue(CredentialKind::kToken, Role::kWriter, {P});
  const auto kept = env.issue(CredentialKind::kToken, Role::kReader, {P});

  csms::unit::expect_ok(env.credentials.revoke(key.credential.id));
  CHECK_FALSE(expect_ok(env.credentials.find_access_key(key.credential.access_key)).has_value());
  CHECK_ERRC(env.credentials.find(key.credential.id), Errc::kNotFound);
  csms::unit::expect_ok(env.credentials.revoke(token.credential.id));
  CHECK_FALSE(expect_ok(env.credentials.find_token(text(token.secret))).has_value());

  CHECK_ERRC(env.credentials.revoke(key.credential.id), Errc::kNotFound);
  CHECK_ERRC(env.credentials.revoke("00000000-0000-4000-8000-000000000000"), Errc::kNotFound);
  CHECK_ERRC(env.credentials.revoke(""), Errc::kNotFound);
  // Revoking by the AK (not the id) is not a revocation.
  CHECK_ERRC(env.credentials.revoke(kept.credential.access_key), Errc::kNotFound);

  const auto listed = expect_ok(env.credentials.list());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == kept.credential.id);
  REQUIRE(expect_ok(env.credentials.find_token(text(kept.secret))).has_value());

  // The project rows went with the credential.
  SQLite::Statement count(env.store->database(), "SELECT count(*) FROM credential_projects WHERE credential_id = ?1");
  count.bind(1, key.credential.id);
  REQUIRE(count.executeStep());
  CHECK(count.getColumn(0).getInt() == 0);
}

TEST_CASE("find by id is kNotFound for an unknown id", "[unit][domain][credentials]") {
  CredentialEnv env;
  CHECK_ERRC(env.credentials.find("nope"), Errc::kNotFound);
  const auto issued = env.issue(CredentialKind::kAccessKey, Role::kReader, {P}, "x");
  const auto found = expect_ok(env.credentials.find(issued.credential.id));
  CHECK(found.access_key == issued.credential.access_key);
  REQUIRE(found.sealed_secret.has_value());
  CHECK(found.sealed_secret->blob == issued.credential.sealed_secret->blob);
}

}  // namespace
