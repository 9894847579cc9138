// request_metrics.cpp: slots of atomics per operation and their rendering as counter and histogram families.
#include "metrics/request_metrics.hpp"

#include <algorithm>
#include <string_view>

namespace csms::metrics {
namespace {

constexpr std::size_t kStatusSlots = RequestMetrics::kLastStatus - RequestMetrics::kFirstStatus + 1;
constexpr std::size_t kBucketSlots = RequestMetrics::kBucketSeconds.size() + 1;  // the last one is +Inf

constexpr std::array<std::int64_t, RequestMetrics::kBucketSeconds.size()> bucket_nanos() {
  std::array<std::int64_t, RequestMetrics::kBucketSeconds.size()> nanos{};
  for (std::size_t i = 0; i < nanos.size(); ++i) {
    nanos[i] = static_cast<std::int64_t>(RequestMetrics::kBucketSeconds[i] * 1e9 + 0.5);
  }
  return nanos;
}

// Compared in whole nanoseconds, so a duration exactly on a bound lands in that bucket (le means <=).
constexpr auto kBucketNanos = bucket_nanos();

std::size_t status_slot(unsigned status) {
  return std::clamp(status, RequestMetrics::kFirstStatus, RequestMetrics::kLastStatus) - RequestMetrics::kFirstStatus;
}

}  // namespace

// Aligned apart so that two operations served by different threads do not share a cache line.
struct alignas(64) RequestMetrics::Operation {
  std::string name;
  std::array<std::atomic<std::uint64_t>, kStatusSlots> by_status{};
  std::array<std::atomic<std::uint64_t>, kBucketSlots> buckets{};
  std::atomic<std::uint64_t> sum_nanos{0};
};

RequestMetrics::RequestMetrics(std::vector<std::string> operations) {
  if (operations.empty()) operations.emplace_back("-");
  for (std::string& name : operations) {
    operations_.push_back(std::make_unique<Operation>());
    operations_.back()->name = std::move(name);
  }
}

RequestMetrics::~RequestMetrics() = default;

void RequestMetrics::record(std::size_t slot, unsigned status, std::chrono::nanoseconds elapsed) noexcept {
  Operation& operation = *operations_[slot < operations_.size() ? slot : 0];
  operation.by_status[status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  const std::int64_t nanos = std::max<std::int64_t>(0, elapsed.count());
  const auto bucket = static_cast<std::size_t>(std::lower_bound(kBucketNanos.begin(), kBucketNanos.end(), nanos) -
                                               kBucketNanos.begin());
  operation.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  operation.sum_nanos.fetch_add(static_cast<std::uint64_t>(nanos), std::memory_order_relaxed);
}

std::uint64_t RequestMetrics::requests(std::size_t slot, unsigned status) const {
  if (slot >= operations_.size()) return 0;
  return operations_[slot]->by_status[status_slot(status)].load(std::memory_order_relaxed);
}

void RequestMetrics::write(ExpositionWriter& out) const {
  out.family("csmsd_requests_total", "counter", "Requests answered, by operation and HTTP status.");
  for (const auto& operation : operations_) {
    for (std::size_t i = 0; i < kStatusSlots; ++i) {
      const std::uint64_t count = operation->by_status[i].load(std::memory_order_relaxed);
      if (count == 0) continue;
      const std::string status = std::to_string(kFirstStatus + i);
      out.sample("csmsd_requests_total", {{"operation", operation->name}, {"status", status}}, count);
    }
  }
  out.family("csmsd_request_duration_seconds", "histogram",
             "Time from a request's arrival at the API to its answer (audit record included), by operation.");
  for (const auto& operation : operations_) {
    std::array<std::uint64_t, kBucketSlots> counts{};
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < kBucketSlots; ++i) {
      counts[i] = operation->buckets[i].load(std::memory_order_relaxed);
      total += counts[i];
    }
    if (total == 0) continue;
    // _count is the sum of the buckets as read, so +Inf == _count holds even while requests are being recorded.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBucketSlots; ++i) {
      cumulative += counts[i];
      const std::string le = i < kBucketSeconds.size() ? format_value(kBucketSeconds[i]) : std::string("+Inf");
      out.sample("csmsd_request_duration_seconds_bucket", {{"operation", operation->name}, {"le", le}}, cumulative);
    }
    const double sum_seconds = static_cast<double>(operation->sum_nanos.load(std::memory_order_relaxed)) / 1e9;
    out.sample("csmsd_request_duration_seconds_sum", {{"operation", operation->name}}, sum_seconds);
    out.sample("csmsd_request_duration_seconds_count", {{"operation", operation->name}}, total);
  }
}

}  // namespace csms::metrics
