// tls_context_test.cpp: make_tls_context: protocol floor and options, and errors that name the file at fault.
#include "http/tls.hpp"

#include "temp_dir.hpp"
#include "test_ca.hpp"

#include <catch2/catch.hpp>

#include <openssl/ssl.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

using csms::core::Errc;
using csms::http::make_tls_context;
using csms_test::TempDir;
using csms_test::TestCaFiles;

TEST_CASE("a TLS context from a matching chain and key requires TLS 1.2, refuses compression and wipes plaintext", "[unit][http][tls]") {
  TempDir dir("csmsd-unit-tls");
  const TestCaFiles ca = csms_test::make_test_ca(dir.path());
  const auto context = make_tls_context(ca.server_chain, ca.server_key);
  REQUIRE(context.has_value());
  SSL_CTX* native = (*context)->native_handle();
  CHECK(::SSL_CTX_get_min_proto_version(native) == TLS1_2_VERSION);
  const auto options = ::SSL_CTX_get_options(native);
  CHECK((options & SSL_OP_NO_COMPRESSION) != 0);
  CHECK((options & SSL_OP_NO_RENEGOTIATION) != 0);
  CHECK((options & SSL_OP_CLEANSE_PLAINTEXT) != 0);
}

TEST_CASE("TLS context errors name the file and never quote it", "[unit][http][tls]") {
  TempDir dir("csmsd-unit-tls");
  const TestCaFiles ca = csms_test::make_test_ca(dir.path());
  TempDir other_dir("csmsd-unit-tls-other");
  const TestCaFiles other = csms_test::make_test_ca(other_dir.path(), "other");
  const auto garbage = dir / "garbage.pem";
  std::ofstream(garbage) << "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";

  struct Case {
    std::filesystem::path cert;
    std::filesystem::path key;
    std::filesystem::path named;
  };
  // A loop, not GENERATE: the files live in this run's temporary directories.
  const std::vector<Case> cases = {
      {dir / "absent.pem", ca.server_key, dir / "absent.pem"},
      {ca.server_chain, dir / "absent.key", dir / "absent.key"},
      {ca.server_key, ca.server_key, ca.server_key},  // a key where the chain belongs
      {ca.server_chain, garbage, garbage},
      {ca.server_chain, other.server_key, other.server_key},  // another certificate's key
  };
  for (const Case& c : cases) {
    INFO("cert " << c.cert << ", key " << c.key);
    const auto context = make_tls_context(c.cert, c.key);
    REQUIRE_FALSE(context.has_value());
    INFO(context.error().detail);
    CHECK(context.error().code == Errc::kInvalidParameter);
    CHECK(context.error().detail.find(c.named.string()) != std::string::npos);
    CHECK(context.error().detail.find("bm90IGEga2V5") == std::string::npos);
    CHECK(context.error().detail.find("BEGIN") == std::string::npos);
  }
}

}  // namespace
