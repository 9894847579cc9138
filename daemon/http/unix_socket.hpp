// unix_socket.hpp: safe creation of a listening Unix socket path and peer credential lookup.
#pragma once

#include "core/error.hpp"
#include "http/message.hpp"

#include <filesystem>

#include <sys/types.h>

namespace csms::http {

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

/// Fills uid, gid and pid from SO_PEERCRED; leaves them empty if the kernel does not answer.
void read_peer_credentials(int fd, Peer& peer);

}  // namespace csms::http
