// value_io.cpp: read(2)/write(2) into and out of wiped buffers, so no stdio buffer keeps a copy of a secret.
#include "ctl/value_io.hpp"

#include "ctl/args.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace csms::ctl {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

core::Error io_error(const std::string& what) {
  const int saved = errno;
  return core::make_error(core::Errc::kInternal, what + ": " + std::strerror(saved));
}

}  // namespace

core::Result<core::SecureString> read_value(const std::optional<std::string>& file, std::size_t limit) {
  const bool from_stdin = !file || *file == "-";
  int fd = STDIN_FILENO;
  if (!from_stdin) {
    fd = ::open(file->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open " + *file);
  } else if (::isatty(STDIN_FILENO) == 1) {
    std::fputs("csmsctl: reading the value from the terminal; end it with Ctrl-D (twice without a newline)\n", stderr);
  }
  core::SecureString value;
  value.reserve(limit + 1);  // no reallocation below, so no unwiped intermediate copy
  std::array<char, 4096> chunk{};
  core::Status status = core::ok();
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = io_error(from_stdin ? std::string("cannot read the value from stdin") : "cannot read " + *file);
      break;
    }
    if (n == 0) break;
    if (value.size() + static_cast<std::size_t>(n) > limit) {
      status = usage_error("the input is larger than " + std::to_string(limit) + " bytes");
      break;
    }
    value.append(chunk.data(), static_cast<std::size_t>(n));
  }
  explicit_bzero(chunk.data(), chunk.size());
  if (!from_stdin) ::close(fd);
  if (!status) return status.error();
  return value;
}

core::SecureString base64_encode_secure(std::string_view bytes) {
  core::SecureString out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) | std::uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t left = bytes.size() - i;
  if (left > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (left == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += left == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<core::SecureString> base64_decode_secure(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  core::SecureString out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int values[4];
    int padding = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + static_cast<std::size_t>(j)];
      if (c == '=' && last && j >= 2) {
        values[j] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after padding
      values[j] = sextet(c);
      if (values[j] < 0) return std::nullopt;
    }
    const std::uint32_t n = (std::uint32_t(values[0]) << 18) | (std::uint32_t(values[1]) << 12) |
                            (std::uint32_t(values[2]) << 6) | std::uint32_t(values[3]);
    out += static_cast<char>((n >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

core::Status write_new_private_file(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return usage_error(path + " already exists; csmsctl does not overwrite files");
    return io_error("cannot create " + path);
  }
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const core::Error error = io_error("cannot write " + path);
      ::close(fd);
      ::unlink(path.c_str());
      return error;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  const bool synced = ::fsync(fd) == 0;
  if (!synced) {
    const core::Error error = io_error("cannot write " + path);
    ::close(fd);
    return error;
  }
  if (::close(fd) != 0) return io_error("cannot write " + path);
  return core::ok();
}

}  // namespace csms::ctl
