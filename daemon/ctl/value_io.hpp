// value_io.hpp: secret values in and out of csmsctl: stdin or a file, base64 for secret_binary, 0600 output files.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace csms::ctl {

/// More than any value the API accepts (32768 characters), so an oversized value is the daemon's 400, not a
/// truncation; anything larger is refused before it is read whole.
inline constexpr std::size_t kMaxValueInput = 1024 * 1024;

/// The whole of `file`, or of stdin when `file` is absent or "-", byte for byte (no newline is added or removed).
/// Values never come from the command line, where other local users can read them in /proc.
core::Result<core::SecureString> read_value(const std::optional<std::string>& file,
                                            std::size_t limit = kMaxValueInput);

/// Standard padded base64 into wiped storage.
core::SecureString base64_encode_secure(std::string_view bytes);
/// nullopt unless `text` is padded base64.
std::optional<core::SecureString> base64_decode_secure(std::string_view text);

/// Creates `path` with mode 0600 (refusing one that exists, so nothing is overwritten by mistake) and writes all of
/// `bytes` to it, fsynced.
core::Status write_new_private_file(const std::string& path, std::string_view bytes);

}  // namespace csms::ctl
