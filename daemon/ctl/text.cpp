// text.cpp: table layout and value formatting for csmsctl's human-readable output.
#include "ctl/text.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <ctime>

namespace csms::ctl {

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  return out;
}

std::string render_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<std::string>> lines;
  lines.reserve(rows.size() + 1);
  lines.push_back(header);
  for (const auto& row : rows) lines.push_back(row);
  std::vector<std::size_t> widths(header.size(), 0);
  for (auto& line : lines) {
    line.resize(header.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
      line[i] = printable(line[i]);
      widths[i] = std::max(widths[i], line[i].size());
    }
  }
  std::string out;
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text.append(widths[i] - line[i].size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

std::string format_epoch_ms(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  if (::gmtime_r(&seconds, &utc) == nullptr) return std::to_string(ms);
  char text[32];
  if (std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%SZ", &utc) == 0) return std::to_string(ms);
  return text;
}

std::string cell(const boost::json::value* value) {
  if (value == nullptr || value->is_null()) return "-";
  if (value->is_string()) return std::string(value->get_string());
  return boost::json::serialize(*value);
}

std::string joined_cells(const boost::json::value* array) {
  if (array == nullptr || !array->is_array() || array->get_array().empty()) return "-";
  std::string out;
  for (const auto& item : array->get_array()) out += (out.empty() ? "" : ",") + cell(&item);
  return out;
}

}  // namespace csms::ctl
