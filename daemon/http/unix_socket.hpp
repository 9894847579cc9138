// unix_socket.hpp: safe creation of a listening Unix socket path, its mode and group, and peer credential lookup.
#pragma once

#include "core/error.hpp"
#include "http/message.hpp"

#include <filesystem>
#include <optional>

#include <sys/types.h>

namespace csms::http {

/// Who may connect to a Unix socket listener: the file's mode and, optionally, its group.
struct UnixSocketOptions {
  /// Between 0600 and 0666: the owner always has read and write, and execute bits mean nothing on a socket.
  mode_t mode = 0600;
  /// The group the socket file is given (chown); the daemon's own group when empty.
  std::optional<gid_t> group;
};

/// Whether `mode` is one UnixSocketOptions accepts.
constexpr bool valid_socket_mode(mode_t mode) { return (mode & ~mode_t{0666}) == 0 && (mode & 0600) == 0600; }

/// Makes `path` available for bind(): a stale socket nobody listens on is removed; a live socket (another daemon)
/// or anything that is not a socket is refused and left untouched.
core::Status prepare_socket_path(const std::filesystem::path& path);

/// Identity of a bound socket file, so shutdown removes only the file this process created.
struct SocketFileId {
  dev_t device = 0;
  ino_t inode = 0;
};

core::Result<SocketFileId> socket_file_id(const std::filesystem::path& path);

/// Removes the socket file if it is still the one identified by `id`.
void remove_socket_file(const std::filesystem::path& path, const SocketFileId& id);

/// Gives the bound socket file at `path` (identified by `id`) its group, then its mode. Call it between bind() and
/// listen(): until listen() every connect is refused, so nobody gets in under an intermediate group or mode.
core::Status apply_socket_options(const std::filesystem::path& path, const SocketFileId& id,
                                  const UnixSocketOptions& options);

/// Fills uid, gid and pid from SO_PEERCRED and groups from SO_PEERGROUPS; leaves them empty if the kernel does not
/// answer.
void read_peer_credentials(int fd, Peer& peer);

}  // namespace csms::http
