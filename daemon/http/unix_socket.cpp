// unix_socket.cpp: socket path checks (never unlink what is not a stale socket), mode and group, peer credentials.
#include "http/unix_socket.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace csms::http {
namespace {

std::string octal(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode));
  return text;
}

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

core::Status apply_socket_options(const std::filesystem::path& path, const SocketFileId& id,
                                  const UnixSocketOptions& options) {
  if (!valid_socket_mode(options.mode)) {
    return core::make_error(core::Errc::kInvalidParameter, "socket mode " + octal(options.mode) +
                                                               " is outside 0600..0666 for " + path.string());
  }
  // Group first, mode second: a wider mode must never apply to the wrong group. lchown: never follow a link that
  // might have replaced the file since bind().
  if (options.group && ::lchown(path.c_str(), static_cast<uid_t>(-1), *options.group) != 0) {
    return core::make_error(core::Errc::kInternal, "cannot give " + path.string() + " the group " +
                                                       std::to_string(*options.group) + ": " + std::strerror(errno));
  }
  if (::chmod(path.c_str(), options.mode) != 0) {
    return core::make_error(core::Errc::kInternal,
                            "cannot set mode " + octal(options.mode) + " on " + path.string() + ": " + std::strerror(errno));
  }
  // chmod follows links: confirm the change landed on our socket and nothing else was swapped in meanwhile.
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || !S_ISSOCK(info.st_mode) || info.st_dev != id.device ||
      info.st_ino != id.inode || (info.st_mode & 07777) != options.mode ||
      (options.group && info.st_gid != *options.group)) {
    return core::make_error(core::Errc::kInternal, path.string() + " changed while its mode and group were set");
  }
  return core::ok();
}

void read_peer_credentials(int fd, Peer& peer) {
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 || length != sizeof(credentials)) return;
  peer.uid = credentials.uid;
  peer.gid = credentials.gid;
  peer.pid = credentials.pid;

  // Most processes have a handful of groups; ERANGE reports the size needed (up to NGROUPS_MAX), so one retry does.
  std::vector<gid_t> groups(32);
  for (int attempt = 0; attempt < 2; ++attempt) {
    socklen_t bytes = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
      groups.resize(bytes / sizeof(gid_t));
      peer.groups = std::move(groups);
      return;
    }
    if (errno != ERANGE) return;
    groups.resize(bytes / sizeof(gid_t) + 1);
  }
}

}  // namespace csms::http
