// options.cpp: parsing csmsd-loadgen's command line.
#include "options.hpp"

#include "parse.hpp"

#include <iostream>
#include <stdexcept>
#include <string_view>

namespace csms_bench {
namespace {

constexpr std::string_view kUsage = R"(usage: csmsd-loadgen (--unix PATH | --tcp HOST:PORT) [options]
  --scenario NAME      read-latest (default), read-stage, create-version, move-stage, list, mixed
  --connections N      keep-alive connections, one coroutine each (default 1)
  --threads N          threads, each with its own io_context; connections are spread over them (default 1)
  --duration DUR       measured time, e.g. 10s, 500ms, 1m (default 10s)
  --requests N         measured request count instead of a duration
  --warmup DUR         load before measuring starts (default 0)
  --prepare N          create secrets bench-0..N-1 (3 versions each) first; existing ones are kept
  --prepare-connections N   connections used while preparing (default 1)
  --prepare-stages N   pin the stages BENCH-A/BENCH-B only on bench-0..N-1 (default: every prepared secret)
  --prepare-only       stop after preparing: no measured run, no result line
  --secrets N          how many bench-* secrets the scenario uses when not preparing (default 100)
  --project ID         project id of the paths (default 0123456789abcdef0123456789abcdef)
  --ak AK --sk SK      sign every request with SDK-HMAC-SHA256 (csmsd requires it on TCP)
  --json               print one JSON line instead of the table line
)";

Target parse_tcp(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) throw std::invalid_argument("--tcp needs HOST:PORT");
  const std::uint64_t port = parse_count("--tcp", text.substr(colon + 1));
  if (port == 0 || port > 65535) throw std::invalid_argument("--tcp needs a port from 1 to 65535");
  Target target;
  target.kind = Target::Kind::kTcp;
  target.host = std::string(text.substr(0, colon));
  // [::1]:8443 names an IPv6 address; the resolver wants it without brackets.
  if (target.host.size() > 2 && target.host.front() == '[' && target.host.back() == ']') {
    target.host = target.host.substr(1, target.host.size() - 2);
  }
  target.port = static_cast<std::uint16_t>(port);
  return target;
}

}  // namespace

std::string Target::describe() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  return host + ":" + std::to_string(port);
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  bool have_target = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view option = argv[i];
    if (option == "--help" || option == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    }
    if (option == "--json") {
      options.json = true;
      continue;
    }
    if (option == "--prepare-only") {
      options.prepare_only = true;
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument(std::string(option) + " needs a value (see --help)");
    const std::string_view value = argv[++i];
    if (option == "--unix") {
      options.target = Target{Target::Kind::kUnix, std::string(value), {}, 0};
      have_target = true;
    } else if (option == "--tcp") {
      options.target = parse_tcp(value);
      have_target = true;
    } else if (option == "--connections") {
      options.connections = static_cast<unsigned>(parse_count(option, value));
    } else if (option == "--threads") {
      options.threads = static_cast<unsigned>(parse_count(option, value));
    } else if (option == "--duration") {
      options.duration = parse_duration(option, value);
    } else if (option == "--requests") {
      options.requests = parse_count(option, value);
    } else if (option == "--warmup") {
      options.warmup = parse_duration(option, value);
    } else if (option == "--scenario") {
      const auto scenario = parse_scenario(value);
      if (!scenario) throw std::invalid_argument("unknown scenario '" + std::string(value) + "' (see --help)");
      options.scenario = *scenario;
    } else if (option == "--prepare") {
      options.prepare = parse_count(option, value);
      options.secrets = options.prepare;
    } else if (option == "--prepare-connections") {
      options.prepare_connections = static_cast<unsigned>(parse_count(option, value));
    } else if (option == "--prepare-stages") {
      options.prepare_stages = parse_count(option, value);
    } else if (option == "--secrets") {
      options.secrets = parse_count(option, value);
    } else if (option == "--project") {
      options.project = std::string(value);
    } else if (option == "--ak") {
      options.access_key = std::string(value);
    } else if (option == "--sk") {
      options.secret_key = std::string(value);
    } else {
      throw std::invalid_argument("unknown option " + std::string(option) + " (see --help)");
    }
  }
  if (!have_target) throw std::invalid_argument("give --unix PATH or --tcp HOST:PORT (see --help)");
  if (options.connections == 0 || options.threads == 0) throw std::invalid_argument("--connections and --threads must be at least 1");
  if (options.prepare_connections == 0) throw std::invalid_argument("--prepare-connections must be at least 1");
  if (options.prepare_only && options.prepare == 0) throw std::invalid_argument("--prepare-only needs --prepare N");
  if (options.threads > options.connections) options.threads = options.connections;
  if (options.secrets == 0) throw std::invalid_argument("--secrets (or --prepare) must be at least 1");
  if (options.access_key.empty() != options.secret_key.empty()) throw std::invalid_argument("--ak and --sk go together");
  return options;
}

}  // namespace csms_bench
