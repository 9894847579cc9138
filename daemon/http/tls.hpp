// tls.hpp: the server-side TLS context that TCP listeners share (certificate chain and private key from PEM files).
#pragma once

#include "core/error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>

namespace csms::http {

/// A TLS server context: TLS 1.2 or newer, no compression, no renegotiation. `cert_chain_file` holds the server
/// certificate first, then any intermediates; `private_key_file` an unencrypted PEM key matching it. Errors name the
/// file and OpenSSL's reason, never key material.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const std::filesystem::path& cert_chain_file,
                                                                         const std::filesystem::path& private_key_file);

}  // namespace csms::http
