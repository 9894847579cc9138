// ceiling_main.cpp: csmsd-sqlite-ceiling: the storage ceiling for create-version, one sequential client.
//
// csmsd cannot commit versions faster than SQLite can run the same statements with one fsync per transaction on the
// same disk, so this rate (and its per-transaction time) is what csmsd's write figures are divided by. It runs
// in-process, one connection, back to back: no HTTP, no JSON, no sealing, no audit line.
#include "ceiling_create_version.hpp"
#include "ceiling_database.hpp"
#include "ceiling_options.hpp"
#include "histogram.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

using namespace csms_bench;
using Clock = std::chrono::steady_clock;

struct Quantile {
  const char* name;
  double q;
};
constexpr Quantile kQuantiles[] = {{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"p99.9", 0.999}};

double micros(std::uint64_t nanos) { return static_cast<double>(nanos) / 1000.0; }

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

struct Result {
  Histogram latency;
  std::uint64_t transactions = 0;
  double seconds = 0;

  double per_second() const { return seconds > 0 ? static_cast<double>(transactions) / seconds : 0.0; }
  double mean_micros() const { return transactions > 0 ? seconds * 1e6 / static_cast<double>(transactions) : 0.0; }
};

Result measure(const CeilingOptions& options, CreateVersionTransaction& create, std::mt19937_64& random) {
  Result result;
  const auto started = Clock::now();
  const auto stop_at = started + options.duration;
  for (std::uint64_t sent = 1;; ++sent) {
    const auto begin = Clock::now();
    if (options.transactions ? result.transactions >= *options.transactions : begin >= stop_at) break;
    // The same value as csmsd-loadgen's create-version body, "bench-value-<n>", so the sealed size matches.
    const std::size_t plaintext = sizeof("bench-value-") - 1 + std::to_string(sent).size();
    create.run(static_cast<std::size_t>(random() % options.secrets), plaintext, random);
    result.latency.record(static_cast<std::uint64_t>(std::chrono::nanoseconds(Clock::now() - begin).count()));
    ++result.transactions;
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

std::string human_report(const CeilingOptions& options, const Result& result) {
  std::string line = "sqlite-ceiling create-version secrets=" + std::to_string(options.secrets) +
                     " (1 connection, WAL, synchronous=FULL): " + std::to_string(result.transactions) +
                     " transactions in " + fixed(result.seconds, 2) + "s, " + fixed(result.per_second(), 0) +
                     " tx/s | latency ms";
  for (const auto& [name, q] : kQuantiles) {
    line += std::string(" ") + name + "=" + fixed(micros(result.latency.quantile(q)) / 1000.0, 3);
  }
  line += " max=" + fixed(micros(result.latency.max()) / 1000.0, 3);
  line += " | single-client per-transaction time: mean " + fixed(result.mean_micros() / 1000.0, 3) + " ms, p50 " +
          fixed(micros(result.latency.quantile(0.5)) / 1000.0, 3) + " ms";
  return line;
}

std::string json_report(const CeilingOptions& options, const Result& result) {
  boost::json::object latency;
  for (const auto& [name, q] : kQuantiles) latency[name] = micros(result.latency.quantile(q));
  latency["max"] = micros(result.latency.max());
  const boost::json::object report{
      {"kind", "sqlite-ceiling"},
      {"scenario", "create-version"},
      {"secrets", options.secrets},
      {"connections", 1},
      {"elapsed_s", result.seconds},
      {"transactions", result.transactions},
      {"transactions_per_s", result.per_second()},
      {"per_transaction_us", result.mean_micros()},
      {"latency_us", std::move(latency)},
  };
  return boost::json::serialize(report);
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<CeilingOptions> options;
  try {
    options = parse_ceiling_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::cerr << "csmsd-sqlite-ceiling: " << error.what() << "\n";
    return 2;
  }
  if (!options) return 0;
  try {
    std::mt19937_64 random(0x5eed);
    Result result;
    {
      auto db = create_database(options->db);
      seed_secrets(*db, options->project, options->secrets, random);
      CreateVersionTransaction create(*db, options->project);
      result = measure(*options, create, random);
    }
    if (!options->keep) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(options->db.string() + suffix);
    }
    std::cout << (options->json ? json_report(*options, result) : human_report(*options, result)) << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "csmsd-sqlite-ceiling: " << error.what() << "\n";
    return 1;
  }
}
