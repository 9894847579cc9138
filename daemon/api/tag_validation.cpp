// tag_validation.cpp: UTF-8 decoding and the \p{L}\p{Z}\p{N} classes from a generated table (no std::regex, no ICU).
#include "api/tag_validation.hpp"

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

// Decodes UTF-8 strictly (no overlong forms, surrogates or values past U+10FFFF); nullopt when it is not UTF-8.
std::optional<std::u32string> decode_utf8(std::string_view text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t point = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
      length = 1;
      point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      point = lead & 0x1F;
      minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      point = lead & 0x0F;
      minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      point = lead & 0x07;
      minimum = 0x10000;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      point = (point << 6) | (next & 0x3F);
    }
    if (point < minimum || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return std::nullopt;
    out.push_back(point);
    i += length;
  }
  return out;
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
  const auto points = decode_utf8(text);
  if (!points || points->empty() || points->size() > kMaxKeyLength) return false;
  if (is_java_space(points->front()) || is_java_space(points->back())) return false;
  if (text.starts_with("_sys_")) return false;
  return all_in_class(*points, U"_.:=+-@");
}

bool is_tag_value(std::string_view text) {
  const auto points = decode_utf8(text);
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
