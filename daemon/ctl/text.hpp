// text.hpp: plain-text output for operators: aligned tables, safe cell text, timestamps.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace csms::ctl {

/// `text` with control characters (terminal escapes, newlines, tabs) shown as '?': descriptions and ids come from
/// other callers and must not rewrite the operator's terminal or break the table.
std::string printable(std::string_view text);

/// Left-aligned columns separated by two spaces, the header first; cells are passed through printable().
std::string render_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

/// Epoch milliseconds as "2024-05-01 12:00:00Z" (UTC).
std::string format_epoch_ms(std::int64_t ms);

/// A JSON scalar as a cell: strings without quotes, numbers as numbers, null or absent as "-".
std::string cell(const boost::json::value* value);

/// The cells of a JSON array joined with ","; "-" when absent or empty.
std::string joined_cells(const boost::json::value* array);

}  // namespace csms::ctl
