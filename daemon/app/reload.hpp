// reload.hpp: what a SIGHUP may change: the options that differ after re-reading, split into applied and refused.
#pragma once

#include "app/options.hpp"

#include <string>
#include <vector>

namespace csms::app {

struct OptionChange {
  std::string name;
  std::string from;  ///< as the winning layer wrote it; "(default)" when no layer set it
  std::string to;
};

struct ReloadPlan {
  std::vector<OptionChange> apply;   ///< reloadable options whose setting changed
  std::vector<OptionChange> refuse;  ///< other changed options: the running value stays until a restart
};

/// Compares every option the config file or the environment can set, by its effective setting text, so a value
/// that only moved between layers (same text) is no change.
ReloadPlan plan_reload(const Options& running, const Options& reread);

}  // namespace csms::app
