// prepare.cpp: creating the benchmark's secrets over the same target the run uses, several connections at a time.
#include "prepare.hpp"

#include "client.hpp"
#include "scenario.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

namespace csms_bench {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;

// Shared by the connections of one io_context (one thread), so the counter needs no atomics.
struct PrepareQueue {
  std::size_t next = 0;
};

net::awaitable<unsigned> expect(Client& client, http::verb method, const std::string& target, std::string body,
                                bool allow_conflict) {
  const Reply reply = co_await client.send(method, target, std::move(body));
  const bool ok = (reply.status >= 200 && reply.status <= 299) || (allow_conflict && reply.status == 409);
  if (!ok) {
    throw std::runtime_error("prepare: " + std::string(http::to_string(method)) + " " + target + " answered " +
                             (reply.status == 0 ? std::string("nothing (connection failed)")
                                                : std::to_string(reply.status) + " " + reply.body));
  }
  co_return reply.status;
}

net::awaitable<void> prepare_connection(const Options& options, std::shared_ptr<PrepareQueue> queue,
                                        PrepareResult& result) {
  Client client(co_await net::this_coro::executor, options);
  const std::string secrets = "/v1/" + options.project + "/secrets";
  const std::size_t staged = options.prepare_stages.value_or(options.prepare);
  // One secret per turn: a 100k vault is many small transactions, and each connection keeps one in flight.
  while (queue->next < options.prepare) {
    const std::size_t i = queue->next++;
    const std::string name = secret_name(i);
    const unsigned status =
        co_await expect(client, http::verb::post, secrets,
                        R"({"name":")" + name + R"(","secret_string":"bench-initial-value"})", true);
    if (status == 409) {
      ++result.existing;
      continue;
    }
    const std::string secret = secrets + "/" + name;
    for (int version = 2; version <= 3; ++version) {
      co_await expect(client, http::verb::post, secret + "/versions",
                      R"({"secret_string":"bench-value-v)" + std::to_string(version) + R"("})", false);
    }
    if (i < staged) {
      co_await expect(client, http::verb::put, secret + "/stages/BENCH-A", R"({"version_id":"v1"})", false);
      co_await expect(client, http::verb::put, secret + "/stages/BENCH-B", R"({"version_id":"v2"})", false);
    }
    ++result.created;
  }
}

}  // namespace

void start_prepare(net::io_context& context, const Options& options, PrepareResult& result) {
  auto queue = std::make_shared<PrepareQueue>();
  for (unsigned c = 0; c < options.prepare_connections; ++c) {
    net::co_spawn(context, prepare_connection(options, queue, result), [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
  }
}

}  // namespace csms_bench
