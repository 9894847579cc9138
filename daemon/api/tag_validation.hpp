// tag_validation.hpp: the TagItem patterns of csms-api.md 1.5 as checks returning kInvalidParameter.
#pragma once

#include "core/error.hpp"

#include <string_view>

namespace csms::api::validate {

/// 1 to 128 characters matching ^((?!\s)(?!_sys_)[\p{L}\p{Z}\p{N}_.:=+\-@]*)(?<!\s)$ (valid UTF-8). \s is the
/// ASCII whitespace of the service's Java patterns; of those only the space is in the class, so a key neither
/// starts nor ends with a space.
bool is_tag_key(std::string_view text);
/// 0 to 255 characters matching ^([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)$ (valid UTF-8).
bool is_tag_value(std::string_view text);

core::Status tag_key(std::string_view field, std::string_view value);
core::Status tag_value(std::string_view field, std::string_view value);

}  // namespace csms::api::validate
