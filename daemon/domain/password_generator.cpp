// password_generator.cpp: character classes, exclusions and the random draw.
#include "domain/password_generator.hpp"

#include "crypto/random.hpp"

#include <algorithm>
#include <vector>

namespace csms::domain {
namespace {

constexpr std::string_view kLowercase = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kUppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kNumbers = "0123456789";
constexpr std::string_view kSpace = " ";

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

std::string without(std::string_view characters, std::string_view excluded) {
  std::string kept;
  for (char c : characters) {
    if (excluded.find(c) == std::string_view::npos) kept.push_back(c);
  }
  return kept;
}

}  // namespace

core::Result<core::SecureString> generate_password(const PasswordOptions& options) {
  if (options.length < kMinPasswordLength || options.length > kMaxPasswordLength) {
    return invalid("length must be between 1 and 255");
  }
  std::vector<std::string> classes;
  const auto include = [&](bool wanted, std::string_view characters) {
    if (!wanted) return;
    std::string kept = without(characters, options.exclude_characters);
    if (!kept.empty()) classes.push_back(std::move(kept));
  };
  include(!options.exclude_lowercase, kLowercase);
  include(!options.exclude_uppercase, kUppercase);
  include(!options.exclude_numbers, kNumbers);
  include(!options.exclude_punctuation, kPasswordPunctuation);
  include(options.include_space, kSpace);
  if (classes.empty()) return invalid("the options exclude every character: nothing is left to build a password from");
  const auto length = static_cast<std::size_t>(options.length);
  if (options.require_each_included_type && length < classes.size()) {
    return invalid("length " + std::to_string(length) + " is too short to include each of the " +
                   std::to_string(classes.size()) + " character types");
  }
  std::string alphabet;
  for (const std::string& characters : classes) alphabet += characters;

  core::SecureString password;
  // Past the small-string buffer, so every character lives in the wiped heap block and none on the stack; each is
  // drawn straight into it (no temporary string holds a part of the password).
  password.reserve(std::max<std::size_t>(length, 32));
  const auto draw_from = [&password](const std::string& characters) {
    password.push_back(characters[crypto::random_below(static_cast<std::uint32_t>(characters.size()))]);
  };
  if (options.require_each_included_type) {
    for (const std::string& characters : classes) draw_from(characters);
  }
  while (password.size() < length) draw_from(alphabet);
  if (options.require_each_included_type) {
    // The guaranteed characters would otherwise always lead the password.
    for (std::size_t i = password.size() - 1; i > 0; --i) {
      std::swap(password[i], password[crypto::random_below(static_cast<std::uint32_t>(i + 1))]);
    }
  }
  return password;
}

}  // namespace csms::domain
