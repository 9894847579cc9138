// password_test.cpp: GenerateRandomPassword (op 35) against the real daemon.
#include <algorithm>
#include <cctype>
#include <string>

#include "harness.hpp"

using namespace csms_it;

namespace {

std::string password_url(std::string_view project = kProject) {
  return "/v1/" + std::string(project) + "/csms/generate-password";
}

std::string generate(HttpClient& client, const json::object& options) {
  const HttpResponse r = client.post_json(password_url(), options);
  REQUIRE_STATUS(r, 200);
  const auto body = body_object(r);
  CHECK(body.size() == 1);
  return get_string(body, "password");
}

bool any_of_class(const std::string& text, int (*predicate)(int)) {
  return std::any_of(text.begin(), text.end(), [&](char c) { return predicate(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

// "35 | GenerateRandomPassword | POST | /v1/{project_id}/csms/generate-password | CreatePasswordRequestBody (all
// optional) | 200 {"password":str}"; "length int (default 32)"
TEST_CASE("generate-password without a body gives 32 printable characters, different each time",
          "[integration][password]") {
  Daemon daemon;
  auto client = daemon.client();
  const HttpResponse r = client.post(password_url());
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const std::string first = get_string(body_object(r), "password");
  CHECK(first.size() == 32);
  CHECK(std::all_of(first.begin(), first.end(), [](char c) { return c > 0x20 && c < 0x7f; }));
  CHECK(generate(client, json::object{}) != first);
}

TEST_CASE("generate-password honours every option", "[integration][password]") {
  Daemon daemon;
  auto client = daemon.client();
  CHECK(generate(client, json::object{{"length", 1}}).size() == 1);
  CHECK(generate(client, json::object{{"length", 255}}).size() == 255);

  const std::string digits_only = generate(client, json::object{{"length", 64},
                                                                {"exclude_lowercase", true},
                                                                {"exclude_uppercase", true},
                                                                {"exclude_punctuation", true}});
  CHECK(std::all_of(digits_only.begin(), digits_only.end(), [](char c) { return c >= '0' && c <= '9'; }));

  const std::string no_excluded = generate(
      client, json::object{{"length", 200}, {"exclude_characters", "abcXYZ019!@"}, {"exclude_punctuation", false}});
  CHECK(no_excluded.find_first_of("abcXYZ019!@") == std::string::npos);

  const std::string letters = generate(client, json::object{{"length", 100}, {"exclude_numbers", true},
                                                            {"exclude_punctuation", true}});
  CHECK_FALSE(any_of_class(letters, ::isdigit));
  CHECK_FALSE(any_of_class(letters, ::ispunct));

  bool saw_space = false;
  for (int i = 0; i < 5 && !saw_space; ++i) {
    saw_space = generate(client, json::object{{"length", 255}, {"include_space", true}}).find(' ') != std::string::npos;
  }
  CHECK(saw_space);
  CHECK(generate(client, json::object{{"length", 255}}).find(' ') == std::string::npos);

  // Each of the four default types (and the space) appears even in the shortest possible password.
  for (int i = 0; i < 20; ++i) {
    const std::string each = generate(client, json::object{{"length", 5}, {"include_space", true},
                                                           {"require_each_included_type", true}});
    REQUIRE(each.size() == 5);
    CHECK(any_of_class(each, ::islower));
    CHECK(any_of_class(each, ::isupper));
    CHECK(any_of_class(each, ::isdigit));
    CHECK(any_of_class(each, ::ispunct));
    CHECK(each.find(' ') != std::string::npos);
  }
}

TEST_CASE("generate-password refuses invalid options with 400", "[integration][password]") {
  Daemon daemon;
  auto client = daemon.client();
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"length", 0}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"length", 256}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"length", "32"}}), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"exclude_numbers", "yes"}}), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"exclude_lowercase", true},
                                                                 {"exclude_uppercase", true},
                                                                 {"exclude_numbers", true},
                                                                 {"exclude_punctuation", true}}),
                   400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"length", 3}, {"require_each_included_type", true}}),
                   400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"exclude_characters", "\t"}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(password_url(), json::object{{"password_policy_name", "corp"}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.post(password_url(), std::string("[1]")), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.post(password_url("short")), 400, "CSMS.0002");
}
