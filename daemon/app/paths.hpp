// paths.hpp: where csmsd keeps its data and listens by default; shared by the daemon and csmsctl so both agree.
#pragma once

#include <filesystem>

namespace csms::app {

/// $XDG_DATA_HOME/csmsd, else ~/.local/share/csmsd, else ./.csmsd (relative, when even $HOME is unset).
std::filesystem::path default_data_dir();

/// $XDG_RUNTIME_DIR/csmsd/csmsd.sock, else <data_dir>/csmsd.sock.
std::filesystem::path default_socket_path(const std::filesystem::path& data_dir);

}  // namespace csms::app
