// password_generator.hpp: GenerateRandomPassword: a password from the CSPRNG with the options of
// CreatePasswordRequestBody.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace csms::domain {

/// Length limits and default of the API reference (GenerateRandomPassword: 1 to 255, default 32).
inline constexpr std::int64_t kMinPasswordLength = 1;
inline constexpr std::int64_t kMaxPasswordLength = 255;
inline constexpr std::int64_t kDefaultPasswordLength = 32;

/// The punctuation class: every printable ASCII character that is not a letter, digit or space.
inline constexpr std::string_view kPasswordPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

struct PasswordOptions {
  std::int64_t length = kDefaultPasswordLength;
  std::string exclude_characters;
  bool exclude_lowercase = false;
  bool exclude_uppercase = false;
  bool exclude_numbers = false;
  bool exclude_punctuation = false;
  bool include_space = false;
  bool require_each_included_type = false;
};

/// Characters are drawn uniformly (rejection sampling, no modulo bias) from the classes left after the exclusions.
/// A class all of whose characters are excluded counts as not included. With require_each_included_type, one
/// character of each included class is placed first and the whole password is then shuffled (Fisher-Yates with
/// unbiased indices). kInvalidParameter when the length is out of range, no character is left, or the length is
/// shorter than the number of classes that must each appear.
core::Result<core::SecureString> generate_password(const PasswordOptions& options);

}  // namespace csms::domain
