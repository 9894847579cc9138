// hostile_input_test.cpp: malformed JSON, odd paths, pipelining, slow and many clients; none crashes, hangs or leaks.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "address_sanitizer.hpp"
#include "harness.hpp"
#include "raw_connection.hpp"

using namespace csms_it;
using namespace std::string_literals;
using csms_test::RawConnection;

namespace {

std::size_t open_descriptors(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++count;
  }
  return count;
}

/// The daemon still answers, and has created no secret from the hostile requests.
void check_still_serving(Daemon& daemon, HttpClient& client, std::size_t secrets_expected) {
  REQUIRE(daemon.process().running());
  const HttpResponse list = client.get(with_query(secrets_url(), {{"limit", "200"}}));
  REQUIRE_STATUS(list, 200);
  CHECK(list.json().at("secrets").as_array().size() == secrets_expected);
}

std::string raw_request(std::string_view method, std::string_view target, std::string_view body) {
  std::string request = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: csmsd\r\n";
  request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return request + std::string(body);
}

}  // namespace

TEST_CASE("malformed, truncated and oddly typed JSON bodies are 400 and change nothing", "[integration][hostile]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  create_secret(client, "target", "kept");
  const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_object = [] {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += "{\"a\":";
    return text + "1" + std::string(20000, '}');
  }();
  struct Case {
    std::string body;
    std::string code;
  };
  const std::vector<Case> create_bodies = {
      {"", "CSMS.0004"},
      {"{", "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":\"abc", "CSMS.0004"},  // truncated mid-string
      {"{\"name\":\"x\",\"secret_string\":\"abc\"", "CSMS.0004"},  // truncated before the brace
      {"{\"name\":\"x\",\"secret_string\":\"abc\"}}", "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":\"abc\"} trailing", "CSMS.0004"},
      {"[\"name\",\"x\"]", "CSMS.0004"},
      {"null", "CSMS.0004"},
      {"\"just a string\"", "CSMS.0004"},
      {"{name:\"x\"}", "CSMS.0004"},
      {"{'name':'x'}", "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":\"\xff\xfe\"}", "CSMS.0004"},          // invalid UTF-8 in a value
      {"{\"name\":\"x\",\"secret_string\":\"\xc0\xaf\"}", "CSMS.0004"},          // overlong encoding of '/'
      {"{\"name\":\"x\",\"secret_string\":\"\xed\xa0\x80\"}", "CSMS.0004"},      // a UTF-16 surrogate as UTF-8
      {"{\"na\xffme\":\"x\",\"secret_string\":\"v\"}", "CSMS.0004"},             // invalid UTF-8 in a key
      {"{\"name\":\"x\",\"secret_string\":\"\\ud800\"}", "CSMS.0004"},          // a lone escaped surrogate
      {"{\"name\":\"x\",\"name\":\"y\",\"secret_string\":\"v\"}", "CSMS.0004"},  // duplicate key
      {"{\"name\":\"x\",\"secret_string\":\"v\",\"secret_string\":\"w\"}", "CSMS.0004"},
      {deep_array, "CSMS.0004"},
      {deep_object, "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":\"v\",\"extra\":" + deep_array + "}", "CSMS.0004"},
      {"{\"name\":5,\"secret_string\":\"v\"}", "CSMS.0004"},  // wrong types
      {"{\"name\":[\"x\"],\"secret_string\":\"v\"}", "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":{\"v\":1}}", "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":true}", "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":\"v\",\"event_subscriptions\":\"e\"}", "CSMS.0004"},
      {"{\"name\":\"x\",\"secret_string\":\"v\",\"description\":1e999}", "CSMS.0004"},
      {"{\"name\":\"x\0y\",\"secret_string\":\"v\"}"s, "CSMS.0004"},  // a raw NUL: JSON wants it escaped
      {"{\"name\":\"x\\u0000y\",\"secret_string\":\"v\"}", "CSMS.0002"},  // an escaped one
  };
  for (const Case& c : create_bodies) {
    INFO("body: " << c.body.substr(0, 80));
    CHECK_CSMS_ERROR(client.post(secrets_url(), c.body), 400, c.code);
  }
  const std::vector<std::string> window_bodies = {
      "{\"recovery_window_in_days\":1e400}",
      "{\"recovery_window_in_days\":99999999999999999999999}",
      "{\"recovery_window_in_days\":-9223372036854775809}",
      "{\"recovery_window_in_days\":7.5}",
      "{\"recovery_window_in_days\":\"7\"}",
      "{\"recovery_window_in_days\":[7]}",
  };
  for (const std::string& body : window_bodies) {
    INFO("body: " << body);
    const HttpResponse r = client.post(schedule_delete_url("target"), body);
    CHECK(r.status == 400);
    CHECK(r.json().at("error_code").as_string().starts_with("CSMS.000"));
  }
  for (const std::string_view body : {"{\"expire_time\":1e30}", "{\"expire_time\":18446744073709551616}",
                                  "{\"expire_time\":\"soon\"}", "{\"expire_time\":-1}"}) {
    INFO("body: " << body);
    CHECK(client.put(version_url("target", "v1"), std::string(body)).status == 400);
  }
  for (const std::string_view limit : {"99999999999999999999", "-1", "0", "1e3", "%00", "50%20"}) {
    INFO("limit=" << limit);
    CHECK_CSMS_ERROR(client.get(secrets_url() + "?limit=" + std::string(limit)), 400, "CSMS.0002");
  }
  check_still_serving(daemon, client, 1);
  CHECK(get_version(client, "target", "latest").at("secret_string").as_string() == "kept");
  CHECK(get_secret(client, "target").at("state").as_string() == "ENABLED");
}

TEST_CASE("encoded slashes, dots and control bytes in path names never reach another resource",
          "[integration][hostile]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  create_secret(client, "a", "a-value");
  create_secret(client, "b", "b-value");
  const std::string base = "/v1/" + std::string(kProject) + "/secrets/";
  for (const std::string name : {"a%2Fb", "a%2fb", "..", "%2e%2e", "%2E", "a.b", "a%2Eb", "%00", "a%00b", "a%0d%0ab",
                                 "a%20b", "%ff", "a%", "a%2", "%u0061"}) {
    INFO("name: " << name);
    const HttpResponse r = client.get(base + name + "/versions/latest");
    CHECK(r.status == 400);
    CHECK(r.body.find("a-value") == std::string::npos);
    CHECK(r.body.find("b-value") == std::string::npos);
  }
  // Dot segments are not resolved: they are names, and names have no dots.
  for (const std::string& target : std::vector<std::string>{base + "b/../a/versions/latest", base + "./a/versions/latest",
                                   base + "a/versions/../../b/versions/latest", base + "a//versions/latest"}) {
    INFO("target: " << target);
    const HttpResponse r = client.get(target);
    CHECK(r.status == 400);
    CHECK(r.body.find("-value") == std::string::npos);
  }
  // The project id is held to its format, encoded or not.
  for (const std::string& project : std::vector<std::string>{"..%2F" + std::string(kProject), std::string(kProject) + "%2F..", "%2e%2e"}) {
    CHECK(client.get("/v1/" + project + "/secrets").status == 400);
  }
  check_still_serving(daemon, client, 2);
}

TEST_CASE("pipelined requests are answered in order on one connection", "[integration][hostile]") {
  Daemon daemon(no_prune());
  {
    auto client = daemon.client();
    create_secret(client, "piped", "one");
  }
  RawConnection connection(daemon.unix_endpoint());
  const std::string versions = versions_url("piped");
  connection.send(raw_request("POST", versions, "{\"secret_string\":\"two\"}") +
                  raw_request("GET", version_url("piped", "latest"), "") +
                  raw_request("POST", secrets_url(), "{broken") +
                  raw_request("GET", version_url("piped", "v1"), ""));
  const HttpResponse created = connection.receive_response();
  const HttpResponse latest = connection.receive_response();
  const HttpResponse broken = connection.receive_response();
  const HttpResponse first = connection.receive_response();
  CHECK(created.status == 200);
  CHECK(created.json().at("version_metadata").at("id").as_string() == "v2");
  REQUIRE(latest.status == 200);
  CHECK(latest.json().at("version").at("secret_string").as_string() == "two");
  CHECK(broken.status == 400);
  REQUIRE(first.status == 200);
  CHECK(first.json().at("version").at("secret_string").as_string() == "one");
}

TEST_CASE("a client dripping its headers is cut off at the request timeout while others are served",
          "[integration][hostile]") {
  auto options = no_prune();
  options.extra_args = {"--idle-timeout", "1s"};
  Daemon daemon(options);
  auto client = daemon.client();
  create_secret(client, "slow", "v");

  RawConnection dripping(daemon.unix_endpoint());
  const std::string request = raw_request("GET", version_url("slow", "latest"), "");
  const auto started = std::chrono::steady_clock::now();
  bool cut_off = false;
  for (std::size_t i = 0; i < request.size() - 2 && !cut_off; ++i) {
    try {
      dripping.send(request.substr(i, 1));
    } catch (const std::exception&) {
      cut_off = true;
      break;
    }
    // Others are served meanwhile.
    if (i % 5 == 0) CHECK_STATUS(client.get(version_url("slow", "latest")), 200);
    cut_off = dripping.wait_closed(std::chrono::milliseconds(150));
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(cut_off);
  CHECK(waited < std::chrono::seconds(8));  // a bound on the test, not a latency goal: without a cut it runs ~20 s
  // An idle kept-alive connection is closed after the timeout too.
  RawConnection idle(daemon.unix_endpoint());
  idle.send(raw_request("GET", version_url("slow", "latest"), ""));
  CHECK(idle.receive_response().status == 200);
  CHECK(idle.wait_closed(std::chrono::seconds(5)));
  auto fresh = daemon.client();  // the first client idled past the timeout too
  check_still_serving(daemon, fresh, 1);
}

TEST_CASE("connections beyond --max-connections are closed at once and the others are still served",
          "[integration][hostile]") {
  auto options = no_prune();
  options.extra_args = {"--max-connections", "8", "--threads", "2"};
  options.listen_tcp = false;
  Daemon daemon(options);
  // The first request opens and then keeps its connection: that is one of the 8.
  auto client = daemon.client();
  create_secret(client, "crowd", "v");
  const std::size_t descriptors_before = open_descriptors(daemon.process().pid());

  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 7; ++i) held.push_back(std::make_unique<RawConnection>(daemon.unix_endpoint()));
  // Give the daemon a moment to accept them all, so the next ones are the surplus.
  held.back()->send(raw_request("GET", version_url("crowd", "latest"), ""));
  REQUIRE(held.back()->receive_response().status == 200);
  std::vector<std::unique_ptr<RawConnection>> surplus;
  for (int i = 0; i < 24; ++i) surplus.push_back(std::make_unique<RawConnection>(daemon.unix_endpoint()));
  for (auto& connection : surplus) CHECK(connection->wait_closed(std::chrono::seconds(5)));
  // The admitted ones keep working.
  CHECK_STATUS(client.get(version_url("crowd", "latest")), 200);
  for (auto& connection : held) {
    connection->send(raw_request("GET", version_url("crowd", "latest"), ""));
    CHECK(connection->receive_response().status == 200);
  }
  held.clear();
  surplus.clear();
  // Once they leave, new connections are served again, and no descriptor was leaked.
  CHECK(poll_until(
      [&] {
        try {
          RawConnection fresh(daemon.unix_endpoint());
          fresh.send(raw_request("GET", version_url("crowd", "latest"), ""));
          return fresh.receive_response(std::chrono::seconds(2)).status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      std::chrono::seconds(10)));
  CHECK(poll_until([&] { return open_descriptors(daemon.process().pid()) <= descriptors_before; },
                   std::chrono::seconds(10)));
  check_still_serving(daemon, client, 1);
}

TEST_CASE("thousands of hostile requests leave the daemon's memory and descriptors where they were",
          "[integration][hostile]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  create_secret(client, "steady", "v");
  const auto rss_kib = [&] {
    std::ifstream status("/proc/" + std::to_string(daemon.process().pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    }
    return 0L;
  };
  const auto round = [&] {
    for (int i = 0; i < 300; ++i) {
      client.post(secrets_url(), std::string(1000 + i, '['));
      client.post(secrets_url(), "{\"name\":\"x\",\"secret_string\":\"\xff\"}");
      client.get(secret_url("a%2Fb"));
      RawConnection raw(daemon.unix_endpoint());
      raw.send("GARBAGE / HTTP/9.9\r\n\r\n");
      raw.wait_closed(std::chrono::seconds(2));
    }
  };
  round();  // warm-up: allocator pools and thread caches reach their working size
  const long rss_after_warmup = rss_kib();
  const std::size_t descriptors = open_descriptors(daemon.process().pid());
  for (int i = 0; i < 3; ++i) round();
  const long rss_after = rss_kib();
  INFO("RSS " << rss_after_warmup << " KiB after warm-up, " << rss_after << " KiB after 3 more rounds");
#if CSMS_UNDER_ADDRESS_SANITIZER
  // ASan holds freed memory in quarantine, so RSS grows by design; its leak checker covers this build instead.
  WARN("RSS growth not checked under AddressSanitizer (" << rss_after - rss_after_warmup << " KiB)");
#else
  // Leaking a request's buffers (each over 1 KiB here) would add more than 3.6 MiB across these 3600 requests.
  CHECK(rss_after - rss_after_warmup < 2048);
#endif
  CHECK(poll_until([&] { return open_descriptors(daemon.process().pid()) <= descriptors; }, std::chrono::seconds(5)));
  check_still_serving(daemon, client, 1);
}
