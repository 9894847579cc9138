// unix_socket.cpp: socket path checks (never unlink what is not a stale socket) and SO_PEERCRED.
#include "http/unix_socket.hpp"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace csms::http {
namespace {

// A socket is stale only when connecting to it is refused: nobody listens. Any other outcome (a connection,
// EACCES because it belongs to someone else, EAGAIN because its backlog is full) means it may be alive.
bool is_stale_socket(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const bool refused =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

}  // namespace

core::Status prepare_socket_path(const std::filesystem::path& path) {
  if (path.native().size() >= sizeof(sockaddr_un{}.sun_path)) {
    return core::make_error(core::Errc::kInvalidParameter, "socket path " + path.string() + " is longer than " +
                                                               std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                                                               " bytes");
  }
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return core::ok();
    return core::make_error(core::Errc::kInternal, "cannot inspect " + path.string() + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(info.st_mode)) {
    return core::make_error(core::Errc::kInvalidParameter,
                            path.string() + " exists and is not a socket; refusing to remove it");
  }
  if (!is_stale_socket(path)) {
    return core::make_error(core::Errc::kUnavailable,
                            path.string() + " is a socket that may be in use (another process listens on it, or it "
                                            "is not ours to test); refusing to remove it");
  }
  // Look again right before unlinking, so a file swapped in meanwhile is not removed.
  struct stat again {};
  if (::lstat(path.c_str(), &again) != 0 || !S_ISSOCK(again.st_mode) || again.st_ino != info.st_ino ||
      again.st_dev != info.st_dev) {
    return core::make_error(core::Errc::kUnavailable, path.string() + " changed while being checked; refusing to remove it");
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return core::make_error(core::Errc::kInternal, "cannot remove stale socket " + path.string() + ": " + std::strerror(errno));
  }
  return core::ok();
}

core::Result<SocketFileId> socket_file_id(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    return core::make_error(core::Errc::kInternal, "cannot inspect " + path.string() + ": " + std::strerror(errno));
  }
  return SocketFileId{info.st_dev, info.st_ino};
}

void remove_socket_file(const std::filesystem::path& path, const SocketFileId& id) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return;
  if (!S_ISSOCK(info.st_mode) || info.st_dev != id.device || info.st_ino != id.inode) return;
  (void)::unlink(path.c_str());
}

void read_peer_credentials(int fd, Peer& peer) {
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 || length != sizeof(credentials)) return;
  peer.uid = credentials.uid;
  peer.gid = credentials.gid;
  peer.pid = credentials.pid;
}

}  // namespace csms::http
