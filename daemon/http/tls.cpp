// tls.cpp: building the server TLS context; failures are reported by file, with OpenSSL's reason.
#include "http/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace csms::http {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's reasons for a failure: `ec` carries the first (Asio takes it off the queue), the queue holds the rest.
// Library and reason strings only, which never contain the bytes read. Empties the queue, so a stale entry cannot be
// blamed on a later, unrelated call.
std::string openssl_reason(const boost::system::error_code& ec = {}) {
  std::string reason = ec ? ec.message() : std::string();
  while (const unsigned long code = ::ERR_get_error()) {
    const char* text = ::ERR_reason_error_string(code);
    if (!reason.empty()) reason += "; ";
    reason += text != nullptr ? text : "error " + std::to_string(code);
  }
  return reason.empty() ? "unknown OpenSSL error" : reason;
}

// OpenSSL's "no such file" surfaces as "system lib"; opening the file first gives the operator errno's words.
core::Status check_readable(const std::filesystem::path& file, const char* what) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return core::make_error(core::Errc::kInvalidParameter,
                            std::string("cannot read the TLS ") + what + " file " + file.string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  return core::ok();
}

}  // namespace

core::Result<std::shared_ptr<ssl::context>> make_tls_context(const std::filesystem::path& cert_chain_file,
                                                             const std::filesystem::path& private_key_file) {
  CSMS_TRY(check_readable(cert_chain_file, "certificate chain"));
  CSMS_TRY(check_readable(private_key_file, "private key"));
  ::ERR_clear_error();
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  if (::SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return core::make_error(core::Errc::kInternal, "cannot require TLS 1.2: " + openssl_reason());
  }
  // Compression leaks secrets through lengths (CRIME); renegotiation is an old attack surface nobody here needs.
  // Request bodies carry secret values: OpenSSL must wipe its decrypted copy once the session has read it.
  ::SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                    SSL_OP_CLEANSE_PLAINTEXT);
  // Without a callback OpenSSL would prompt on the terminal for an encrypted key; a daemon has nobody to ask.
  context->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });

  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_chain_file.string(), ec);
  if (ec) {
    return core::make_error(core::Errc::kInvalidParameter, "cannot load the TLS certificate chain from " +
                                                               cert_chain_file.string() + ": " + openssl_reason(ec));
  }
  context->use_private_key_file(private_key_file.string(), ssl::context::pem, ec);
  if (ec) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "cannot load the TLS private key from " + private_key_file.string() + ": " +
                                openssl_reason(ec) + " (an unencrypted PEM key matching the certificate is expected)");
  }
  if (::SSL_CTX_check_private_key(native) != 1) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "the TLS private key in " + private_key_file.string() +
                                " does not match the certificate in " + cert_chain_file.string() + ": " +
                                openssl_reason());
  }
  ::ERR_clear_error();
  return context;
}

}  // namespace csms::http
