// secret_deletion.cpp: DeleteSecretForSchedule and RestoreSecret (scheduled-deleted-tasks create / cancel).
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/json_io.hpp"
#include "api/validation.hpp"

namespace csms::api::handlers {
namespace {

constexpr std::int64_t kDefaultRecoveryDays = 30;

}  // namespace

core::Result<http::Response> schedule_secret_deletion(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("secret_name", call.param("secret_name")));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body, true));
  CSMS_TRY_ASSIGN(const auto days, optional_integer(body, "recovery_window_in_days"));
  const std::int64_t window = days.value_or(kDefaultRecoveryDays);
  CSMS_TRY(validate::integer_between("recovery_window_in_days", window, 7, 30));
  CSMS_TRY_ASSIGN(const auto secret, context.secrets.schedule_deletion(call.project_id(), call.param("secret_name"),
                                                                       static_cast<int>(window)));
  return json_response(boost::json::object{{"secret", codec::secret(secret)}});
}

core::Result<http::Response> cancel_secret_deletion(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("secret_name", call.param("secret_name")));
  CSMS_TRY_ASSIGN(const auto secret, context.secrets.cancel_deletion(call.project_id(), call.param("secret_name")));
  return json_response(boost::json::object{{"secret", codec::secret(secret)}});
}

}  // namespace csms::api::handlers
