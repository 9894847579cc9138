// request_metrics.hpp: per-operation request counters and latency histograms, lock-free on the request path.
#pragma once

#include "metrics/exposition.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace csms::metrics {

/// Counts requests by operation and HTTP status, and their durations in a histogram per operation. record() is
/// called by every session thread at once: it only does relaxed atomic adds on slots fixed at construction, so a
/// request never takes a lock or allocates. A scrape reads the atomics one by one; a request recorded meanwhile
/// may show in one series and not yet in another, which Prometheus tolerates.
class RequestMetrics {
 public:
  /// Upper bounds (seconds) of the latency buckets; +Inf is implied.
  static constexpr std::array<double, 14> kBucketSeconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
  /// Statuses 100 to 599 each have a slot; anything outside is counted as the nearest end.
  static constexpr unsigned kFirstStatus = 100;
  static constexpr unsigned kLastStatus = 599;

  /// One slot per operation name, in this order; slot 0 is conventionally the "-" of requests no route matched.
  explicit RequestMetrics(std::vector<std::string> operations);
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  std::size_t operation_count() const { return operations_.size(); }
  /// A slot out of range is counted in slot 0.
  void record(std::size_t slot, unsigned status, std::chrono::nanoseconds elapsed) noexcept;

  /// The counter for one (slot, status), for tests.
  std::uint64_t requests(std::size_t slot, unsigned status) const;

  /// csmsd_requests_total and csmsd_request_duration_seconds; series that never counted anything are left out.
  void write(ExpositionWriter& out) const;

 private:
  struct Operation;

  std::vector<std::unique_ptr<Operation>> operations_;
};

}  // namespace csms::metrics
