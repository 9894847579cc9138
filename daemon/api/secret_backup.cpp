// secret_backup.cpp: DownloadSecretBlob (POST /secrets/{name}/backup) and UploadSecretBlob (POST /secrets/restore).
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/json_io.hpp"
#include "api/validation.hpp"
#include "core/base64.hpp"

namespace csms::api::handlers {
namespace {

// The reference's limit on secret_blob (csms-api.md 1.6).
constexpr std::size_t kMaxBlobCharacters = 5'242'880;

}  // namespace

core::Result<http::Response> download_secret_blob(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  call.notes.secret_name = name;
  CSMS_TRY_ASSIGN(const auto blob, context.backups.backup(call.project_id(), name));
  return json_response(boost::json::object{{"secret_blob", core::base64_encode(blob)}});
}

core::Result<http::Response> upload_secret_blob(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto text, required_string(body, "secret_blob"));
  if (text.size() > kMaxBlobCharacters) {
    return core::make_error(core::Errc::kInvalidParameter, "secret_blob exceeds 5242880 characters");
  }
  const auto blob = core::base64_decode(text);
  if (!blob) return core::make_error(core::Errc::kInvalidParameter, "secret_blob is not base64 text");
  CSMS_TRY_ASSIGN(const auto secret, context.backups.restore(call.project_id(), *blob));
  call.notes.secret_name = secret.name;
  return json_response(boost::json::object{{"secret", codec::secret(secret)}});
}

}  // namespace csms::api::handlers
