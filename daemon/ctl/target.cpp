// target.cpp: Unix socket and http:// URL targets.
#include "ctl/target.hpp"

#include "ctl/args.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace csms::ctl {

Target Target::unix_socket(std::filesystem::path path) {
  Target target;
  target.kind = Kind::kUnix;
  target.socket = std::move(path);
  return target;
}

std::string Target::describe() const {
  if (kind == Kind::kUnix) return "unix:" + socket.string();
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

core::Result<Target> parse_url(std::string_view url) {
  const auto bad = [&](std::string_view why) {
    return usage_error("--url: " + std::string(why) + " (expected http://127.0.0.1:PORT), got '" + std::string(url) +
                       "'");
  };
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return bad("only plain http:// is served");
  std::string_view authority = url.substr(kScheme.size());
  if (authority.ends_with('/')) authority.remove_suffix(1);
  if (authority.find_first_of("/?#@") != std::string_view::npos) {
    return bad("a path, query or user part is not allowed");
  }

  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == authority.size()) return bad("a port is required");
  std::string host(authority.substr(0, colon));
  const std::string_view port_text = authority.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return bad("bad port");
  }
  const bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code address_ec;
  const auto address = boost::asio::ip::make_address(host, address_ec);
  if (address_ec || address.is_v6() != bracketed) return bad("the host must be an IP address or localhost");
  // The token travels in clear over plain HTTP, so only the loopback interface is acceptable.
  if (!address.is_loopback()) return bad("only a loopback address (127.0.0.1, [::1], localhost) is accepted");

  Target target;
  target.kind = Target::Kind::kTcp;
  target.host = address.to_string();
  target.port = static_cast<std::uint16_t>(port);
  return target;
}

}  // namespace csms::ctl
