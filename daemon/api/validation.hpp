// validation.hpp: the field rules of csms-api.md (regexes, lengths, ranges) as checks returning kInvalidParameter.
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace csms::api::validate {

/// Unicode code points in UTF-8 text (JSON Schema maxLength counts these).
std::size_t code_points(std::string_view text);

/// ^[a-zA-Z0-9_-]{1,64}$ — secret, stage and event names.
bool is_name(std::string_view text);
/// ^[a-zA-Z0-9_-]{32,64}$
bool is_project_id(std::string_view text);
/// ^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$
bool is_uuid(std::string_view text);
/// Standard base64 with padding (RFC 4648 section 4), possibly empty.
bool is_base64(std::string_view text);

core::Status name(std::string_view field, std::string_view value);
core::Status project_id(std::string_view value);
core::Status max_length(std::string_view field, std::string_view value, std::size_t maximum);
core::Status length_between(std::string_view field, std::string_view value, std::size_t minimum, std::size_t maximum);
core::Status integer_between(std::string_view field, std::int64_t value, std::int64_t minimum, std::int64_t maximum);

/// A version reference in a path: v[0-9]{1,10} or, when allowed, "latest" (→ nullopt).
core::Result<std::optional<core::VersionNumber>> path_version(std::string_view text, bool allow_latest);

/// A version_id in a body: ^v[0-9]{0,63}$ (the published pattern, anchored). "v" alone or a number too large to
/// exist is a well-formed id that matches no version, reported as kNotFound by the caller.
core::Result<std::optional<core::VersionNumber>> body_version(std::string_view field, std::string_view text);

/// rotation_period: <digits><d|h|m|s> between 6 hours and 8760 hours.
core::Status rotation_period(std::string_view value);

}  // namespace csms::api::validate
