// prepare.cpp: creating the benchmark's secrets over the same target the run uses, one request at a time.
#include "prepare.hpp"

#include "client.hpp"
#include "scenario.hpp"

#include <boost/asio/this_coro.hpp>

#include <stdexcept>
#include <string>

namespace csms_bench {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;

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

}  // namespace

net::awaitable<PrepareResult> prepare_secrets(const Options& options) {
  Client client(co_await net::this_coro::executor, options);
  PrepareResult result;
  const std::string secrets = "/v1/" + options.project + "/secrets";
  for (std::size_t i = 0; i < options.prepare; ++i) {
    const std::string name = secret_name(i);
    const unsigned status = co_await expect(client, http::verb::post, secrets,
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
    co_await expect(client, http::verb::put, secret + "/stages/BENCH-A", R"({"version_id":"v1"})", false);
    co_await expect(client, http::verb::put, secret + "/stages/BENCH-B", R"({"version_id":"v2"})", false);
    ++result.created;
  }
  co_return result;
}

}  // namespace csms_bench
