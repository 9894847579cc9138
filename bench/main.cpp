// main.cpp: csmsd-loadgen: prepares bench secrets, drives N keep-alive connections at a csmsd, prints one result line.
//
// Each connection is one coroutine looping request/answer; connections are spread over --threads threads, each with
// its own io_context, so a thread never shares a socket or statistics with another and the hot path takes no lock.
// One thread is the default because the daemon shares the same (small) machine; raise it when the generator itself
// saturates a core.
#include "options.hpp"
#include "prepare.hpp"
#include "report.hpp"
#include "worker.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <csignal>
#include <exception>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
using namespace csms_bench;

// Rethrows a coroutine's exception out of io_context::run, so a bug ends the run loudly instead of silently.
void rethrow(std::exception_ptr error) {
  if (error) std::rethrow_exception(error);
}

void prepare(const Options& options) {
  net::io_context context(1);
  PrepareResult result;
  const auto started = Clock::now();
  start_prepare(context, options, result);
  context.run();
  const std::chrono::duration<double> took = Clock::now() - started;
  std::cerr << "csmsd-loadgen: prepared " << result.created << " secrets, " << result.existing
            << " already existed, in " << took.count() << "s\n";
}

ConnectionStats run(const Options& options, RunWindow& window) {
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (unsigned t = 0; t < options.threads; ++t) contexts.push_back(std::make_unique<net::io_context>(1));
  window.measure_from = Clock::now() + options.warmup;
  if (!options.requests) window.stop_at = window.measure_from + options.duration;
  std::vector<ConnectionStats> stats(options.connections);
  for (unsigned c = 0; c < options.connections; ++c) {
    net::co_spawn(*contexts[c % options.threads], run_connection(options, c, window, stats[c]), rethrow);
  }

  std::vector<std::exception_ptr> failures(options.threads);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < options.threads; ++t) {
    threads.emplace_back([&, t] {
      try {
        contexts[t]->run();
      } catch (...) {
        failures[t] = std::current_exception();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) rethrow(failure);

  ConnectionStats total;
  for (const auto& one : stats) total.merge(one);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::cerr << "csmsd-loadgen: " << error.what() << "\n";
    return 2;
  }
  if (!options) return 0;
  std::signal(SIGPIPE, SIG_IGN);  // a daemon closing mid-write is a counted error, not a reason to die
  try {
    if (options->prepare > 0) prepare(*options);
    if (options->prepare_only) return 0;
    std::atomic<std::int64_t> budget(options->requests ? static_cast<std::int64_t>(*options->requests) : 0);
    RunWindow window;
    if (options->requests) window.budget = &budget;
    const ConnectionStats total = run(*options, window);
    const auto elapsed = total.requests == 0 ? std::chrono::nanoseconds(0)
                                             : std::chrono::nanoseconds(total.last_done - window.measure_from);
    std::cout << (options->json ? json_report(*options, total, elapsed) : human_report(*options, total, elapsed))
              << std::endl;
    return total.errors == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "csmsd-loadgen: " << error.what() << "\n";
    return 1;
  }
}
