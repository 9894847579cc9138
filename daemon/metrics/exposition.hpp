// exposition.hpp: writes the Prometheus text exposition format 0.0.4 (HELP and TYPE lines, samples, escaping).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace csms::metrics {

/// The Content-Type a scraper expects for this format.
inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

struct Label {
  std::string_view name;
  std::string_view value;
};

/// Label values escape backslash, double quote and line feed (the format's only escapes in a label value).
std::string escape_label_value(std::string_view value);
/// HELP text escapes backslash and line feed only.
std::string escape_help(std::string_view text);
/// The shortest text that reads back as the same double; "+Inf", "-Inf" and "NaN" as the format spells them.
std::string format_value(double value);

/// Appends metric families to one text body. Each family is announced once (HELP, then TYPE) before its samples;
/// the caller keeps a family's samples together, as the format requires.
class ExpositionWriter {
 public:
  /// `type` is one of counter, gauge, histogram, summary, untyped.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, std::span<const Label> labels, double value);
  void sample(std::string_view name, std::span<const Label> labels, std::uint64_t value);
  void sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value) {
    sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }

  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  void sample_prefix(std::string_view name, std::span<const Label> labels);

  std::string text_;
};

}  // namespace csms::metrics
