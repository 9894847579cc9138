// worker.cpp: one connection sends its scenario's requests back to back and records each measured answer.
#include "worker.hpp"

#include "client.hpp"
#include "scenario.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace csms_bench {

namespace net = boost::asio;

void ConnectionStats::merge(const ConnectionStats& other) {
  latency.merge(other.latency);
  requests += other.requests;
  errors += other.errors;
  for (const auto& [status, count] : other.errors_by_status) errors_by_status[status] += count;
  last_done = std::max(last_done, other.last_done);
}

net::awaitable<void> run_connection(const Options& options, unsigned index, const RunWindow& window,
                                    ConnectionStats& stats) {
  const auto executor = co_await net::this_coro::executor;
  Client client(executor, options);
  RequestSource source(options.scenario, options.project, options.secrets, 0x9e3779b97f4a7c15ULL * (index + 1), index,
                       options.connections);
  for (;;) {
    const auto started = Clock::now();
    if (window.stop_at && started >= *window.stop_at) break;
    RequestSpec spec = source.next();
    const bool measured = spec.measured && started >= window.measure_from;
    if (measured && window.budget != nullptr && window.budget->fetch_sub(1, std::memory_order_relaxed) <= 0) break;

    // Latency covers signing, writing and reading, as a caller of an SDK would see it.
    const auto sent = Clock::now();
    const Reply reply = co_await client.send(spec.method, std::move(spec.target), std::move(spec.body));
    const auto done = Clock::now();
    source.observe(reply.status, reply.body);

    if (measured) {
      ++stats.requests;
      stats.latency.record(static_cast<std::uint64_t>(std::chrono::nanoseconds(done - sent).count()));
      stats.last_done = done;
      if (reply.status < 200 || reply.status > 299) {
        ++stats.errors;
        ++stats.errors_by_status[reply.status];
      }
    }
    if (reply.status == 0) {
      // The daemon is gone or refusing: back off a little instead of spinning on reconnects.
      net::steady_timer pause(executor, std::chrono::milliseconds(10));
      co_await pause.async_wait(net::use_awaitable);
    }
  }
}

}  // namespace csms_bench
