// scenario.hpp: what each connection sends next, per scenario; one RequestSource per connection, so no sharing.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
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
};

class RequestSource {
 public:
  RequestSource(Scenario scenario, std::string project, std::size_t secrets, std::uint64_t seed);

  RequestSpec next();
  /// Lets `list` follow page_info.next_marker from the answer to the request `next` gave last.
  void observe(unsigned status, std::string_view body);

 private:
  RequestSpec read_latest(std::size_t secret) const;
  RequestSpec create_version(std::size_t secret);

  Scenario scenario_;
  std::string project_;
  std::size_t secrets_;
  std::mt19937_64 random_;
  std::uint64_t sent_ = 0;
  std::vector<bool> stage_on_second_;  ///< move-stage: where this connection put BENCH last, per secret
  std::string list_marker_;            ///< list: empty means the first page
};

}  // namespace csms_bench
