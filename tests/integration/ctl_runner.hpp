// ctl_runner.hpp: running the real csmsctl binary from integration tests: arguments, environment, stdin, output.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "harness.hpp"

namespace csms_it {

/// The csmsctl binary under test: $CSMSCTL_BINARY if set, else the CMake target's file.
std::filesystem::path csmsctl_binary();

struct CtlRun {
  int status = -1;  ///< exit code, or 128 + signal
  std::string out;
  std::string err;
};

std::ostream& operator<<(std::ostream& os, const CtlRun& run);

/// Environment changes for one run: a value sets the variable, nullopt removes it.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

/// Runs csmsctl with `args` to completion (killed after `timeout`), capturing both streams. `input` is its stdin
/// (via a temporary file; /dev/null when absent). CSMSD_PROJECT and the access key variables are removed unless
/// `env_changes` sets them, so the caller's environment cannot change a test.
CtlRun run_ctl(const std::vector<std::string>& args, const EnvChanges& env_changes = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(60),
               const std::optional<std::string>& input = std::nullopt);

/// csmsctl addressing the test daemon's Unix socket.
CtlRun ctl(const Daemon& daemon, std::vector<std::string> args, const std::optional<std::string>& input = std::nullopt);

bool contains(const std::string& text, std::string_view needle);

/// stdout as JSON (fails the test otherwise).
json::value parse_json(const CtlRun& run);

}  // namespace csms_it
