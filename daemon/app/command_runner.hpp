// command_runner.hpp: runs a configured local command (no shell) with a JSON document on stdin and captures stdout.
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace csms::app {

struct CommandLimits {
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::size_t max_output = 64 * 1024;  ///< stdout past this fails the run
};

/// Spawns `program` directly (posix_spawn, no shell, no arguments) in its own process group, with only stdin,
/// stdout and stderr open (stderr is /dev/null, so nothing it prints reaches the daemon's log) and PATH as its
/// only environment variable. Writes `input` to its stdin, closes it, and collects stdout into wiped memory.
/// ok with the output when it exits 0 within the timeout; otherwise an error saying how it ended (exit status,
/// signal, timeout: the whole process group is killed) and never what it printed.
core::Result<core::SecureBuffer> run_command(const std::filesystem::path& program, std::string_view input,
                                             const CommandLimits& limits);

/// Why a --notify-command / --rotation-command path is unusable (empty when it is an executable regular file).
std::string command_path_problem(const std::filesystem::path& program);

}  // namespace csms::app
