// request_metrics_test.cpp: request counters by operation and status, and the cumulative latency histogram.
#include "metrics/request_metrics.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using csms::metrics::ExpositionWriter;
using csms::metrics::RequestMetrics;
using namespace std::chrono_literals;

namespace {

std::string render(const RequestMetrics& metrics) {
  ExpositionWriter out;
  metrics.write(out);
  return out.take();
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("requests are counted per operation and status", "[unit][metrics]") {
  RequestMetrics metrics({"-", "CreateSecret", "ShowSecret"});
  metrics.record(1, 200, 1ms);
  metrics.record(1, 200, 2ms);
  metrics.record(1, 400, 1ms);
  metrics.record(2, 404, 1ms);
  metrics.record(0, 401, 1ms);
  CHECK(metrics.requests(1, 200) == 2);
  CHECK(metrics.requests(1, 400) == 1);
  CHECK(metrics.requests(2, 404) == 1);
  CHECK(metrics.requests(2, 200) == 0);
  CHECK(metrics.requests(0, 401) == 1);
  const std::string text = render(metrics);
  CHECK(has_line(text, "# TYPE csmsd_requests_total counter"));
  CHECK(has_line(text, R"(csmsd_requests_total{operation="CreateSecret",status="200"} 2)"));
  CHECK(has_line(text, R"(csmsd_requests_total{operation="CreateSecret",status="400"} 1)"));
  CHECK(has_line(text, R"(csmsd_requests_total{operation="ShowSecret",status="404"} 1)"));
  CHECK(has_line(text, R"(csmsd_requests_total{operation="-",status="401"} 1)"));
  // A pair never seen is not a series.
  CHECK(text.find(R"(operation="ShowSecret",status="200")") == std::string::npos);
}

TEST_CASE("a slot or status out of range is counted, not dropped or out of bounds", "[unit][metrics]") {
  RequestMetrics metrics({"-", "Only"});
  metrics.record(7, 200, 1ms);
  metrics.record(1, 999, 1ms);
  metrics.record(1, 42, 1ms);
  CHECK(metrics.requests(0, 200) == 1);
  CHECK(metrics.requests(1, 599) == 1);
  CHECK(metrics.requests(1, 100) == 1);
}

TEST_CASE("the latency histogram is cumulative, +Inf equals the count and the sum adds up", "[unit][metrics]") {
  RequestMetrics metrics({"-", "ListSecrets"});
  metrics.record(1, 200, 300us);   // le 0.0005
  metrics.record(1, 200, 500us);   // exactly on 0.0005: le means <=
  metrics.record(1, 200, 7ms);     // le 0.01
  metrics.record(1, 500, 20s);     // above every bound: only +Inf
  const std::string text = render(metrics);
  CHECK(has_line(text, "# TYPE csmsd_request_duration_seconds histogram"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_bucket{operation="ListSecrets",le="0.0005"} 2)"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_bucket{operation="ListSecrets",le="0.005"} 2)"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_bucket{operation="ListSecrets",le="0.01"} 3)"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_bucket{operation="ListSecrets",le="10"} 3)"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_bucket{operation="ListSecrets",le="+Inf"} 4)"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_count{operation="ListSecrets"} 4)"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_sum{operation="ListSecrets"} 20.0078)"));
  // Operations without requests have no histogram series.
  CHECK(text.find(R"(operation="-",le=)") == std::string::npos);
}

TEST_CASE("counts from several threads at once add up exactly", "[unit][metrics]") {
  RequestMetrics metrics({"-", "ShowSecret"});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics]() {
      for (int i = 0; i < kPerThread; ++i) metrics.record(1, 200, 1ms);
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(metrics.requests(1, 200) == kThreads * kPerThread);
  CHECK(has_line(render(metrics), R"(csmsd_request_duration_seconds_count{operation="ShowSecret"} 40000)"));
}
