// harness.hpp: shared vocabulary of the integration suite: the daemon fixture, CSMS URLs, shape checks, API shortcuts.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "http_client.hpp"
#include "http_response.hpp"
#include "test_daemon.hpp"

namespace csms_it {

using csms_test::Endpoint;
using csms_test::HttpClient;
using csms_test::HttpResponse;
namespace json = boost::json;

/// The project every test uses unless it tests isolation (32 hex characters, like an IAM project id).
inline constexpr std::string_view kProject = "5f1c0a7e9d2b4c6e8a0b1c2d3e4f5a6b";
/// A second project for isolation tests.
inline constexpr std::string_view kOtherProject = "a0b1c2d3e4f5061728394a5b6c7d8e9f";

/// The csmsd binary under test: $CSMSD_BINARY if set, else the CMake target's file.
std::filesystem::path csmsd_binary();

/// A per-test csmsd (standard flags unless given); prints its stderr log to std::cerr when destroyed during a
/// failing test, before the temp directory is removed.
class Daemon : public csms_test::TestDaemon {
 public:
  explicit Daemon(csms_test::TestDaemonOptions options = {});
  ~Daemon() override;
};

/// Options that keep every version for the test's lifetime (pruning grace of an hour).
csms_test::TestDaemonOptions no_prune();

/// A name unique within this test process: `<prefix>-<counter>`.
std::string unique_name(std::string_view prefix);

// ---- URLs (project defaults to kProject) ----
std::string secrets_url(std::string_view project = kProject);
std::string secret_url(std::string_view name, std::string_view project = kProject);
std::string versions_url(std::string_view name, std::string_view project = kProject);
std::string version_url(std::string_view name, std::string_view version, std::string_view project = kProject);
std::string stages_url(std::string_view name, std::string_view project = kProject);
std::string stage_url(std::string_view name, std::string_view stage, std::string_view project = kProject);
std::string schedule_delete_url(std::string_view name, std::string_view project = kProject);
std::string cancel_delete_url(std::string_view name, std::string_view project = kProject);
/// url + "?k=v&..." (values are used verbatim; tests only pass URL-safe values).
std::string with_query(std::string url, const std::vector<std::pair<std::string, std::string>>& query);

// ---- JSON access ----
/// The body as a JSON object (fails the test otherwise).
json::object body_object(const HttpResponse& response);
/// obj[key] as an object / string / array, copied (fails the test when absent or of another type).
json::object get_object(const json::object& obj, std::string_view key);
std::string get_string(const json::object& obj, std::string_view key);
json::array get_array(const json::object& obj, std::string_view key);
/// The strings of a JSON array of strings, in order.
std::vector<std::string> strings_of(const json::array& array);
/// The current wall clock in epoch milliseconds.
std::int64_t now_ms();

// ---- shape checks (CHECK-level; they report every mismatch) ----
/// 32 lowercase hex characters in X-Request-Id.
void check_request_id(const HttpResponse& response);
/// An int64 epoch-ms timestamp: 13 digits, a multiple of 1000, within `slack` of now.
void check_timestamp(const json::value& value, std::string_view what,
                     std::chrono::milliseconds slack = std::chrono::minutes(2));
void check_secret_shape(const json::object& secret, std::string_view name);
void check_version_metadata_shape(const json::object& metadata, std::string_view secret_name);
void check_stage_shape(const json::object& stage, std::string_view secret_name);
/// page_info present with next_marker / previous_marker (string or null) and current_count == `count`.
void check_page_info(const json::object& body, std::size_t count);
/// A flat CSMS error: status, `{"error_code": code, "error_msg": non-empty}`, X-Request-Id.
void check_error(const HttpResponse& response, int status, std::string_view code);

// ---- API shortcuts: each REQUIREs success and returns the interesting object ----
json::object create_secret(HttpClient& client, std::string_view name, std::string_view value,
                           std::string_view project = kProject);
json::object create_secret_with(HttpClient& client, const json::object& body, std::string_view project = kProject);
json::object get_secret(HttpClient& client, std::string_view name, std::string_view project = kProject);
/// POST .../versions with secret_string; `stages` becomes version_stages when given. Returns version_metadata.
json::object create_version(HttpClient& client, std::string_view name, std::string_view value,
                            const std::optional<std::vector<std::string>>& stages = std::nullopt,
                            std::string_view project = kProject);
/// GET .../versions/{id}; returns "version".
json::object get_version(HttpClient& client, std::string_view name, std::string_view version,
                         std::string_view project = kProject);
/// PUT .../stages/{stage} {"version_id"}; returns "stage".
json::object put_stage(HttpClient& client, std::string_view name, std::string_view stage, std::string_view version,
                       std::string_view project = kProject);
/// POST .../stages {"name", "version_id"}; returns "stage".
json::object post_stage(HttpClient& client, std::string_view name, std::string_view stage, std::string_view version,
                        std::string_view project = kProject);
/// The version holding `stage` per GET .../stages/{stage}, or nullopt on 404 CSMS.0005.
std::optional<std::string> stage_holder(HttpClient& client, std::string_view name, std::string_view stage,
                                        std::string_view project = kProject);
/// All versions (paged through) in list order: id -> version_stages.
std::vector<std::pair<std::string, std::vector<std::string>>> list_all_versions(HttpClient& client,
                                                                                std::string_view name,
                                                                                std::string_view project = kProject);
/// stage -> holder, from list_all_versions; CHECKs that no stage appears on two versions.
std::map<std::string, std::string> stage_owners(HttpClient& client, std::string_view name,
                                                std::string_view project = kProject);
/// The stages one version carries per the version list (sorted), or nullopt if the version is not listed.
std::optional<std::vector<std::string>> stages_of(HttpClient& client, std::string_view name, std::string_view version,
                                                  std::string_view project = kProject);
/// GET .../versions/{id}: true on 200, false on 404 (anything else fails the test).
bool version_exists(HttpClient& client, std::string_view name, std::string_view version,
                    std::string_view project = kProject);

/// Polls `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
bool poll_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(50));

/// "v<n>".
std::string vid(int n);

}  // namespace csms_it

/// Status check that prints the whole response on failure (the response expression is evaluated once).
#define REQUIRE_STATUS(response, expected)                     \
  do {                                                         \
    const ::csms_test::HttpResponse& status_checked_ = (response); \
    INFO("response: " << status_checked_.describe());          \
    REQUIRE(status_checked_.status == (expected));             \
  } while (false)

#define CHECK_STATUS(response, expected)                       \
  do {                                                         \
    const ::csms_test::HttpResponse& status_checked_ = (response); \
    INFO("response: " << status_checked_.describe());          \
    CHECK(status_checked_.status == (expected));               \
  } while (false)

/// A flat CSMS error with this status and code (see docs/api-decisions.md); prints the response on failure.
#define CHECK_CSMS_ERROR(response, status, code)                        \
  do {                                                                  \
    INFO("checked at " << __FILE__ << ":" << __LINE__);                 \
    ::csms_it::check_error((response), (status), (code));               \
  } while (false)
