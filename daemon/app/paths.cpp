// paths.cpp: default data directory and socket path from the XDG environment.
#include "app/paths.hpp"

#include <cstdlib>
#include <optional>

namespace csms::app {
namespace {

// An empty variable counts as unset, as the XDG base directory specification asks.
std::optional<std::filesystem::path> env_path(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::filesystem::path(value);
}

}  // namespace

std::filesystem::path default_data_dir() {
  if (auto data_home = env_path("XDG_DATA_HOME")) return *data_home / "csmsd";
  if (auto home = env_path("HOME")) return *home / ".local/share/csmsd";
  return std::filesystem::path(".csmsd");
}

std::filesystem::path default_socket_path(const std::filesystem::path& data_dir) {
  if (auto runtime = env_path("XDG_RUNTIME_DIR")) return *runtime / "csmsd/csmsd.sock";
  return data_dir / "csmsd.sock";
}

}  // namespace csms::app
