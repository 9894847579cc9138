// fuzz_json_body.cpp: request bodies through the API's JSON decoding and validation, directly and per operation.
//
// Input: one byte choosing a body-taking operation, then the body. The body goes through the api's decoding
// pieces directly (parse_object, every typed accessor on every field the contract names, the validate:: rules on
// each string found, take_secret_value), then through api::Api::handle as that operation's body (from the socket
// owner, against the seeded vault of api_harness.hpp), so each handler's own decoding runs too.
#include "api_harness.hpp"

#include "api/json_io.hpp"
#include "api/validation.hpp"
#include "api/value_fields.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace csms;

struct Operation {
  std::string_view method;
  std::string_view resource;  ///< after /v1/{project_id}, or a full /v1/csmsd path
};

// Every operation of the route table that reads a body (routes.cpp), on the secrets api_harness seeds. New ones go
// at the end: the seeds' first bytes keep choosing what they chose (fuzz/make_corpus.py BODY_OPERATIONS).
constexpr std::array<Operation, 17> kOperations{{
    {"POST", "/secrets"},                                        // CreateSecret
    {"PUT", "/secrets/app-db"},                                  // UpdateSecret
    {"POST", "/secrets/fuzz/scheduled-deleted-tasks/create"},    // DeleteSecretForSchedule
    {"POST", "/secrets/app-db/versions"},                        // CreateSecretVersion
    {"PUT", "/secrets/app-db/versions/v1"},                      // UpdateVersion
    {"POST", "/secrets/app-db/stages"},                          // CreateSecretStage
    {"PUT", "/secrets/app-db/stages/PENDING"},                   // UpdateSecretStage
    {"POST", "/v1/csmsd/credentials"},                           // CreateCredential
    {"POST", "/csms/00000000-0000-4000-8000-0000000a99db/tags"},  // CreateSecretTag (kAppDbIdPlaceholder)
    {"POST", "/csms/00000000-0000-4000-8000-0000000a99db/tags/action"},  // BatchCreateOrDeleteTags
    {"POST", "/csms/resource_instances/action"},                 // ListResourceInstances
    {"POST", "/csms/events"},                                    // CreateSecretEvent
    {"PUT", "/csms/events/fuzz-event"},                          // UpdateSecretEvent
    {"POST", "/secrets/restore"},                                // UploadSecretBlob
    {"POST", "/csms/generate-password"},                         // GenerateRandomPassword
    {"POST", "/secrets/batch-import"},                           // BatchImportSecrets
    {"POST", "/secrets/checker/config"},                         // UpdateSecretsConfig
}};
static_assert(kOperations[8].resource.find(fuzz::kAppDbIdPlaceholder) != std::string_view::npos &&
              kOperations[9].resource.find(fuzz::kAppDbIdPlaceholder) != std::string_view::npos);

// Every body field of csms-api.md sections 1.5-1.9 and of the credential API.
constexpr std::array<std::string_view, 44> kFields{
    "name", "secret_string", "secret_binary", "description", "kms_key_id", "secret_type", "auto_rotation",
    "rotation_period", "rotation_config", "rotation_func_urn", "event_subscriptions", "enterprise_project_id",
    "version_stages", "expire_time", "version_id", "recovery_window_in_days", "type", "role", "projects",
    "InstanceId", "SecretSubType", "limit", "tag", "tags", "key", "value", "values", "action", "sequence", "offset",
    "matches", "event_types", "state", "notification", "target_type", "target_id", "target_name", "secret_blob",
    "length", "exclude_characters", "include_space", "require_each_included_type", "secrets",
    "checking_secret_strength"};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_json_body: %s\n", what);
  std::abort();
}

// Every rule of validation.hpp on one string; the results are checked only against each other.
void validate_text(std::string_view text) {
  const std::size_t points = api::validate::code_points(text);
  if (points > text.size()) fail("more code points than bytes");
  if (api::validate::is_name(text) && (text.empty() || text.size() > 64)) fail("is_name accepted a bad length");
  if (api::validate::is_project_id(text) && (text.size() < 32 || text.size() > 64)) fail("is_project_id length");
  if (api::validate::is_uuid(text) && text.size() != 36) fail("is_uuid accepted a bad length");
  if (api::validate::is_base64(text) && text.size() % 4 != 0) fail("is_base64 accepted a bad length");
  (void)api::validate::name("field", text);
  (void)api::validate::project_id(text);
  (void)api::validate::max_length("field", text, 64);
  (void)api::validate::length_between("field", text, 1, 36);
  (void)api::validate::rotation_period(text);
  for (const bool allow_latest : {false, true}) {
    if (const auto version = api::validate::path_version(text, allow_latest); version && !*version) {
      if (!allow_latest || text != "latest") fail("path_version gave latest for something else");
    }
  }
  (void)api::validate::body_version("version_id", text);
}

void decode_directly(std::string_view body) {
  for (const bool empty_is_object : {false, true}) {
    auto parsed = api::parse_object(body, empty_is_object);
    if (!parsed) {
      if (parsed.error().code != core::Errc::kMalformedBody) fail("parse_object failed with another error");
      continue;
    }
    for (const std::string_view field : kFields) {
      if (const auto text = api::optional_string(*parsed, field); text && *text) validate_text(**text);
      (void)api::optional_bool(*parsed, field);
      if (const auto number = api::optional_integer(*parsed, field); number && *number) {
        (void)api::validate::integer_between(field, **number, 7, 30);
      }
      if (const auto items = api::optional_string_array(*parsed, field); items && *items) {
        for (const std::string& item : **items) validate_text(item);
      }
      (void)api::required_string(*parsed, field);
      (void)api::required_integer(*parsed, field);
    }
    const bool had_value = parsed->contains("secret_string") || parsed->contains("secret_binary");
    if (const auto value = api::take_secret_value(*parsed); value) {
      if (!had_value) fail("take_secret_value found a value that was not there");
      if (value->bytes.size() > 4 * api::kMaxValueCharacters) fail("a value longer than 32768 characters");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Operation& operation = kOperations[data[0] % kOperations.size()];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  decode_directly(body);
  validate_text(body);

  const std::string target = operation.resource.starts_with("/v1/")
                                 ? std::string(operation.resource)
                                 : "/v1/" + std::string(fuzz::kProject) + std::string(operation.resource);
  auto request = fuzz::make_request(operation.method, target, body, fuzz::owner_peer());
  request.headers.emplace_back("content-type", "application/json;charset=UTF-8");
  const auto response = fuzz::handle(request);
  fuzz::trace(request, response);
  fuzz::check_response(response);
  return 0;
}
