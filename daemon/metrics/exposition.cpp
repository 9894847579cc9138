// exposition.cpp: escaping and line layout of the Prometheus text format.
#include "metrics/exposition.hpp"

#include <charconv>
#include <cmath>

namespace csms::metrics {

std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '\\': escaped += "\\\\"; break;
      case '"': escaped += "\\\""; break;
      case '\n': escaped += "\\n"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string escape_help(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\': escaped += "\\\\"; break;
      case '\n': escaped += "\\n"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Plain decimals where they stay short (a bucket bound reads "0.0005", not "5e-04"), exponents beyond that.
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  char buffer[400];
  const auto written = plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                             : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, written.ptr);
}

void ExpositionWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  text_ += escape_help(help);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void ExpositionWriter::sample_prefix(std::string_view name, std::span<const Label> labels) {
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    bool first = true;
    for (const Label& label : labels) {
      if (!first) text_ += ',';
      first = false;
      text_ += label.name;
      text_ += "=\"";
      text_ += escape_label_value(label.value);
      text_ += '"';
    }
    text_ += '}';
  }
  text_ += ' ';
}

void ExpositionWriter::sample(std::string_view name, std::span<const Label> labels, double value) {
  sample_prefix(name, labels);
  text_ += format_value(value);
  text_ += '\n';
}

void ExpositionWriter::sample(std::string_view name, std::span<const Label> labels, std::uint64_t value) {
  sample_prefix(name, labels);
  text_ += std::to_string(value);
  text_ += '\n';
}

}  // namespace csms::metrics
