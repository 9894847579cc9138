// ceiling_options.hpp: csmsd-sqlite-ceiling's command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace csms_bench {

struct CeilingOptions {
  std::filesystem::path db;  ///< created fresh; put it on the file system of the daemon's data directory
  std::size_t secrets = 1000;
  std::chrono::nanoseconds duration = std::chrono::seconds(10);  ///< ignored when `transactions` is set
  std::optional<std::uint64_t> transactions;
  std::string project = "0123456789abcdef0123456789abcdef";
  bool json = false;
  bool keep = false;  ///< leave the database file behind (for a look with sqlite3)
};

/// Parses argv; throws std::invalid_argument on a bad or missing option; nullopt after printing --help.
std::optional<CeilingOptions> parse_ceiling_options(int argc, char** argv);

}  // namespace csms_bench
