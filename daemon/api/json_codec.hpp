// json_codec.hpp: CSMS JSON shapes of secrets, versions, stages and page_info (csms-api.md section 2).
#pragma once

#include "core/model.hpp"
#include "crypto/sealer.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace csms::api::codec {

boost::json::object secret(const core::Secret& secret);
boost::json::object version_metadata(const core::VersionMetadata& version, const std::string& secret_name);
/// The Version object with its value; built in wiping storage because it holds plaintext.
boost::json::object version_with_value(const core::VersionMetadata& version, const std::string& secret_name,
                                       const crypto::PlainValue& value);
boost::json::object stage(const core::Stage& stage, const std::string& secret_name);

/// page_info: next_marker = last item when more follow (else null), previous_marker = first item (null when empty).
boost::json::object page_info(std::size_t count, const std::optional<std::string>& first,
                              const std::optional<std::string>& last, bool has_more);

/// page_info of a page of named items (secrets, events), whose markers are names.
template <typename Page>
boost::json::object page_info_by_name(const Page& page) {
  std::optional<std::string> first;
  std::optional<std::string> last;
  if (!page.items.empty()) {
    first = page.items.front().name;
    last = page.items.back().name;
  }
  return page_info(page.items.size(), first, last, page.has_more);
}

}  // namespace csms::api::codec
