// batch_import_test.cpp: BatchImportSecrets (op 43) against the real daemon: per-secret results and errors.
#include <string>

#include <SQLiteCpp/Database.h>

#include "harness.hpp"

using namespace csms_it;

namespace {

std::string import_url(std::string_view project = kProject) { return secrets_url(project) + "/batch-import"; }

json::object entry(std::string_view name, std::string_view value) {
  return json::object{{"name", name}, {"secret_string", value}};
}

}  // namespace

// "43 | BatchImportSecrets | POST | /v1/{project_id}/secrets/batch-import | {"secrets":[CreateSecretRequestBody...]} |
// 200 {"error_list","total","success","failed"}"; ErrorInfo = {"name", "error_msg"}
TEST_CASE("batch import creates every valid entry and reports each refused one", "[integration][batch-import]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string taken = unique_name("import-taken");
  create_secret(client, taken, "already here");
  const std::string a = unique_name("import-a");
  const std::string b = unique_name("import-b");
  json::object with_metadata = entry(b, "");
  with_metadata.erase("secret_string");
  with_metadata["secret_binary"] = "3q2+7w==";
  with_metadata["description"] = "imported";
  const json::array secrets{entry(a, "alpha"), entry(taken, "clash"), with_metadata, entry("bad.name", "x"),
                            json::object{{"name", unique_name("import-novalue")}}, entry(a, "again"), 42};
  const HttpResponse r = client.post_json(import_url(), json::object{{"secrets", secrets}, {"total", 7}});
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto body = body_object(r);
  CHECK(body.size() == 4);
  CHECK(body.at("total") == json::value(7));
  CHECK(body.at("success") == json::value(2));
  CHECK(body.at("failed") == json::value(5));
  const auto errors = get_array(body, "error_list");
  REQUIRE(errors.size() == 5);
  std::vector<std::string> names;
  for (const auto& error : errors) {
    const auto& object = error.as_object();
    CHECK(object.size() == 2);
    names.push_back(get_string(object, "name"));
    CHECK_FALSE(get_string(object, "error_msg").empty());
  }
  CHECK(names[0] == taken);
  CHECK(get_string(errors[0].as_object(), "error_msg").find("already exists") != std::string::npos);
  CHECK(names[1] == "bad.name");
  CHECK(names[3] == a);  // the second entry with the same name
  CHECK(names[4].empty());

  CHECK(get_version(client, a, "v1").at("secret_string") == json::value("alpha"));
  CHECK(get_version(client, b, "v1").at("secret_binary") == json::value("3q2+7w=="));
  CHECK(get_string(get_secret(client, b), "description") == "imported");
  CHECK(get_version(client, taken, "latest").at("secret_string") == json::value("already here"));
  CHECK_STATUS(client.get(secret_url("bad.name")), 400);
}

TEST_CASE("batch import answers 400 for a body it cannot read", "[integration][batch-import]") {
  Daemon daemon;
  auto client = daemon.client();
  CHECK_CSMS_ERROR(client.post_json(import_url(), json::object{}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(import_url(), json::object{{"secrets", "x"}}), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.post(import_url(), std::string("not json")), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(
      client.post_json(import_url(), json::object{{"secrets", json::array{entry("n1", "v")}}, {"total", 2}}), 400,
      "CSMS.0002");
  CHECK_STATUS(client.get(secret_url("n1")), 404);
  const HttpResponse empty = client.post_json(import_url(), json::object{{"secrets", json::array{}}, {"total", 0}});
  REQUIRE_STATUS(empty, 200);
  CHECK(body_object(empty).at("success") == json::value(0));
}

TEST_CASE("a reader cannot batch import", "[integration][batch-import]") {
  Daemon daemon;
  auto client = daemon.anonymous_tcp_client();
  client.set_signer(csms_test::sdk_signer(daemon.create_access_key("reader", {std::string(kProject)})));
  CHECK_CSMS_ERROR(client.post_json(import_url(), json::object{{"secrets", json::array{entry("r1", "v")}}}), 403,
                   "CSMS.0302");
}

// A server-side failure of one entry is only a generic error_msg for the caller; the operator finds its cause in the
// daemon's log, at error level, without the value.
TEST_CASE("an internal error of one entry is logged at error level without the value", "[integration][batch-import][sqlite-only]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string good = unique_name("import-good");
  const std::string broken = unique_name("import-broken");
  {
    // Another connection makes the insert of one name fail inside the store, as a damaged database would. It waits
    // out a write the daemon's background tick may be committing at that moment.
    SQLite::Database other((daemon.data_dir() / "csmsd.db").string(), SQLite::OPEN_READWRITE, 10'000);
    other.exec("CREATE TRIGGER fail_one BEFORE INSERT ON secrets WHEN NEW.name = '" + broken +
               "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  const HttpResponse r = client.post_json(
      import_url(), json::object{{"secrets", json::array{entry(good, "g00d-value"), entry(broken, "br0ken-value")}}});
  REQUIRE_STATUS(r, 200);
  const auto body = body_object(r);
  CHECK(body.at("success") == json::value(1));
  CHECK(body.at("failed") == json::value(1));
  const auto errors = get_array(body, "error_list");
  REQUIRE(errors.size() == 1);
  CHECK(get_string(errors[0].as_object(), "name") == broken);
  CHECK(get_string(errors[0].as_object(), "error_msg").find("constraint") == std::string::npos);
  CHECK_STATUS(client.get(secret_url(good)), 200);
  const std::string log = daemon.log();
  const auto line_start = log.find("batch import entry failed");
  REQUIRE(line_start != std::string::npos);
  const std::string line = log.substr(line_start, log.find('\n', line_start) - line_start);
  CHECK(line.find(broken) != std::string::npos);
  CHECK(line.find("internal") != std::string::npos);
  CHECK(line.find("constraint failed") != std::string::npos);  // the store's reason, which the caller does not see
  CHECK(log.find("br0ken-value") == std::string::npos);
  CHECK(log.find("g00d-value") == std::string::npos);
}
