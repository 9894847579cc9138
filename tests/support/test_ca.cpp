// test_ca.cpp: X.509 generation with the OpenSSL 3 C API (EVP_EC_gen, X509v3 extensions), written as PEM files.
#include "test_ca.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

namespace csms_test {
namespace {

struct Free {
  void operator()(EVP_PKEY* key) const { ::EVP_PKEY_free(key); }
  void operator()(X509* cert) const { ::X509_free(cert); }
  void operator()(X509_EXTENSION* extension) const { ::X509_EXTENSION_free(extension); }
  void operator()(BIO* bio) const { ::BIO_free_all(bio); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

[[noreturn]] void fail(const std::string& what) {
  std::string reason;
  while (const unsigned long code = ::ERR_get_error()) {
    char text[256];
    ::ERR_error_string_n(code, text, sizeof(text));
    reason += std::string(reason.empty() ? "" : "; ") + text;
  }
  throw std::runtime_error("test CA: " + what + (reason.empty() ? "" : ": " + reason));
}

void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

Key p256_key() {
  Key key(::EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> extension(::X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  check(extension != nullptr, std::string("extension ") + OBJ_nid2sn(nid) + "=" + value);
  check(::X509_add_ext(cert, extension.get(), -1) == 1, "adding an extension");
}

// A v3 certificate for `subject_key`, signed by `issuer_key`; `issuer` is null for the self-signed CA.
Cert make_cert(EVP_PKEY* subject_key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
               const std::vector<std::pair<int, const char*>>& extensions) {
  Cert cert(::X509_new());
  check(cert != nullptr, "X509_new");
  check(::X509_set_version(cert.get(), X509_VERSION_3) == 1, "version");
  // A random serial: certificates of different runs must never look like the same one to a cache.
  std::unique_ptr<BIGNUM, decltype(&::BN_free)> serial(::BN_new(), &::BN_free);
  check(serial && ::BN_rand(serial.get(), 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            ::BN_to_ASN1_INTEGER(serial.get(), ::X509_get_serialNumber(cert.get())) != nullptr,
        "serial");
  check(::X509_gmtime_adj(::X509_getm_notBefore(cert.get()), -3600) != nullptr &&
            ::X509_gmtime_adj(::X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr,
        "validity");
  X509_NAME* name = ::X509_get_subject_name(cert.get());
  check(::X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                     -1, -1, 0) == 1,
        "subject");
  check(::X509_set_issuer_name(cert.get(), issuer ? ::X509_get_subject_name(issuer) : name) == 1, "issuer");
  check(::X509_set_pubkey(cert.get(), subject_key) == 1, "public key");
  for (const auto& [nid, value] : extensions) add_extension(cert.get(), issuer ? issuer : cert.get(), nid, value);
  check(::X509_sign(cert.get(), issuer_key, ::EVP_sha256()) > 0, "signing " + common_name);
  return cert;
}

// Opens `path` for writing with `mode` from the start (never a moment with a wider mode), truncating.
std::unique_ptr<BIO, Free> open_output(const std::filesystem::path& path, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path.string());
  if (::fchmod(fd, mode) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "chmod " + path.string());
  }
  std::unique_ptr<BIO, Free> bio(::BIO_new_fd(fd, BIO_CLOSE));
  if (!bio) {
    ::close(fd);
    fail("BIO for " + path.string());
  }
  return bio;
}

void write_certs(const std::filesystem::path& path, std::initializer_list<X509*> certs) {
  auto bio = open_output(path, 0644);
  for (X509* cert : certs) check(::PEM_write_bio_X509(bio.get(), cert) == 1, "writing " + path.string());
  check(BIO_flush(bio.get()) == 1, "flushing " + path.string());
}

}  // namespace

TestCaFiles make_test_ca(const std::filesystem::path& dir, const std::string& name) {
  ::ERR_clear_error();
  const Key ca_key = p256_key();
  const Cert ca = make_cert(ca_key.get(), name + " CA", nullptr, ca_key.get(),
                            {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                             {NID_key_usage, "critical,keyCertSign,cRLSign"},
                             {NID_subject_key_identifier, "hash"}});
  const Key server_key = p256_key();
  const Cert server = make_cert(server_key.get(), name + " server", ca.get(), ca_key.get(),
                                {{NID_basic_constraints, "critical,CA:FALSE"},
                                 {NID_key_usage, "critical,digitalSignature"},
                                 {NID_ext_key_usage, "serverAuth"},
                                 {NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                                 {NID_subject_key_identifier, "hash"},
                                 {NID_authority_key_identifier, "keyid:always"}});

  TestCaFiles files{dir / "ca.pem", dir / "server.pem", dir / "server.key"};
  write_certs(files.ca_cert, {ca.get()});
  write_certs(files.server_chain, {server.get(), ca.get()});
  auto key_out = open_output(files.server_key, 0600);
  check(::PEM_write_bio_PrivateKey(key_out.get(), server_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "writing " + files.server_key.string());
  check(BIO_flush(key_out.get()) == 1, "flushing " + files.server_key.string());
  return files;
}

}  // namespace csms_test
