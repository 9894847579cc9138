// histogram.cpp: bucket indexing and quantiles of the log-linear latency histogram.
#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace csms_bench {
namespace {

constexpr unsigned kSubBits = Histogram::kSubBits;
constexpr std::uint64_t kSubCount = std::uint64_t{1} << kSubBits;

// Values below 32 get a bucket each; above, bucket = (power of two, top 5 bits below the leading one).
std::size_t bucket_of(std::uint64_t value) {
  if (value < kSubCount) return static_cast<std::size_t>(value);
  const unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1;
  const unsigned shift = exponent - kSubBits;
  return (static_cast<std::size_t>(shift + 1) << kSubBits) + static_cast<std::size_t>((value >> shift) & (kSubCount - 1));
}

std::uint64_t upper_edge(std::size_t bucket) {
  if (bucket < kSubCount) return bucket;
  const unsigned shift = static_cast<unsigned>(bucket >> kSubBits) - 1;
  const std::uint64_t lower = (kSubCount + (bucket & (kSubCount - 1))) << shift;
  return lower + ((std::uint64_t{1} << shift) - 1);
}

}  // namespace

void Histogram::record(std::uint64_t nanos) {
  ++buckets_[bucket_of(nanos)];
  ++count_;
  max_ = std::max(max_, nanos);
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::uint64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(upper_edge(i), max_);
  }
  return max_;
}

}  // namespace csms_bench
