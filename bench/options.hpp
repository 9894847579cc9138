// options.hpp: csmsd-loadgen's command line: target, load shape, scenario, signing and output.
#pragma once

#include "scenario.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace csms_bench {

struct Target {
  enum class Kind { kUnix, kTcp };
  Kind kind = Kind::kUnix;
  std::string path;  ///< kUnix
  std::string host;  ///< kTcp
  std::uint16_t port = 0;

  std::string describe() const;
};

struct Options {
  Target target;
  unsigned connections = 1;
  unsigned threads = 1;
  std::chrono::nanoseconds duration = std::chrono::seconds(10);  ///< ignored when `requests` is set
  std::optional<std::uint64_t> requests;
  std::chrono::nanoseconds warmup{0};
  Scenario scenario = Scenario::kReadLatest;
  std::size_t secrets = 100;  ///< bench-0 .. bench-(secrets-1)
  std::size_t prepare = 0;    ///< create this many secrets first (also sets `secrets`)
  unsigned prepare_connections = 1;           ///< concurrent connections while preparing
  std::optional<std::size_t> prepare_stages;  ///< pin BENCH-A/BENCH-B only on the first N (default: all)
  bool prepare_only = false;                  ///< exit after preparing, without a measured run
  std::string project = "0123456789abcdef0123456789abcdef";
  std::string access_key;
  std::string secret_key;
  bool json = false;
};

/// Parses argv; throws std::invalid_argument with a message for the user on a bad or missing option.
/// Returns nullopt when --help was asked (the usage is already printed).
std::optional<Options> parse_options(int argc, char** argv);

}  // namespace csms_bench
