// harness.cpp: implementation of the integration suite's shared fixture, checks and API shortcuts.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include "harness.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <regex>
#include <stdexcept>
#include <set>
#include <thread>

namespace csms_it {
namespace {

// Set when an assertion of the running test case fails, so a Daemon dying with the test can print its log.
std::atomic<bool> g_test_failed{false};

struct FailureListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    TestEventListenerBase::testCaseStarting(info);
    g_test_failed = false;
  }
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk()) g_test_failed = true;
    return TestEventListenerBase::assertionEnded(stats);
  }
};

bool matches(const std::string& text, const char* pattern) { return std::regex_match(text, std::regex(pattern)); }

std::string tail_lines(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return "...\n" + text.substr(pos + 1);
}

CATCH_REGISTER_LISTENER(FailureListener)

}  // namespace

std::filesystem::path csmsd_binary() {
  if (const char* env = std::getenv("CSMSD_BINARY"); env != nullptr && *env != '\0') return env;
  const std::filesystem::path built = CSMSD_BINARY_PATH;
  if (built.empty()) throw std::runtime_error("no csmsd binary: build the csmsd target or set CSMSD_BINARY");
  return built;
}

Daemon::Daemon(csms_test::TestDaemonOptions options) : TestDaemon(csmsd_binary(), std::move(options)) {}

Daemon::~Daemon() {
  if (!g_test_failed && std::uncaught_exceptions() == 0) return;
  std::cerr << "---- csmsd stderr (" << temp_dir().path().string() << ", last 300 lines) ----\n"
            << tail_lines(log(), 300) << "\n---- end of csmsd stderr ----\n";
}

csms_test::TestDaemonOptions no_prune() {
  csms_test::TestDaemonOptions options;
  options.prune_grace = "1h";
  return options;
}

std::string unique_name(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + "-" + std::to_string(++counter);
}

std::string secrets_url(std::string_view project) { return "/v1/" + std::string(project) + "/secrets"; }
std::string secret_url(std::string_view name, std::string_view project) {
  return secrets_url(project) + "/" + std::string(name);
}
std::string versions_url(std::string_view name, std::string_view project) {
  return secret_url(name, project) + "/versions";
}
std::string version_url(std::string_view name, std::string_view version, std::string_view project) {
  return versions_url(name, project) + "/" + std::string(version);
}
std::string stages_url(std::string_view name, std::string_view project) { return secret_url(name, project) + "/stages"; }
std::string stage_url(std::string_view name, std::string_view stage, std::string_view project) {
  return stages_url(name, project) + "/" + std::string(stage);
}
std::string schedule_delete_url(std::string_view name, std::string_view project) {
  return secret_url(name, project) + "/scheduled-deleted-tasks/create";
}
std::string cancel_delete_url(std::string_view name, std::string_view project) {
  return secret_url(name, project) + "/scheduled-deleted-tasks/cancel";
}
std::string with_query(std::string url, const std::vector<std::pair<std::string, std::string>>& query) {
  char sep = '?';
  for (const auto& [k, v] : query) {
    url += sep + k + "=" + v;
    sep = '&';
  }
  return url;
}

json::object body_object(const HttpResponse& response) {
  INFO("response: " << response.describe());
  // api-decisions: "JSON responses use Content-Type: application/json;charset=UTF-8."
  CHECK(response.header("Content-Type") == std::optional<std::string>("application/json;charset=UTF-8"));
  json::value value;
  REQUIRE_NOTHROW(value = response.json());
  REQUIRE(value.is_object());
  return value.as_object();
}

json::object get_object(const json::object& obj, std::string_view key) {
  INFO("in " << json::serialize(obj));
  const json::value* v = obj.if_contains(key);
  INFO("key " << key);
  REQUIRE(v != nullptr);
  REQUIRE(v->is_object());
  return v->as_object();
}

std::string get_string(const json::object& obj, std::string_view key) {
  INFO("in " << json::serialize(obj));
  const json::value* v = obj.if_contains(key);
  INFO("key " << key);
  REQUIRE(v != nullptr);
  REQUIRE(v->is_string());
  return std::string(v->as_string());
}

json::array get_array(const json::object& obj, std::string_view key) {
  INFO("in " << json::serialize(obj));
  const json::value* v = obj.if_contains(key);
  INFO("key " << key);
  REQUIRE(v != nullptr);
  REQUIRE(v->is_array());
  return v->as_array();
}

std::vector<std::string> strings_of(const json::array& array) {
  std::vector<std::string> out;
  for (const auto& item : array) {
    INFO("array " << json::serialize(array));
    REQUIRE(item.is_string());
    out.emplace_back(item.as_string());
  }
  return out;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void check_request_id(const HttpResponse& response) {
  INFO("response: " << response.describe());
  const auto id = response.header("X-Request-Id");
  CHECK(id.has_value());
  if (id) CHECK(matches(*id, "[0-9a-f]{32}"));
}

void check_timestamp(const json::value& value, std::string_view what, std::chrono::milliseconds slack) {
  INFO(what << " = " << json::serialize(value));
  CHECK(value.is_int64());
  if (!value.is_int64()) return;
  const std::int64_t ms = value.as_int64();
  CHECK(ms >= 1000000000000);  // 13 digits: milliseconds, not seconds
  CHECK(ms <= 9999999999999);
  CHECK(ms % 1000 == 0);  // truncated to whole seconds (decision 6)
  if (slack.count() > 0) {
    INFO("now = " << now_ms());
    CHECK(std::llabs(ms - now_ms()) <= slack.count());
  }
}

void check_secret_shape(const json::object& secret, std::string_view name) {
  INFO("secret: " << json::serialize(secret));
  for (const char* key : {"id", "name", "state", "kms_key_id", "create_time", "update_time", "scheduled_delete_time"}) {
    INFO("key " << key);
    CHECK(secret.contains(key));
  }
  if (auto* id = secret.if_contains("id"); id && id->is_string()) {
    CHECK(matches(std::string(id->as_string()), "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
  } else {
    FAIL_CHECK("secret.id is not a string");
  }
  if (auto* n = secret.if_contains("name")) CHECK(*n == json::value(name));
  std::string state;
  if (auto* s = secret.if_contains("state"); s && s->is_string()) state = std::string(s->as_string());
  CHECK((state == "ENABLED" || state == "DISABLED" || state == "PENDING_DELETE" || state == "FROZEN"));
  if (auto* k = secret.if_contains("kms_key_id"); k && k->is_string()) {
    CHECK(matches(std::string(k->as_string()), "[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}"));
  } else {
    FAIL_CHECK("secret.kms_key_id is not a string");
  }
  if (auto* d = secret.if_contains("description")) CHECK(d->is_string());
  if (auto* v = secret.if_contains("create_time")) check_timestamp(*v, "create_time");
  if (auto* v = secret.if_contains("update_time")) check_timestamp(*v, "update_time");
  if (auto* v = secret.if_contains("scheduled_delete_time")) {
    if (state == "PENDING_DELETE") {
      check_timestamp(*v, "scheduled_delete_time", std::chrono::milliseconds(0));
    } else {
      CHECK(v->is_null());
    }
  }
  if (auto* t = secret.if_contains("secret_type")) {
    CHECK((*t == "COMMON" || *t == "RDS-FG" || *t == "GaussDB-FG"));
  }
  if (auto* a = secret.if_contains("auto_rotation")) CHECK(a->is_bool());
  if (auto* e = secret.if_contains("event_subscriptions")) CHECK(e->is_array());
  // A secret object never carries the value.
  CHECK_FALSE(secret.contains("secret_string"));
  CHECK_FALSE(secret.contains("secret_binary"));
}

void check_version_metadata_shape(const json::object& metadata, std::string_view secret_name) {
  INFO("version_metadata: " << json::serialize(metadata));
  for (const char* key : {"id", "create_time", "kms_key_id", "secret_name", "version_stages"}) {
    INFO("key " << key);
    CHECK(metadata.contains(key));
  }
  if (auto* id = metadata.if_contains("id"); id && id->is_string()) {
    CHECK(matches(std::string(id->as_string()), "v[0-9]{1,10}"));
  } else {
    FAIL_CHECK("version_metadata.id is not a string");
  }
  if (auto* v = metadata.if_contains("create_time")) check_timestamp(*v, "create_time");
  if (auto* k = metadata.if_contains("kms_key_id")) CHECK(k->is_string());
  if (auto* n = metadata.if_contains("secret_name")) CHECK(*n == json::value(secret_name));
  if (auto* s = metadata.if_contains("version_stages"); s && s->is_array()) {
    for (const auto& stage : s->as_array()) CHECK(stage.is_string());
    CHECK(s->as_array().size() <= 12);
  } else {
    FAIL_CHECK("version_metadata.version_stages is not an array");
  }
  if (auto* e = metadata.if_contains("expire_time"); e && !e->is_null()) {
    check_timestamp(*e, "expire_time", std::chrono::milliseconds(0));
  }
  CHECK_FALSE(metadata.contains("secret_string"));
  CHECK_FALSE(metadata.contains("secret_binary"));
}

void check_stage_shape(const json::object& stage, std::string_view secret_name) {
  INFO("stage: " << json::serialize(stage));
  for (const char* key : {"name", "version_id", "update_time", "secret_name"}) {
    INFO("key " << key);
    CHECK(stage.contains(key));
  }
  if (auto* n = stage.if_contains("name")) CHECK(n->is_string());
  if (auto* v = stage.if_contains("version_id"); v && v->is_string()) {
    CHECK(matches(std::string(v->as_string()), "v[0-9]{1,10}"));
  } else {
    FAIL_CHECK("stage.version_id is not a string");
  }
  if (auto* t = stage.if_contains("update_time")) check_timestamp(*t, "update_time");
  if (auto* s = stage.if_contains("secret_name")) CHECK(*s == json::value(secret_name));
}

void check_page_info(const json::object& body, std::size_t count) {
  INFO("body: " << json::serialize(body));
  const json::value* page = body.if_contains("page_info");
  REQUIRE(page != nullptr);
  REQUIRE(page->is_object());
  const auto& info = page->as_object();
  for (const char* key : {"next_marker", "previous_marker", "current_count"}) {
    INFO("key " << key);
    CHECK(info.contains(key));
  }
  if (auto* n = info.if_contains("next_marker")) CHECK((n->is_null() || n->is_string()));
  if (auto* p = info.if_contains("previous_marker")) CHECK((p->is_null() || p->is_string()));
  if (auto* c = info.if_contains("current_count"); c && c->is_int64()) {
    CHECK(c->as_int64() == static_cast<std::int64_t>(count));
  } else {
    FAIL_CHECK("page_info.current_count is not an integer");
  }
}

void check_error(const HttpResponse& response, int status, std::string_view code) {
  INFO("expected " << status << " " << code << "; response: " << response.describe());
  CHECK(response.status == status);
  check_request_id(response);
  json::value value;
  try {
    value = response.json();
  } catch (const std::exception& e) {
    FAIL_CHECK("error body is not JSON: " << e.what());
    return;
  }
  REQUIRE(value.is_object());
  CHECK(response.header("Content-Type") == std::optional<std::string>("application/json;charset=UTF-8"));
  const auto& obj = value.as_object();
  CHECK_FALSE(obj.contains("error"));  // flat shape for secrets, versions and stages (decision 8)
  const json::value* error_code = obj.if_contains("error_code");
  const json::value* error_msg = obj.if_contains("error_msg");
  CHECK(error_code != nullptr);
  CHECK(error_msg != nullptr);
  if (error_code) CHECK(*error_code == json::value(code));
  if (error_msg) {
    CHECK(error_msg->is_string());
    if (error_msg->is_string()) CHECK_FALSE(error_msg->as_string().empty());
  }
}

json::object create_secret(HttpClient& client, std::string_view name, std::string_view value, std::string_view project) {
  return create_secret_with(client, json::object{{"name", name}, {"secret_string", value}}, project);
}

json::object create_secret_with(HttpClient& client, const json::object& body, std::string_view project) {
  const HttpResponse r = client.post_json(secrets_url(project), body);
  INFO("create secret " << json::serialize(body));
  REQUIRE_STATUS(r, 200);
  return get_object(body_object(r), "secret");
}

json::object get_secret(HttpClient& client, std::string_view name, std::string_view project) {
  const HttpResponse r = client.get(secret_url(name, project));
  REQUIRE_STATUS(r, 200);
  return get_object(body_object(r), "secret");
}

json::object create_version(HttpClient& client, std::string_view name, std::string_view value,
                            const std::optional<std::vector<std::string>>& stages, std::string_view project) {
  json::object body{{"secret_string", value}};
  if (stages) {
    json::array list;
    for (const auto& s : *stages) list.emplace_back(s);
    body["version_stages"] = std::move(list);
  }
  INFO("create version of " << name << ": " << json::serialize(body));
  const HttpResponse r = client.post_json(versions_url(name, project), body);
  REQUIRE_STATUS(r, 200);
  return get_object(body_object(r), "version_metadata");
}

json::object get_version(HttpClient& client, std::string_view name, std::string_view version, std::string_view project) {
  const HttpResponse r = client.get(version_url(name, version, project));
  INFO("get version " << name << "/" << version);
  REQUIRE_STATUS(r, 200);
  return get_object(body_object(r), "version");
}

json::object put_stage(HttpClient& client, std::string_view name, std::string_view stage, std::string_view version,
                       std::string_view project) {
  INFO("PUT stage " << stage << " -> " << version);
  const HttpResponse r = client.put_json(stage_url(name, stage, project), json::object{{"version_id", version}});
  REQUIRE_STATUS(r, 200);
  return get_object(body_object(r), "stage");
}

json::object post_stage(HttpClient& client, std::string_view name, std::string_view stage, std::string_view version,
                        std::string_view project) {
  INFO("POST stage " << stage << " -> " << version);
  const HttpResponse r =
      client.post_json(stages_url(name, project), json::object{{"name", stage}, {"version_id", version}});
  REQUIRE_STATUS(r, 200);
  return get_object(body_object(r), "stage");
}

std::optional<std::string> stage_holder(HttpClient& client, std::string_view name, std::string_view stage,
                                        std::string_view project) {
  const HttpResponse r = client.get(stage_url(name, stage, project));
  INFO("GET stage " << stage);
  if (r.status == 404) {
    CHECK_CSMS_ERROR(r, 404, "CSMS.0005");
    return std::nullopt;
  }
  REQUIRE_STATUS(r, 200);
  return get_string(get_object(body_object(r), "stage"), "version_id");
}

std::vector<std::pair<std::string, std::vector<std::string>>> list_all_versions(HttpClient& client,
                                                                                std::string_view name,
                                                                                std::string_view project) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  std::optional<std::string> marker;
  for (int page = 0; page < 100; ++page) {
    std::vector<std::pair<std::string, std::string>> query{{"limit", "1000"}};
    if (marker) query.emplace_back("marker", *marker);
    const HttpResponse r = client.get(with_query(versions_url(name, project), query));
    REQUIRE_STATUS(r, 200);
    const json::object body = body_object(r);
    for (const auto& item : get_array(body, "version_metadatas")) {
      REQUIRE(item.is_object());
      const auto& md = item.as_object();
      out.emplace_back(get_string(md, "id"), strings_of(get_array(md, "version_stages")));
    }
    const json::object page_info = get_object(body, "page_info");
    const json::value* next = page_info.if_contains("next_marker");
    if (next == nullptr || next->is_null()) return out;
    REQUIRE(next->is_string());
    marker = std::string(next->as_string());
  }
  FAIL("version list did not end after 100 pages");
  return out;
}

std::map<std::string, std::string> stage_owners(HttpClient& client, std::string_view name, std::string_view project) {
  std::map<std::string, std::string> owners;
  for (const auto& [version, stages] : list_all_versions(client, name, project)) {
    for (const auto& stage : stages) {
      auto [it, inserted] = owners.emplace(stage, version);
      INFO("stage " << stage << " is listed on " << it->second << " and on " << version);
      CHECK(inserted);
    }
  }
  return owners;
}

std::optional<std::vector<std::string>> stages_of(HttpClient& client, std::string_view name, std::string_view version,
                                                  std::string_view project) {
  for (auto& [id, stages] : list_all_versions(client, name, project)) {
    if (id != version) continue;
    std::sort(stages.begin(), stages.end());
    return stages;
  }
  return std::nullopt;
}

bool version_exists(HttpClient& client, std::string_view name, std::string_view version, std::string_view project) {
  const HttpResponse r = client.get(version_url(name, version, project));
  INFO("GET version " << name << "/" << version << ": " << r.describe());
  REQUIRE((r.status == 200 || r.status == 404));
  if (r.status == 404) CHECK_CSMS_ERROR(r, 404, "CSMS.0005");
  return r.status == 200;
}

bool poll_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

std::string vid(int n) { return "v" + std::to_string(n); }

}  // namespace csms_it
