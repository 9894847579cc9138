// model_test.cpp: version ids, secret state names and error code names.
#include "core/error.hpp"
#include "core/model.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

namespace {

using csms::core::Errc;
using csms::core::SecretState;

TEST_CASE("version_id spells vN", "[unit][core][model]") {
  CHECK(csms::core::version_id(1) == "v1");
  CHECK(csms::core::version_id(12) == "v12");
  CHECK(csms::core::version_id(9'999'999'999) == "v9999999999");
}

TEST_CASE("secret states round-trip through their API names", "[unit][core][model]") {
  const auto [state, name] = GENERATE(table<SecretState, const char*>({
      {SecretState::kEnabled, "ENABLED"},
      {SecretState::kDisabled, "DISABLED"},
      {SecretState::kPendingDelete, "PENDING_DELETE"},
      {SecretState::kFrozen, "FROZEN"},
  }));
  CHECK(csms::core::to_string(state) == name);
  CHECK(csms::core::secret_state_from_string(name) == state);
}

TEST_CASE("unknown state names are refused", "[unit][core][model]") {
  CHECK_FALSE(csms::core::secret_state_from_string("enabled").has_value());
  CHECK_FALSE(csms::core::secret_state_from_string("").has_value());
  CHECK_FALSE(csms::core::secret_state_from_string("PENDING-DELETE").has_value());
}

TEST_CASE("every Errc has a distinct name", "[unit][core][error]") {
  const Errc all[] = {Errc::kInvalidParameter, Errc::kMalformedBody, Errc::kInvalidRequest,
                      Errc::kHeaderTooLarge, Errc::kPayloadTooLarge, Errc::kNotFound,
                      Errc::kAlreadyExists, Errc::kSecretPendingDeletion, Errc::kSecretNotEnabled,
                      Errc::kSecretAlreadyPendingDeletion, Errc::kSecretNotPendingDeletion,
                      Errc::kSystemStageNotDeletable, Errc::kStageLimitReached, Errc::kStageListTooLong,
                      Errc::kBusy, Errc::kUnavailable, Errc::kStorageFull, Errc::kCryptoFailure, Errc::kInternal};
  std::set<std::string> names;
  for (Errc code : all) {
    const std::string name(csms::core::errc_name(code));
    CHECK(name != "unknown");
    CHECK_FALSE(name.empty());
    names.insert(name);
  }
  CHECK(names.size() == std::size(all));
}

TEST_CASE("Result::value() on an error throws ErrorException carrying the error", "[unit][core][error]") {
  const csms::core::Result<int> failed = csms::core::make_error(Errc::kNotFound, "no such thing");
  try {
    (void)failed.value();
    FAIL("value() did not throw");
  } catch (const csms::core::ErrorException& thrown) {
    CHECK(thrown.error().code == Errc::kNotFound);
    CHECK(std::string(thrown.what()) == "no such thing");
  }
}

}  // namespace
