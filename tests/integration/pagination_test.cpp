// pagination_test.cpp: marker/limit paging of ListSecrets and ListSecretVersions (decision 10).
#include <optional>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

namespace {

struct Page {
  std::vector<std::string> names;
  json::value next_marker;
  json::value previous_marker;
};

// One page of `url` whose items live under `items_key` and are named by `id_key`.
Page fetch_page(HttpClient& client, const std::string& url, const char* items_key, const char* id_key) {
  const HttpResponse r = client.get(url);
  INFO("GET " << url);
  REQUIRE_STATUS(r, 200);
  const auto body = body_object(r);
  Page page;
  for (const auto& item : get_array(body, items_key)) {
    REQUIRE(item.is_object());
    page.names.push_back(get_string(item.as_object(), id_key));
  }
  check_page_info(body, page.names.size());
  const auto& info = get_object(body, "page_info");
  if (auto* n = info.if_contains("next_marker")) page.next_marker = *n;
  if (auto* p = info.if_contains("previous_marker")) page.previous_marker = *p;
  return page;
}

using Names = std::vector<std::string>;

}  // namespace

// "marker is exclusive. Every list response has page_info; next_marker is the last item of the page when more items
// follow, and null otherwise; a page past the end is an empty array."
// api-decisions: "previous_marker is the first item of the page, or null for an empty page."
TEST_CASE("list secrets pages with an exclusive marker", "[integration][pagination][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  for (const char* n : {"page-e", "page-c", "page-a", "page-d", "page-b"}) create_secret(client, n, "v");
  const auto url = secrets_url();

  Page p = fetch_page(client, with_query(url, {{"limit", "2"}}), "secrets", "name");
  CHECK(p.names == Names{"page-a", "page-b"});
  CHECK(p.next_marker == json::value("page-b"));
  CHECK(p.previous_marker == json::value("page-a"));

  p = fetch_page(client, with_query(url, {{"limit", "2"}, {"marker", "page-b"}}), "secrets", "name");
  CHECK(p.names == Names{"page-c", "page-d"});
  CHECK(p.next_marker == json::value("page-d"));
  CHECK(p.previous_marker == json::value("page-c"));

  p = fetch_page(client, with_query(url, {{"limit", "2"}, {"marker", "page-d"}}), "secrets", "name");
  CHECK(p.names == Names{"page-e"});
  CHECK(p.next_marker.is_null());
  CHECK(p.previous_marker == json::value("page-e"));

  p = fetch_page(client, with_query(url, {{"limit", "2"}, {"marker", "page-e"}}), "secrets", "name");
  CHECK(p.names.empty());
  CHECK(p.next_marker.is_null());
  CHECK(p.previous_marker.is_null());

  // A page ending exactly at the last item has nothing after it.
  p = fetch_page(client, with_query(url, {{"limit", "5"}}), "secrets", "name");
  CHECK(p.names.size() == 5);
  CHECK(p.next_marker.is_null());
}

// "marker is exclusive" (items strictly after the marker, in name order); "a page past the end is an empty array"
TEST_CASE("list secrets with a marker that names no secret starts after it", "[integration][pagination][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  for (const char* n : {"m-a", "m-c", "m-e"}) create_secret(client, n, "v");
  Page p = fetch_page(client, with_query(secrets_url(), {{"marker", "m-b"}}), "secrets", "name");
  CHECK(p.names == Names{"m-c", "m-e"});
  p = fetch_page(client, with_query(secrets_url(), {{"marker", "zzz"}}), "secrets", "name");
  CHECK(p.names.empty());
  CHECK(p.next_marker.is_null());
}

// Terraform "requests ?marker=<name of last item received> repeatedly and stops only when it receives an empty
// array"; Dapr "recurses while page_info.next_marker is non-null".
TEST_CASE("following next_marker visits every secret exactly once", "[integration][pagination][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  Names expected;
  for (int i = 0; i < 23; ++i) {
    const std::string n = "walk-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    create_secret(client, n, "v");
    expected.push_back(n);
  }
  Names seen;
  std::optional<std::string> marker;
  for (int guard = 0; guard < 20; ++guard) {
    std::vector<std::pair<std::string, std::string>> query{{"limit", "4"}};
    if (marker) query.emplace_back("marker", *marker);
    const Page p = fetch_page(client, with_query(secrets_url(), query), "secrets", "name");
    seen.insert(seen.end(), p.names.begin(), p.names.end());
    if (p.next_marker.is_null()) break;
    REQUIRE(p.next_marker.is_string());
    marker = std::string(p.next_marker.as_string());
  }
  CHECK(seen == expected);
}

// api-decisions: "limit: ListSecrets takes a string or number 1 to 1000 (default 50)"; "marker ... for secrets: the
// secret-name regex" → CSMS.0002 otherwise.
TEST_CASE("list secrets validates limit and marker", "[integration][pagination][secrets][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  for (const char* limit : {"0", "1001", "-1", "abc"}) {
    INFO("limit=" << limit);
    CHECK_CSMS_ERROR(client.get(with_query(secrets_url(), {{"limit", limit}})), 400, "CSMS.0002");
  }
  CHECK_CSMS_ERROR(client.get(with_query(secrets_url(), {{"marker", "a.b"}})), 400, "CSMS.0002");
  REQUIRE_STATUS(client.get(with_query(secrets_url(), {{"limit", "1000"}})), 200);
  REQUIRE_STATUS(client.get(with_query(secrets_url(), {{"limit", "1"}})), 200);
}

// "limit ... default 50"
TEST_CASE("list secrets returns 50 by default", "[integration][pagination][secrets]") {
  Daemon daemon;
  auto client = daemon.client();
  for (int i = 0; i < 52; ++i) create_secret(client, "many-" + std::string(i < 10 ? "0" : "") + std::to_string(i), "v");
  const Page p = fetch_page(client, secrets_url(), "secrets", "name");
  CHECK(p.names.size() == 50);
  CHECK(p.next_marker == json::value("many-49"));
  const Page rest = fetch_page(client, with_query(secrets_url(), {{"marker", "many-49"}}), "secrets", "name");
  CHECK(rest.names == Names{"many-50", "many-51"});
  CHECK(rest.next_marker.is_null());
}

// "9 | ListSecretVersions | ... marker, limit"; "marker (pattern v[0-9]{1,10}|latest; "version id of the last
// record of the previous page")"; api-decisions: "versions in ascending version number".
TEST_CASE("list versions pages with an exclusive marker in numeric order", "[integration][pagination][versions]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("vpage");
  create_secret(client, name, "v");
  for (int i = 2; i <= 11; ++i) create_version(client, name, "v" + std::to_string(i));
  const auto url = versions_url(name);

  Page p = fetch_page(client, with_query(url, {{"limit", "4"}}), "version_metadatas", "id");
  CHECK(p.names == Names{"v1", "v2", "v3", "v4"});
  CHECK(p.next_marker == json::value("v4"));
  CHECK(p.previous_marker == json::value("v1"));

  p = fetch_page(client, with_query(url, {{"limit", "4"}, {"marker", "v4"}}), "version_metadatas", "id");
  CHECK(p.names == Names{"v5", "v6", "v7", "v8"});
  CHECK(p.next_marker == json::value("v8"));

  p = fetch_page(client, with_query(url, {{"limit", "4"}, {"marker", "v8"}}), "version_metadatas", "id");
  CHECK(p.names == Names{"v9", "v10", "v11"});
  CHECK(p.next_marker.is_null());
  CHECK(p.previous_marker == json::value("v9"));

  p = fetch_page(client, with_query(url, {{"limit", "4"}, {"marker", "v11"}}), "version_metadatas", "id");
  CHECK(p.names.empty());
  CHECK(p.next_marker.is_null());
  CHECK(p.previous_marker.is_null());

  p = fetch_page(client, with_query(url, {{"marker", "v99"}}), "version_metadatas", "id");
  CHECK(p.names.empty());
}

// api-decisions: "limit ... ListSecretVersions likewise [1 to 1000]"; "marker for versions: v[0-9]{1,10} or latest"
TEST_CASE("list versions validates limit and marker", "[integration][pagination][versions][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("vpage-err");
  create_secret(client, name, "v");
  for (const char* limit : {"0", "1001", "x"}) {
    INFO("limit=" << limit);
    CHECK_CSMS_ERROR(client.get(with_query(versions_url(name), {{"limit", limit}})), 400, "CSMS.0002");
  }
  for (const char* marker : {"x1", "v", "version1"}) {
    INFO("marker=" << marker);
    CHECK_CSMS_ERROR(client.get(with_query(versions_url(name), {{"marker", marker}})), 400, "CSMS.0002");
  }
}
