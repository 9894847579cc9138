// beast_response.hpp: private to the support library: converts a Beast response into an HttpResponse.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http_response.hpp"

namespace csms_test::detail {

HttpResponse to_http_response(const boost::beast::http::response<boost::beast::http::string_body>& message);

}  // namespace csms_test::detail
