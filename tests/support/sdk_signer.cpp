// sdk_signer.cpp: the SDK-HMAC-SHA256 signer of the test clients (the daemon's auth module computes the signature;
// its own vectors and the official SDK interop tests pin that computation down).
#include "sdk_signer.hpp"

#include "auth/sdk_signature.hpp"

#include <algorithm>
#include <ctime>

namespace csms_test {

HttpClient::Signer sdk_signer(AccessKey key, std::chrono::seconds clock_offset) {
  return [key = std::move(key), clock_offset](std::string_view method, std::string_view target,
                                               const HeaderList& headers, std::string_view body) {
    const auto now = std::chrono::system_clock::now() + clock_offset;
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char date[32];
    std::strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &utc);
    HeaderList all = headers;
    all.emplace_back("x-sdk-date", date);
    std::vector<std::string> signed_headers;
    for (const auto& [name, value] : all) {
      if (name.find('_') == std::string::npos) signed_headers.push_back(name);
    }
    std::sort(signed_headers.begin(), signed_headers.end());
    signed_headers.erase(std::unique(signed_headers.begin(), signed_headers.end()), signed_headers.end());
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
    const csms::auth::SignedRequestView view{method, path, query, all, body};
    return HeaderList{{"X-Sdk-Date", date},
                      {"Authorization", csms::auth::sign_request(view, key.access_key, key.secret_key, signed_headers)}};
  };
}

}  // namespace csms_test
