// scenario.hpp: what each connection sends next, per scenario; one RequestSource per connection, so no sharing.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms_bench {

enum class Scenario { kReadLatest, kReadStage, kCreateVersion, kMoveStage, kList, kMixed };

std::optional<Scenario> parse_scenario(std::string_view name);
std::string_view scenario_name(Scenario scenario);

/// The name of the i-th prepared secret.
std::string secret_name(std::size_t index);

struct RequestSpec {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;
  std::string body;
  bool measured = true;  ///< false for a look-up the scenario needs but is not about (not counted, not timed)
};

class RequestSource {
 public:
  /// `connection` of `connections`: move-stage gives each connection its own secrets (see next_move).
  RequestSource(Scenario scenario, std::string project, std::size_t secrets, std::uint64_t seed,
                unsigned connection, unsigned connections);

  RequestSpec next();
  /// Lets `list` follow page_info.next_marker and move-stage learn where BENCH is, from the answer to the request
  /// `next` gave last.
  void observe(unsigned status, std::string_view body);

 private:
  enum class Placement : std::uint8_t { kUnknown, kAbsent, kOnFirst, kOnSecond };

  RequestSpec read_latest(std::size_t secret) const;
  RequestSpec create_version(std::size_t secret);
  RequestSpec next_move();
  std::string stage_target(std::size_t secret) const;

  Scenario scenario_;
  std::string project_;
  std::size_t secrets_;
  std::mt19937_64 random_;
  unsigned connection_;
  unsigned connections_;
  std::uint64_t sent_ = 0;
  std::string list_marker_;            ///< list: empty means the first page
  std::vector<Placement> placement_;   ///< move-stage: where BENCH is, per secret this connection owns
  std::optional<std::size_t> looking_; ///< move-stage: the secret whose BENCH the last (unmeasured) GET asked for
  std::optional<std::pair<std::size_t, Placement>> moving_;  ///< move-stage: the last PUT and where it puts BENCH
};

}  // namespace csms_bench
