// server_test.cpp: Server listeners in process: Unix socket mode and group, peer credentials, TLS sessions, drain.
#include "http/server.hpp"
#include "http/tls.hpp"

#include "http_client.hpp"
#include "raw_connection.hpp"
#include "temp_dir.hpp"
#include "test_ca.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <set>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace http = csms::http;
namespace net = boost::asio;
using csms::core::Errc;
using csms_test::Endpoint;
using csms_test::HttpClient;
using csms_test::TempDir;

// Answers 200 with the body's size and remembers the peer of every request; transport errors are 413 for a body over
// the limit, 400 otherwise.
class RecordingHandler : public http::RequestHandler {
 public:
  net::awaitable<http::Response> handle(http::Request& request) override {
    {
      std::lock_guard lock(mutex_);
      peers_.push_back(request.peer);
      threads_.insert(std::this_thread::get_id());
    }
    if (hop != nullptr) {
      // As a group-committed write does: wait on another thread, then resume on the session's own.
      entered = true;
      co_await net::co_spawn(
          *hop,
          [held = hold]() -> net::awaitable<void> {
            net::steady_timer timer(co_await net::this_coro::executor, held);
            co_await timer.async_wait(net::use_awaitable);
          },
          net::use_awaitable);
    }
    http::Response response;
    if (!file_content.empty()) {
      // An unnamed file, as a whole-vault backup's copy is by the time it is sent.
      csms::core::UniqueFd file(::open(std::filesystem::temp_directory_path().c_str(), O_TMPFILE | O_RDWR, 0600));
      if (!file || ::write(file.get(), file_content.data(), file_content.size()) !=
                       static_cast<ssize_t>(file_content.size())) {
        response.status = 599;
        co_return response;
      }
      response.content_type = "application/octet-stream";
      auto hold = std::shared_ptr<void>(nullptr, [released = file_holds_released](void*) { ++*released; });
      response.file_body = std::make_shared<http::FileBody>(http::FileBody{std::move(file), file_content.size(), hold});
      co_return response;
    }
    const std::string size = std::to_string(request.body.size());
    response.body.assign(size.begin(), size.end());
    co_return response;
  }
  /// When not empty, every answer is this, streamed from a file (Response::file_body).
  std::string file_content;
  /// Counts the file bodies whose hold was released (sent or abandoned).
  std::shared_ptr<std::atomic<int>> file_holds_released = std::make_shared<std::atomic<int>>(0);
  /// When set, each request waits `hold` on this context's thread before it is answered.
  net::io_context* hop = nullptr;
  std::chrono::milliseconds hold{0};
  std::atomic<bool> entered{false};
  http::Response transport_error(http::TransportError error, const std::string&, const http::Peer&) override {
    return http::Response{error == http::TransportError::kBodyTooLarge ? 413u : 400u, {}, {}, {}};
  }
  http::Response internal_error(const std::string&) noexcept override { return http::Response{500, {}, {}, {}}; }
  std::vector<http::Peer> peers() const {
    std::lock_guard lock(mutex_);
    return peers_;
  }
  /// How many different threads handled requests.
  std::size_t thread_count() const {
    std::lock_guard lock(mutex_);
    return threads_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<http::Peer> peers_;
  std::set<std::thread::id> threads_;
};

// A server whose listeners run on `io` (its own thread) and whose sessions are spread over `io` and one more
// session thread, as the daemon does with a thread per core; listeners are bound before the threads start.
struct RunningServer {
  explicit RunningServer(http::Limits limits = {}) : server(io, handler, limits, {&io, &sessions}) {}
  net::io_context io{1};
  net::io_context sessions{1};
  RecordingHandler handler;
  http::Server server;
  std::thread thread;
  std::thread session_thread;

  void run() {
    server.start();
    thread = std::thread([this] { io.run(); });
    session_thread = std::thread([this] {
      auto keep_running = net::make_work_guard(sessions);
      sessions.run();
    });
  }
  // Drains on the I/O thread and waits for the drain to complete.
  void drain() {
    std::promise<void> drained;
    net::post(io, [&] { server.drain([&] { drained.set_value(); }); });
    REQUIRE(drained.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    stop();
  }
  void stop() {
    io.stop();
    sessions.stop();
    if (thread.joinable()) thread.join();
    if (session_thread.joinable()) session_thread.join();
  }
  ~RunningServer() { stop(); }
};

std::uint16_t port_of(const std::string& endpoint) {
  return static_cast<std::uint16_t>(std::stoul(endpoint.substr(endpoint.rfind(':') + 1)));
}

TEST_CASE("listen_unix applies the mode and group before anyone can connect", "[unit][http][server]") {
  TempDir dir("csmsd-unit-server");
  const auto path = dir / "s.sock";
  net::io_context io;
  RecordingHandler handler;
  http::Server server(io, handler, http::Limits{});
  const mode_t mode = GENERATE(mode_t{0600}, mode_t{0640}, mode_t{0660}, mode_t{0666});
  REQUIRE(server.listen_unix(path, http::UnixSocketOptions{mode, ::getgid()}).has_value());
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  CHECK(S_ISSOCK(info.st_mode));
  CHECK((info.st_mode & 07777) == mode);
  CHECK(info.st_gid == ::getgid());
  CHECK(server.endpoints() == std::vector<std::string>{"unix:" + path.string()});
}

TEST_CASE("listen_unix refuses modes outside 0600..0666 and creates nothing", "[unit][http][server]") {
  TempDir dir("csmsd-unit-server");
  const auto path = dir / "s.sock";
  net::io_context io;
  RecordingHandler handler;
  http::Server server(io, handler, http::Limits{});
  const mode_t mode = GENERATE(mode_t{0}, mode_t{0400}, mode_t{0200}, mode_t{0700}, mode_t{0670}, mode_t{01600},
                               mode_t{04660}, mode_t{0777});
  INFO("mode " << std::oct << mode);
  CHECK_FALSE(http::valid_socket_mode(mode));
  const auto status = server.listen_unix(path, http::UnixSocketOptions{mode, std::nullopt});
  REQUIRE_FALSE(status.has_value());
  CHECK(status.error().code == Errc::kInvalidParameter);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a Unix socket peer carries SO_PEERCRED and its supplementary groups", "[unit][http][server]") {
  TempDir dir("csmsd-unit-server");
  RunningServer running;
  REQUIRE(running.server.listen_unix(dir / "s.sock").has_value());
  running.run();
  HttpClient client(Endpoint::unix_socket(dir / "s.sock"));
  CHECK(client.get("/").status == 200);
  running.drain();

  const auto peers = running.handler.peers();
  REQUIRE(peers.size() == 1);
  const http::Peer& peer = peers[0];
  CHECK(peer.transport == http::Peer::Transport::kUnix);
  CHECK(peer.uid == std::optional<uid_t>(::getuid()));
  CHECK(peer.gid == std::optional<gid_t>(::getgid()));
  CHECK(peer.pid == std::optional<pid_t>(::getpid()));
  CHECK_FALSE(peer.tls);
  std::vector<gid_t> expected(static_cast<std::size_t>(::getgroups(0, nullptr)));
  REQUIRE(::getgroups(static_cast<int>(expected.size()), expected.data()) == static_cast<int>(expected.size()));
  std::vector<gid_t> got = peer.groups;
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  CHECK(got == expected);
}

TEST_CASE("a TLS listener is named tls:, serves over TLS and drains", "[unit][http][server][tls]") {
  TempDir dir("csmsd-unit-server");
  const auto ca = csms_test::make_test_ca(dir.path());
  auto context = http::make_tls_context(ca.server_chain, ca.server_key);
  REQUIRE(context.has_value());
  RunningServer running;
  REQUIRE(running.server.listen_tcp("127.0.0.1", 0, false, *context).has_value());
  REQUIRE(running.server.listen_tcp("127.0.0.1", 0, false).has_value());
  const auto endpoints = running.server.endpoints();
  REQUIRE(endpoints.size() == 2);
  CHECK(endpoints[0].starts_with("tls:127.0.0.1:"));
  CHECK(endpoints[1].starts_with("tcp:127.0.0.1:"));
  running.run();

  HttpClient tls_client(Endpoint::tls("127.0.0.1", port_of(endpoints[0]), ca.ca_cert));
  HttpClient plain_client(Endpoint::tcp("127.0.0.1", port_of(endpoints[1])));
  for (int i = 0; i < 2; ++i) CHECK(tls_client.get("/").status == 200);
  // A body spanning many TLS records, read through the same session loop.
  const auto big = tls_client.post("/", std::string(300 * 1024, 'x'));
  CHECK(big.status == 200);
  CHECK(big.body == std::to_string(300 * 1024));
  CHECK(plain_client.get("/").status == 200);
  CHECK(tls_client.connections_opened() == 1);
  REQUIRE(tls_client.connected());
  // Over the limit: answered (then closed) over TLS as well.
  HttpClient oversized(Endpoint::tls("127.0.0.1", port_of(endpoints[0]), ca.ca_cert));
  const auto refused = oversized.post("/", std::string(600 * 1024, 'x'));
  CHECK(refused.status == 413);
  CHECK_FALSE(refused.keep_alive);
  running.drain();  // with the first TLS connection idle and kept alive

  const auto peers = running.handler.peers();
  REQUIRE(peers.size() == 4);
  for (int i = 0; i < 3; ++i) {
    CHECK(peers[i].transport == http::Peer::Transport::kTcp);
    CHECK(peers[i].tls);
    CHECK(peers[i].address.starts_with("127.0.0.1:"));
  }
  CHECK_FALSE(peers[3].tls);
}

TEST_CASE("a file body streams in chunks with its Content-Length, keeps the connection and releases its hold",
          "[unit][http][server]") {
  TempDir dir("csmsd-unit-server");
  const auto ca = csms_test::make_test_ca(dir.path());
  auto context = http::make_tls_context(ca.server_chain, ca.server_key);
  REQUIRE(context.has_value());
  RunningServer running;
  // Several chunks and a partial last one.
  std::string content;
  for (std::size_t i = 0; content.size() < 3 * 64 * 1024 + 123; ++i) content += std::to_string(i) + ",";
  running.handler.file_content = content;
  REQUIRE(running.server.listen_unix(dir / "s.sock").has_value());
  REQUIRE(running.server.listen_tcp("127.0.0.1", 0, false, *context).has_value());
  running.run();
  Endpoint tls = Endpoint::tcp("127.0.0.1", port_of(running.server.endpoints()[1]));
  tls.tls_ca_file = ca.ca_cert;
  for (const Endpoint& endpoint : {Endpoint::unix_socket(dir / "s.sock"), tls}) {
    HttpClient client(endpoint);
    for (int round = 0; round < 2; ++round) {
      const auto response = client.get("/");
      REQUIRE(response.status == 200);
      CHECK(response.header("Content-Length") == std::optional<std::string>(std::to_string(content.size())));
      CHECK(response.header("Content-Type") == std::optional<std::string>("application/octet-stream"));
      CHECK(response.body == content);
      CHECK(response.keep_alive);
    }
    CHECK(client.connections_opened() == 1);
  }
  running.drain();
  // Every file body was let go (its file closed, its hold released) once sent.
  CHECK(running.handler.file_holds_released->load() == 4);
}

TEST_CASE("connections are spread over the session threads, and a drain closes idle ones on every thread",
          "[unit][http][server]") {
  TempDir dir("csmsd-unit-server");
  RunningServer running;
  REQUIRE(running.server.listen_unix(dir / "s.sock").has_value());
  running.run();
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<HttpClient>(Endpoint::unix_socket(dir / "s.sock")));
    CHECK(clients.back()->get("/").status == 200);  // kept alive: the connection stays open and idle
  }
  CHECK(running.handler.thread_count() == 2);
  const auto start = std::chrono::steady_clock::now();
  running.drain();  // completes only once every idle connection, on either thread, has been closed
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("a drain waits for a response whose handler is suspended on another thread", "[unit][http][server]") {
  TempDir dir("csmsd-unit-server");
  net::io_context writer{1};
  auto keep_writer = net::make_work_guard(writer);
  std::thread writer_thread([&writer] { writer.run(); });
  RunningServer running;
  running.handler.hop = &writer;
  running.handler.hold = std::chrono::milliseconds(300);
  REQUIRE(running.server.listen_unix(dir / "s.sock").has_value());
  running.run();
  std::promise<unsigned> answered;
  std::thread client([&] {
    try {
      HttpClient http(Endpoint::unix_socket(dir / "s.sock"));
      answered.set_value(http.get("/").status);
    } catch (...) {
      answered.set_exception(std::current_exception());
    }
  });
  while (!running.handler.entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = std::chrono::steady_clock::now();
  running.drain();  // the session is busy: the drain must wait for its answer, not cut it off
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(200));
  auto status = answered.get_future();
  REQUIRE(status.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(status.get() == 200);
  client.join();
  keep_writer.reset();
  writer.stop();
  writer_thread.join();
}

TEST_CASE("a drain timeout closes a connection stuck mid-request and then completes", "[unit][http][server]") {
  TempDir dir("csmsd-unit-server");
  http::Limits limits;
  limits.drain_timeout = std::chrono::milliseconds(200);
  RunningServer running(limits);
  REQUIRE(running.server.listen_unix(dir / "s.sock").has_value());
  running.run();
  // Headers done, body still owed: the session counts as busy, so only the deadline ends it.
  csms_test::RawConnection stuck(Endpoint::unix_socket(dir / "s.sock"));
  stuck.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
  // Wait until the server has the connection (a request on another connection is answered after it was accepted).
  HttpClient probe(Endpoint::unix_socket(dir / "s.sock"));
  CHECK(probe.get("/").status == 200);
  probe.close();
  const auto start = std::chrono::steady_clock::now();
  running.drain();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(stuck.wait_closed(std::chrono::seconds(2)));
}

}  // namespace
