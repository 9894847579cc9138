// exposition_test.cpp: the Prometheus text writer: HELP/TYPE lines, label escaping, value spelling.
#include "metrics/exposition.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

using csms::metrics::escape_help;
using csms::metrics::escape_label_value;
using csms::metrics::ExpositionWriter;
using csms::metrics::format_value;

TEST_CASE("label values escape backslash, double quote and line feed and nothing else", "[unit][metrics]") {
  CHECK(escape_label_value("plain") == "plain");
  CHECK(escape_label_value(R"(a\b)") == R"(a\\b)");
  CHECK(escape_label_value(R"(say "hi")") == R"(say \"hi\")");
  CHECK(escape_label_value("two\nlines") == R"(two\nlines)");
  CHECK(escape_label_value("tab\tand {braces} = ,") == "tab\tand {braces} = ,");
  CHECK(escape_label_value("\xE4\xB8\xAD") == "\xE4\xB8\xAD");
}

TEST_CASE("help text escapes backslash and line feed but keeps double quotes", "[unit][metrics]") {
  CHECK(escape_help(R"(a "quoted" \ text)") == R"(a "quoted" \\ text)");
  CHECK(escape_help("one\ntwo") == R"(one\ntwo)");
}

TEST_CASE("values use the shortest round-trip spelling and the format's infinities", "[unit][metrics]") {
  CHECK(format_value(0.0) == "0");
  CHECK(format_value(1.0) == "1");
  CHECK(format_value(0.005) == "0.005");
  CHECK(format_value(2.5) == "2.5");
  CHECK(format_value(0.0005) == "0.0005");
  CHECK(format_value(1e20) == "1e+20");
  CHECK(format_value(-3.0) == "-3");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::nan("")) == "NaN");
  CHECK(std::stod(format_value(0.1 + 0.2)) == 0.1 + 0.2);
}

TEST_CASE("a family is announced by HELP then TYPE and its samples follow with labels in order", "[unit][metrics]") {
  ExpositionWriter out;
  out.family("csmsd_things_total", "counter", "Things counted.\nSecond line.");
  out.sample("csmsd_things_total", {{"operation", "CreateSecret"}, {"status", "200"}}, std::uint64_t{3});
  out.sample("csmsd_things_total", {{"operation", R"(we"ird\)"}}, std::uint64_t{18446744073709551615ULL});
  out.family("csmsd_level", "gauge", "A level.");
  out.sample("csmsd_level", {}, 0.25);
  CHECK(out.text() ==
        "# HELP csmsd_things_total Things counted.\\nSecond line.\n"
        "# TYPE csmsd_things_total counter\n"
        "csmsd_things_total{operation=\"CreateSecret\",status=\"200\"} 3\n"
        "csmsd_things_total{operation=\"we\\\"ird\\\\\"} 18446744073709551615\n"
        "# HELP csmsd_level A level.\n"
        "# TYPE csmsd_level gauge\n"
        "csmsd_level 0.25\n");
  const std::string taken = out.take();
  CHECK(taken.back() == '\n');
}
