// backup_restore_test.cpp: DownloadSecretBlob and UploadSecretBlob (ops 22, 23) against the real daemon.
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "harness.hpp"
#include "raw_connection.hpp"
#include "sdk_signer.hpp"

using namespace csms_it;

namespace {

std::string backup_url(std::string_view name, std::string_view project = kProject) {
  return secret_url(name, project) + "/backup";
}

std::string restore_url(std::string_view project = kProject) { return secrets_url(project) + "/restore"; }

std::string take_backup(HttpClient& client, std::string_view name, std::string_view project = kProject) {
  const HttpResponse r = client.post(backup_url(name, project));
  REQUIRE_STATUS(r, 200);
  const auto body = body_object(r);
  CHECK(body.size() == 1);
  const std::string blob = get_string(body, "secret_blob");
  CHECK_FALSE(blob.empty());
  return blob;
}

HttpResponse restore(HttpClient& client, const std::string& blob, std::string_view project = kProject) {
  return client.post_json(restore_url(project), json::object{{"secret_blob", blob}});
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

/// A secret of 20 versions of 32768 random characters each: its blob is far over the 512 KiB body limit.
std::string large_backup(HttpClient& client, const std::string& name) {
  std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uint32_t state = 12345;
  const auto value = [&]() {
    std::string out;
    for (int i = 0; i < 32768; ++i) {
      state = state * 1103515245u + 12345u;
      out.push_back(alphabet[(state >> 16) % alphabet.size()]);
    }
    return out;
  };
  create_secret(client, name, value());
  for (int i = 2; i <= 20; ++i) create_version(client, name, value());
  const std::string blob = take_backup(client, name);
  REQUIRE(blob.size() > 600 * 1024);
  return blob;
}

}  // namespace

// "22 | DownloadSecretBlob | POST | .../secrets/{secret_name}/backup | – | none (empty) | 200 {"secret_blob":str}"
// "23 | UploadSecretBlob | POST | /v1/{project_id}/secrets/restore | {"secret_blob":str} | 200 {"secret":Secret}"
TEST_CASE("a backup restored after the original is deleted reads back every version identically",
          "[integration][backup]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("backup");
  const auto original = create_secret_with(
      client, json::object{{"name", name}, {"secret_string", "first"}, {"description", "kept"}});
  create_version(client, name, "second");
  REQUIRE_STATUS(client.post_json(versions_url(name), json::object{{"secret_binary", "3q2+7w=="}}), 200);
  create_version(client, name, "fourth", std::vector<std::string>{"custom"});
  REQUIRE_STATUS(client.put_json(version_url(name, "v2"), json::object{{"expire_time", 4102444800000}}), 200);
  const auto versions_before = list_all_versions(client, name);
  std::vector<json::object> values_before;
  for (const auto& [id, stages] : versions_before) values_before.push_back(get_version(client, name, id));

  const std::string blob = take_backup(client, name);
  CHECK(blob.find("first") == std::string::npos);
  REQUIRE_STATUS(client.del(secret_url(name)), 200);

  const HttpResponse restored = restore(client, blob);
  REQUIRE_STATUS(restored, 200);
  const auto secret = get_object(body_object(restored), "secret");
  check_secret_shape(secret, name);
  CHECK(get_string(secret, "id") == get_string(original, "id"));
  CHECK(get_string(secret, "description") == "kept");
  CHECK(get_string(secret, "state") == "ENABLED");
  CHECK(secret.at("create_time") == original.at("create_time"));

  CHECK(list_all_versions(client, name) == versions_before);
  for (std::size_t i = 0; i < versions_before.size(); ++i) {
    CHECK(get_version(client, name, versions_before[i].first) == values_before[i]);
  }
  CHECK(stage_owners(client, name) ==
        std::map<std::string, std::string>{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}, {"custom", "v4"}});
  // The version counter came back too: the next version is v5, not a reused number.
  CHECK(get_string(create_version(client, name, "fifth"), "id") == "v5");
}

// "Restoring over an existing name should fail (CSMS.0101)"
TEST_CASE("restore into a taken name is 409 CSMS.0101 and changes nothing", "[integration][backup]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("backup-taken");
  create_secret(client, name, "original");
  const std::string blob = take_backup(client, name);
  create_version(client, name, "newer");
  CHECK_CSMS_ERROR(restore(client, blob), 409, "CSMS.0101");
  CHECK(get_version(client, name, "latest").at("secret_string") == json::value("newer"));
}

TEST_CASE("a blob with one flipped byte, a truncated blob or one that is not base64 is refused with 400 CSMS.0002",
          "[integration][backup]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("backup-tamper");
  create_secret(client, name, "value");
  const std::string blob = take_backup(client, name);
  REQUIRE_STATUS(client.del(secret_url(name)), 200);

  // Flip one bit of a byte in the middle of the ciphertext, re-encoded as valid base64.
  std::string flipped = blob;
  const std::size_t at = flipped.size() / 2;
  flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
  CHECK_CSMS_ERROR(restore(client, flipped), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(restore(client, blob.substr(0, blob.size() - 8)), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(restore(client, "not base64!"), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(restore(client, ""), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(restore_url(), json::object{}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(restore_url(), json::object{{"secret_blob", 7}}), 400, "CSMS.0004");
  CHECK_STATUS(client.get(secret_url(name)), 404);
  // The untouched blob still restores.
  CHECK_STATUS(restore(client, blob), 200);
}

TEST_CASE("a blob from another vault (another master key) or another project is refused", "[integration][backup]") {
  Daemon first;
  Daemon second;
  auto a = first.client();
  auto b = second.client();
  const std::string name = unique_name("backup-foreign");
  create_secret(a, name, "value");
  const std::string blob = take_backup(a, name);
  const HttpResponse foreign = restore(b, blob);
  CHECK_CSMS_ERROR(foreign, 400, "CSMS.0002");
  CHECK(get_string(body_object(foreign), "error_msg").find("another vault") != std::string::npos);
  CHECK_STATUS(b.get(secret_url(name)), 404);
  // The same vault, but another project: the blob is bound to the project it was taken in.
  CHECK_CSMS_ERROR(restore(a, blob, kOtherProject), 400, "CSMS.0002");
  CHECK_STATUS(a.get(secret_url(name, kOtherProject)), 404);
}

TEST_CASE("a blob stays valid after a master key rotation re-sealed the vault", "[integration][backup]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("backup-rotate");
  create_secret(client, name, "before rotation");
  const std::string blob = take_backup(client, name);
  REQUIRE_STATUS(client.post("/v1/csmsd/master-key/rotate"), 202);
  REQUIRE(poll_until(
      [&]() {
        const auto status = body_object(client.get("/v1/csmsd/master-key"));
        return get_string(get_object(get_object(status, "master_key"), "rotation"), "state") == "idle";
      },
      std::chrono::seconds(20)));
  REQUIRE_STATUS(client.del(secret_url(name)), 200);
  REQUIRE_STATUS(restore(client, blob), 200);
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("before rotation"));
}

TEST_CASE("backup of a missing, pending-deletion or badly named secret answers the documented errors",
          "[integration][backup]") {
  Daemon daemon;
  auto client = daemon.client();
  CHECK_CSMS_ERROR(client.post(backup_url("missing")), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.post(backup_url("bad.name")), 400, "CSMS.0002");
  const std::string name = unique_name("backup-pending");
  create_secret(client, name, "value");
  REQUIRE_STATUS(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 7}}), 200);
  CHECK_CSMS_ERROR(client.post(backup_url(name)), 400, "CSMS.0103");
}

// Tags belong to the secret (1.5): a restored secret answers ListSecretTags as before its deletion.
TEST_CASE("a restored secret has the tags it had when it was backed up", "[integration][backup]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("backup-tags");
  const std::string id = get_string(create_secret(client, name, "value"), "id");
  const std::string tags_url = "/v1/" + std::string(kProject) + "/csms/" + id + "/tags";
  REQUIRE_STATUS(client.post_json(tags_url + "/action",
                                  json::object{{"action", "create"},
                                               {"tags", json::array{json::object{{"key", "env"}, {"value", "prod"}},
                                                                    json::object{{"key", "owner"}, {"value", "ops"}}}}}),
                 204);
  const std::string blob = take_backup(client, name);
  REQUIRE_STATUS(client.del(secret_url(name)), 200);
  REQUIRE_STATUS(restore(client, blob), 200);
  const HttpResponse r = client.get(tags_url);
  REQUIRE_STATUS(r, 200);
  const auto tags = get_array(body_object(r), "tags");
  REQUIRE(tags.size() == 2);
  CHECK(get_string(tags[0].as_object(), "key") == "env");
  CHECK(get_string(tags[0].as_object(), "value") == "prod");
  CHECK(get_string(tags[1].as_object(), "key") == "owner");
  CHECK(get_string(tags[1].as_object(), "value") == "ops");
}

// A blob BackupSecret produced must restore, even when it is larger than the standard 512 KiB body limit; the larger
// limit of UploadSecretBlob is granted only to a caller the request head authenticates, before any body is read.
TEST_CASE("a backup blob over the 512 KiB body limit restores for an authenticated caller", "[integration][backup]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("backup-large");
  const std::string blob = large_backup(client, name);
  const std::string body = json::serialize(json::object{{"secret_blob", blob}});
  const auto versions_before = list_all_versions(client, name);
  const auto last_before = get_version(client, name, "v20");

  SECTION("a Unix socket peer") {
    REQUIRE_STATUS(client.del(secret_url(name)), 200);
    REQUIRE_STATUS(restore(client, blob), 200);
    CHECK(list_all_versions(client, name) == versions_before);
    CHECK(get_version(client, name, "v20") == last_before);
  }
  SECTION("a token") {
    const std::string token = daemon.create_token("writer", {std::string(kProject)});
    auto anonymous = daemon.anonymous_tcp_client();
    REQUIRE_STATUS(client.del(secret_url(name)), 200);
    REQUIRE_STATUS(anonymous.request("POST", restore_url(), body, {{"X-Auth-Token", token}}), 200);
    CHECK(get_version(client, name, "v20") == last_before);
  }
  SECTION("an access-key signature that declares X-Sdk-Content-Sha256, and not one that does not") {
    auto signed_client = daemon.anonymous_tcp_client();
    signed_client.set_signer(csms_test::sdk_signer(daemon.create_access_key("writer", {std::string(kProject)})));
    REQUIRE_STATUS(client.del(secret_url(name)), 200);
    // Without the declared hash the signature cannot be checked before the body: the standard limit applies.
    CHECK_CSMS_ERROR(signed_client.request("POST", restore_url(), body), 413, "CSMS.0003");
    CHECK_STATUS(client.get(secret_url(name)), 404);
    // A declared hash that is not the body's: the signature (over the body's hash) does not verify against it.
    CHECK_CSMS_ERROR(signed_client.request("POST", restore_url(), body,
                                           {{"X-Sdk-Content-Sha256", sha256_hex("another body")}}),
                     413, "CSMS.0003");
    CHECK_STATUS(client.get(secret_url(name)), 404);
    REQUIRE_STATUS(signed_client.request("POST", restore_url(), body, {{"X-Sdk-Content-Sha256", sha256_hex(body)}}),
                   200);
    CHECK(get_version(client, name, "v20") == last_before);
  }
  SECTION("not for a caller without write access or another project") {
    auto reader = daemon.anonymous_tcp_client();
    reader.set_signer(csms_test::sdk_signer(daemon.create_access_key("reader", {std::string(kProject)})));
    REQUIRE_STATUS(client.del(secret_url(name)), 200);
    CHECK_CSMS_ERROR(reader.request("POST", restore_url(), body, {{"X-Sdk-Content-Sha256", sha256_hex(body)}}), 413,
                     "CSMS.0003");
    const std::string other = daemon.create_token("writer", {std::string(kOtherProject)});
    auto stranger = daemon.anonymous_tcp_client();
    CHECK_CSMS_ERROR(stranger.request("POST", restore_url(), body, {{"X-Auth-Token", other}}), 413, "CSMS.0003");
    CHECK_STATUS(client.get(secret_url(name)), 404);
  }
  SECTION("not for an anonymous client, which is refused before it sends the body") {
    csms_test::RawConnection raw(daemon.tcp_endpoint());
    raw.send("POST " + restore_url() +
             " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{");
    CHECK_CSMS_ERROR(raw.receive_response(std::chrono::seconds(5)), 413, "CSMS.0003");
    auto anonymous = daemon.anonymous_tcp_client();
    CHECK_CSMS_ERROR(anonymous.request("POST", restore_url(), body, {{"X-Auth-Token", "csmst_not-a-token"}}), 413,
                     "CSMS.0003");
  }
}
