// worker.hpp: the load loop of one connection and what it measured.
#pragma once

#include "histogram.hpp"
#include "options.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

namespace csms_bench {

using Clock = std::chrono::steady_clock;

/// Written by exactly one connection's coroutine, read only after every thread has joined: no locks needed.
struct ConnectionStats {
  Histogram latency;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::map<unsigned, std::uint64_t> errors_by_status;  ///< status 0 counts transport failures
  Clock::time_point last_done{};

  void merge(const ConnectionStats& other);
};

/// When the measured window opens and closes; shared read-only by all connections except `budget`.
struct RunWindow {
  Clock::time_point measure_from;
  std::optional<Clock::time_point> stop_at;        ///< --duration
  std::atomic<std::int64_t>* budget = nullptr;     ///< --requests: measured requests still to send
};

boost::asio::awaitable<void> run_connection(const Options& options, unsigned index, const RunWindow& window,
                                            ConnectionStats& stats);

}  // namespace csms_bench
