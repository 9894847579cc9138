// histogram.hpp: a log-linear latency histogram in nanoseconds, one per connection, merged after the run.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace csms_bench {

/// 32 linear sub-buckets per power of two (at most ~3% relative error) over the whole uint64 range, so recording is
/// one index computation and an increment: no allocation, no lock, no sorting of samples.
class Histogram {
 public:
  static constexpr unsigned kSubBits = 5;
  static constexpr std::size_t kBuckets = std::size_t{64 - kSubBits + 1} << kSubBits;

  void record(std::uint64_t nanos);
  void merge(const Histogram& other);
  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  /// The value at quantile `q` in (0, 1]: the upper edge of the bucket holding that rank, capped at the exact max.
  std::uint64_t quantile(double q) const;

 private:
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace csms_bench
