// ceiling_options.cpp: parsing csmsd-sqlite-ceiling's command line.
#include "ceiling_options.hpp"

#include "parse.hpp"

#include <iostream>
#include <stdexcept>
#include <string_view>

namespace csms_bench {
namespace {

constexpr std::string_view kUsage = R"(usage: csmsd-sqlite-ceiling --db FILE [options]
Runs the SQL of csmsd's create-version (POST .../versions) in a loop, one transaction and one fsync per version,
on one connection, against a fresh database with csmsd's schema and PRAGMAs: the storage ceiling.
  --db FILE            database to create (an existing one and its -wal/-shm are replaced)
  --secrets N          bench-0..N-1 seeded with 3 versions each, as csmsd-loadgen --prepare does (default 1000)
  --duration DUR       measured time, e.g. 3s, 500ms, 1m (default 10s)
  --transactions N     measured transaction count instead of a duration
  --project ID         project id of the seeded secrets (default 0123456789abcdef0123456789abcdef)
  --keep               keep the database afterwards
  --json               print one JSON line instead of the table line
)";

}  // namespace

std::optional<CeilingOptions> parse_ceiling_options(int argc, char** argv) {
  CeilingOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view option = argv[i];
    if (option == "--help" || option == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    }
    if (option == "--json" || option == "--keep") {
      (option == "--json" ? options.json : options.keep) = true;
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument(std::string(option) + " needs a value (see --help)");
    const std::string_view value = argv[++i];
    if (option == "--db") {
      options.db = std::filesystem::path(value);
    } else if (option == "--secrets") {
      options.secrets = parse_count(option, value);
    } else if (option == "--duration") {
      options.duration = parse_duration(option, value);
    } else if (option == "--transactions") {
      options.transactions = parse_count(option, value);
    } else if (option == "--project") {
      options.project = std::string(value);
    } else {
      throw std::invalid_argument("unknown option " + std::string(option) + " (see --help)");
    }
  }
  if (options.db.empty()) throw std::invalid_argument("give --db FILE (see --help)");
  if (options.secrets == 0) throw std::invalid_argument("--secrets must be at least 1");
  return options;
}

}  // namespace csms_bench
