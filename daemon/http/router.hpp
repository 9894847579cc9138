// router.hpp: matches a method and a percent-encoded path against path templates such as /v1/{project_id}/secrets.
#pragma once

#include "http/message.hpp"
#include "http/url.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::http {

/// Path parameters by name, percent-decoded.
using PathParams = std::map<std::string, std::string, std::less<>>;

/// Splits on '/'; the leading empty segment of an absolute path is dropped.
std::vector<std::string_view> split_path(std::string_view path);

/// A table of routes. `Route` is whatever the caller attaches (handler, permission, operation name). Literal
/// segments win over parameters, so /secrets/restore is not read as /secrets/{secret_name}.
template <class Route>
class Router {
 public:
  enum class Outcome { kMatched, kNoPath, kWrongMethod, kBadEncoding };

  struct Match {
    Outcome outcome = Outcome::kNoPath;
    const Route* route = nullptr;
    PathParams params;
  };

  void add(Method method, std::string_view pattern, Route route) {
    Entry entry{method, {}, std::move(route)};
    for (std::string_view segment : split_path(pattern)) entry.segments.emplace_back(segment);
    entries_.push_back(std::move(entry));
  }

  Match match(Method method, std::string_view raw_path) const {
    std::vector<std::string> decoded;
    for (std::string_view segment : split_path(raw_path)) {
      auto text = percent_decode(segment);
      if (!text) return Match{Outcome::kBadEncoding, nullptr, {}};
      decoded.push_back(std::move(*text));
    }
    Match best;
    int best_literals = -1;
    bool path_known = false;
    for (const Entry& entry : entries_) {
      PathParams params;
      const int literals = match_segments(entry.segments, decoded, params);
      if (literals < 0) continue;
      path_known = true;
      if (entry.method != method || literals <= best_literals) continue;
      best_literals = literals;
      best = Match{Outcome::kMatched, &entry.route, std::move(params)};
    }
    if (best.route) return best;
    return Match{path_known ? Outcome::kWrongMethod : Outcome::kNoPath, nullptr, {}};
  }

  /// Every (method, pattern) pair, for documentation and tests.
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Entry& entry : entries_) visit(entry.method, entry.segments, entry.route);
  }

 private:
  struct Entry {
    Method method;
    std::vector<std::string> segments;
    Route route;
  };

  // The number of literal segments matched, or -1 for no match.
  static int match_segments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                            PathParams& params) {
    if (pattern.size() != path.size()) return -1;
    int literals = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      const std::string& piece = pattern[i];
      if (piece.size() > 2 && piece.front() == '{' && piece.back() == '}') {
        params.insert_or_assign(piece.substr(1, piece.size() - 2), path[i]);
        continue;
      }
      if (piece != path[i]) return -1;
      ++literals;
    }
    return literals;
  }

  std::vector<Entry> entries_;
};

}  // namespace csms::http
