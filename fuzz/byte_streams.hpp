// byte_streams.hpp: synchronous Beast streams over memory, standing in for a connection's socket in the fuzz targets.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace csms::fuzz {

/// Hands out the fuzz input a piece at a time, as a socket would, then reports end of stream.
class InputStream {
 public:
  /// Small pieces, so the parser also has to resume a request line or header split across reads.
  static constexpr std::size_t kPiece = 1024;

  explicit InputStream(std::string_view bytes) : remaining_(bytes) {}

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    if (remaining_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    ec = {};
    const std::size_t copied =
        boost::asio::buffer_copy(buffers, boost::asio::buffer(remaining_.data(), std::min(remaining_.size(), kPiece)));
    remaining_.remove_prefix(copied);
    return copied;
  }

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t copied = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return copied;
  }

 private:
  std::string_view remaining_;
};

/// Collects what is written, so a response can be parsed back.
class OutputStream {
 public:
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec) {
    ec = {};
    std::size_t written = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::const_buffer piece(*it);
      bytes_.append(static_cast<const char*>(piece.data()), piece.size());
      written += piece.size();
    }
    return written;
  }

  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers) {
    boost::system::error_code ec;
    return write_some(buffers, ec);
  }

  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

}  // namespace csms::fuzz
