// test_ca.hpp: a throw-away certificate authority and a server certificate for 127.0.0.1, made in code (OpenSSL 3).
#pragma once

#include <filesystem>
#include <string>

namespace csms_test {

/// The PEM files make_test_ca writes.
struct TestCaFiles {
  std::filesystem::path ca_cert;       ///< <dir>/ca.pem: the CA certificate, what a client trusts
  std::filesystem::path server_chain;  ///< <dir>/server.pem: the server certificate, then the CA certificate
  std::filesystem::path server_key;    ///< <dir>/server.key: the server's unencrypted P-256 key, mode 0600
};

/// Generates a fresh CA (P-256 key, CA:TRUE, valid from an hour ago for a day) and a server certificate it signs for
/// IP:127.0.0.1 and DNS:localhost (serverAuth), and writes them into the existing directory `dir`. Each call makes new
/// keys, so two CAs never trust each other's certificates. `name` goes into the subjects. Throws std::runtime_error
/// with OpenSSL's reason on failure.
TestCaFiles make_test_ca(const std::filesystem::path& dir, const std::string& name = "csmsd test");

}  // namespace csms_test
