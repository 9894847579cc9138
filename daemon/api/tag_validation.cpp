// tag_validation.cpp: the tag key and value patterns, with \p{L}\p{Z}\p{N} from a generated table (no std::regex, no ICU).
#include "api/tag_validation.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace csms::api::validate {
namespace {

struct CodePointRange {
  char32_t first;
  char32_t last;
};

constexpr CodePointRange kLetterNumberSeparator[] = {
#include "api/tag_charset_table.inc"
};

constexpr std::size_t kMaxKeyLength = 128;
constexpr std::size_t kMaxValueLength = 255;

bool in_letter_number_separator(char32_t code_point) {
  const auto* end = std::end(kLetterNumberSeparator);
  const auto* range = std::upper_bound(std::begin(kLetterNumberSeparator), end, code_point,
                                       [](char32_t point, const CodePointRange& r) { return point < r.first; });
  if (range == std::begin(kLetterNumberSeparator)) return false;
  --range;
  return code_point <= range->last;
}

bool all_in_class(const std::u32string& points, std::u32string_view extra) {
  return std::all_of(points.begin(), points.end(), [&](char32_t point) {
    return extra.find(point) != std::u32string_view::npos || in_letter_number_separator(point);
  });
}

// Java's \s: [ \t\n\x0B\f\r].
bool is_java_space(char32_t point) {
  return point == U' ' || point == U'\t' || point == U'\n' || point == U'\x0B' || point == U'\f' || point == U'\r';
}

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

}  // namespace

bool is_tag_key(std::string_view text) {
  const auto points = core::utf8::decode(text);
  if (!points || points->empty() || points->size() > kMaxKeyLength) return false;
  if (is_java_space(points->front()) || is_java_space(points->back())) return false;
  if (text.starts_with("_sys_")) return false;
  return all_in_class(*points, U"_.:=+-@");
}

bool is_tag_value(std::string_view text) {
  const auto points = core::utf8::decode(text);
  if (!points || points->size() > kMaxValueLength) return false;
  return all_in_class(*points, U"_.:/=+-@");
}

core::Status tag_key(std::string_view field, std::string_view value) {
  if (is_tag_key(value)) return core::ok();
  return invalid(std::string(field) +
                 " must be 1 to 128 letters, digits, spaces or _.:=+-@, not start or end with a space and not start "
                 "with _sys_");
}

core::Status tag_value(std::string_view field, std::string_view value) {
  if (is_tag_value(value)) return core::ok();
  return invalid(std::string(field) + " must be at most 255 letters, digits, spaces or _.:/=+-@");
}

}  // namespace csms::api::validate
